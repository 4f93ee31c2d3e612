"""Waterfall / fluid texture motion: a motion field (learned, or from the brush) drives a looping
renderer that moves the photo's own pixels; the original Pix2Gif generators beside it."""
