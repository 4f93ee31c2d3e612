#!/usr/bin/env bash
# The commands that made the benchmarks' judges, networks used only to score results and never
# to train an animator (benchmarks/judges/; docs/training.md):
#
#   bash training/recipes/judges.sh digits   # checkpoints/text/digit_checker (60 epochs)
#   bash training/recipes/judges.sh birds    # checkpoints/birds/classifier (2,000 steps of 64)
#
# Stages named together run one after the other. `digits` reads the MNIST digits from
# ../shared/data/mnist/mnist_5k.npz (the trainer's default; set MNIST to another .npz).
# `birds` first caches both splits of ../shared/data/birds/cub100 at 64x64 in runs/data
# (`python -m training.birds.photos --size 64`, as birds.sh expects too), then trains on the
# train split and reports accuracy on the test split. Writes checkpoints under $EXPORT (default
# checkpoints), logs to runs/judge_<job>.log. Set PYTHON (default python) and, for the bird
# classifier, EXTRA (e.g. "--device cuda").
set -euo pipefail
python=${PYTHON:-python}
extra=${EXTRA:-}
export_root=${EXPORT:-checkpoints}
mnist=${MNIST:+--data $MNIST}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} PYTHONUNBUFFERED=1
mkdir -p runs "$export_root"

for stage in "$@"; do
  case $stage in
  digits)  # the text benchmark's digit checker (8 minutes on 2 CPU cores)
    $python -m training.judges.train_digit_checker $mnist \
      --export "$export_root/text/digit_checker" >runs/judge_digits.log 2>&1
    ;;
  birds)  # the bird benchmark's species classifier (its features: Fréchet distance, identity)
    $python -m training.birds.photos --size 64 >runs/judge_bird_photos.log 2>&1
    $python -m training.judges.train_bird_classifier --data runs/data/birds_train_64.npz \
      --test-data runs/data/birds_test_64.npz --out runs/bird_classifier $extra \
      --export "$export_root/birds/classifier" >runs/judge_birds.log 2>&1
    ;;
  *)
    echo "unknown stage $stage (digits, birds)" >&2
    exit 2
    ;;
  esac
  echo "stage $stage done"
done
