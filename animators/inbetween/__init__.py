"""Two-frame inbetweening: blend and flow baselines, the learned flow interpolator, and the
original projects' models (cvae, cgan, mipal)."""
