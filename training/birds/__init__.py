"""Training of the bird models: StyleGAN2 / DCGAN, encoder, pose bank; the bird photos."""
