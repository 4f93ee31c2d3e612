"""Training of the networks that only score: the digit checker and the bird-species classifier."""
