"""What every task shares: `Clip` and errors, input loading and limits, export, checkpoints,
metrics and optical flow."""
