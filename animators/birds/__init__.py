"""Bird flight: find the bird, animate it, fly it across the photo."""
