"""Training scripts: `python -m training.train_<model> --data DIR --out runs/NAME [--resume]`."""
