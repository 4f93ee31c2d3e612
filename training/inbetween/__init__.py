"""Training of the inbetweening models: the flow interpolator, the clip generators, MIPAL."""
