"""Pure nn.Modules, each with one frozen @dataclass config. No I/O and no numpy here:
`animators` wraps them for inference and `training/` trains them."""
