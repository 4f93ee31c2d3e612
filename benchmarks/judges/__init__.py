"""Networks used only to score results (never to train the animators): the digit checker and
the bird-species classifier."""
