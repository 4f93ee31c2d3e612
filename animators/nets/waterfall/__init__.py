"""Networks of the waterfall task."""
