"""Waterfall benchmarks: `render` (the brush renderer: speed, seam, sharpness) and `motion`
(the motion field on held-out clips)."""
