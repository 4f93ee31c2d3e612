"""Networks of the text-conditioned sequence task."""
