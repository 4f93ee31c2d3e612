"""Training of the waterfall models: motion field, Pix2Gif generators, streak alignment."""
