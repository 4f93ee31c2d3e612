"""Dataset builders for training: real data read from a folder and procedural generators.

- `moving_mnist`: captioned Moving-MNIST (64x64 grayscale) with held-out digit-motion pairs.
- `icons`: captioned coloured shapes (64x64 RGB) with the same motions.
- `motion_paths`: the position trajectories and wrap-around rendering both generators share.
"""
