"""Training of the text-conditioned models, and their captioned data sets."""
