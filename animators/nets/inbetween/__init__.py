"""Networks of the inbetweening task."""
