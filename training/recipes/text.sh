#!/usr/bin/env bash
# Train every model of the text task (issue 4) side by side, e.g. on one lent GPU.
#
#   bash training/recipes/text.sh MINUTES plain gan   # next-frame nets + first-frame GANs
#   bash training/recipes/text.sh MINUTES finetune    # continue the digit net
#   bash training/recipes/text.sh MINUTES adversarial # the three adversarial schedules (mnist)
#
# The stages named run side by side (adversarial needs the plain digit model first).
# Reads the MNIST digits and the walking clips from $DATA (default runs/data: mnist_5k.npz,
# copied from ../shared/data/mnist, and walking_64.npz, made by `python -m training.text.walking`).
# Each job stops after its step count or MINUTES of wall time, whichever comes first, then
# exports: plain models to checkpoints/text/<name>, the adversarial schedules to
# runs/text_mnist_<schedule>/export. Logs: runs/<job>.log.
# Set PYTHON (default python) and EXTRA (e.g. "--batch-size 32") as needed.
set -euo pipefail
minutes=${1:?minutes per job}
shift
stages=("$@")
data=${DATA:-runs/data}
python=${PYTHON:-python}
extra=${EXTRA:-}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} PYTHONUNBUFFERED=1
mkdir -p runs

job() {  # job NAME MODULE ARGS...: run one training in the background, logging to runs/NAME.log
  local name=$1
  shift
  $python -m "$@" --max-minutes "$minutes" $extra >"runs/$name.log" 2>&1 &
}

for stage in "${stages[@]}"; do
  case $stage in
  plain)  # next-frame networks from scratch
    job text_mnist training.text.train_next_frame --domain mnist --data "$data/mnist_5k.npz" \
      --out runs/text_mnist --steps 100000 --rollout 6 --max-sampling 0.75 \
      --export checkpoints/text/mnist
    job text_icons training.text.train_next_frame --domain icons --out runs/text_icons --steps 100000 \
      --rollout 6 --max-sampling 0.75 --export checkpoints/text/icons
    job text_walking training.text.train_next_frame --domain walking --data "$data/walking_64.npz" \
      --out runs/text_walking --steps 100000 --rollout 6 --max-sampling 0.75 \
      --export checkpoints/text/walking
    ;;
  finetune)  # continue the digit network from its checkpoint: smaller steps, full sampling
    job text_mnist_ft training.text.train_next_frame --domain mnist --data "$data/mnist_5k.npz" \
      --init checkpoints/text/mnist --out runs/text_mnist_ft --steps 100000 --rollout 6 \
      --max-sampling 0.75 --ramp 0 --lr 2e-4 --export checkpoints/text/mnist
    ;;
  gan)  # caption -> first frame generators
    for domain in mnist icons walking; do
      case $domain in
      mnist) source=(--data "$data/mnist_5k.npz") ;;
      walking) source=(--data "$data/walking_64.npz") ;;
      *) source=() ;;
      esac
      job "first_$domain" training.text.train_first_frame --domain "$domain" "${source[@]}" \
        --out "runs/first_$domain" --steps 100000 \
        --export "checkpoints/text/${domain}_first_frame"
    done
    ;;
  adversarial)  # the original project's three adversarial schedules, from the plain digit model
    for schedule in adversarial adversarial+mse alternating; do
      job "text_mnist_$schedule" training.text.train_adversarial --domain mnist \
        --data "$data/mnist_5k.npz" --schedule "$schedule" --init checkpoints/text/mnist \
        --out "runs/text_mnist_$schedule" --steps 100000 \
        --export "runs/text_mnist_$schedule/export"
    done
    ;;
  *)
    echo "unknown stage $stage: use plain, finetune, gan or adversarial" >&2
    exit 2
    ;;
  esac
done
failed=0
for pid in $(jobs -p); do wait "$pid" || failed=1; done
tail -n 2 runs/*.log
exit $failed
