"""Data splits and ids that training and the benchmarks share.

The data one side keeps apart for the other (sequences and images no training sees because a
benchmark scores on them) or reads back from it (the photos the pose bank was built from) are
named here once, and both sides import them:

- HELD_OUT_DAVIS: the DAVIS sequences of the inbetweening benchmarks
  (benchmarks.inbetween.triplets, benchmarks.inbetween.clips); no inbetweener trains on them,
  and the waterfall's held-out fluid scenes take their backgrounds from them
  (training.waterfall.fluid_scenes.load_pool, benchmarks.waterfall.motion).
- WATER_CLIPS, TRAIN_WATER, TEST_WATER: the DAVIS clips with real water; never backgrounds of
  fluid scenes; kite-surf gives the training scenes' water texture, blackswan the held-out ones'.
- FLYING_IDS: the train-split bird photos (CUB image ids) projected into the flying-pose bank
  (training.birds.build_pose_bank); benchmarks.birds.flight measures them as real flight poses.
- HELD_OUT_FLUID_SOURCES: the source repositories (MANIFEST.csv `source_repo`) of the real
  fluid clips in ../shared/data/video/fluid kept for the waterfall benchmark; split by source
  scene, so no held-out scene's other clips train (training.videos.fluid_clips).
- MNIST_TEST_EVERY: the MNIST images whose index is a multiple of it are test images (the text
  benchmark's start digits, the digit checker's test set); the others train
  (training.text.moving_mnist, training.judges.train_digit_checker).
"""

from __future__ import annotations

import numpy as np

HELD_OUT_DAVIS = ("breakdance", "car-roundabout", "dog")
"""DAVIS sequences for the inbetweening benchmark; never used in training."""

WATER_CLIPS = ("blackswan", "kite-surf")
"""DAVIS clips with real water: never backgrounds. kite-surf textures train, blackswan tests."""
TRAIN_WATER, TEST_WATER = "kite-surf", "blackswan"

FLYING_IDS = (1265, 344, 17, 29, 1740, 863, 28, 530, 1450, 487, 8, 20)
"""Train-split photos of birds in flight (CUB image ids), in the pose bank's input order."""

HELD_OUT_FLUID_SOURCES = (
    "dawidjandabrowski-collab/Jungle",  # waterfall
    "originpulses/portfolio-gallery",  # waterfall
    "AnjaliPatil4/Destino",  # river
    "localdevices/pyorc",  # river
    "yazleigh/safe_at_sea",  # sea (2), other
    "qulpe/Strand",  # sea
    "Komboray/portfolio",  # sea
    "ecooffice/ecooffice.github.io",  # lake
    "ahmadm2704/weather-App",  # clouds (2)
    "Devasee/Travelling_page",  # clouds
    "y-zheng18/HyFluid",  # smoke
    "zengkeat/cinemagraph_project",  # fire
    "jianwen-xie/Dynamic_generator",  # other (2)
)
"""Sources of the held-out real fluid clips: at least one scene of every kind; never trained on."""

MNIST_TEST_EVERY = 10
"""MNIST images with index % MNIST_TEST_EVERY == 0 are test images; the others train."""


def is_mnist_test_image(count: int) -> np.ndarray:
    """(count,) bool: which of `count` MNIST images (in array order) are test images."""
    return np.arange(count) % MNIST_TEST_EVERY == 0
