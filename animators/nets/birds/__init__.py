"""Networks of the bird-flight task."""
