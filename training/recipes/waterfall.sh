#!/usr/bin/env bash
# The commands that made the committed waterfall checkpoints (docs/training.md), stage by stage:
#
#   bash training/recipes/waterfall.sh flow        # the motion-field network (`flow`), 3 runs
#   bash training/recipes/waterfall.sh streaks     # print the streak-alignment grid (train split)
#   bash training/recipes/waterfall.sh generators  # pix2gif, recursive, recurrent side by side
#
# Stages named together run one after the other. Minutes, learning rates and sizes are those
# of the committed runs (2 CPU cores; each checkpoint's metrics.json records its commands).
# The first `flow` run of the committed checkpoint was made before the still distractor layers
# were added to the training scenes (training/waterfall/fluid_scenes.py); rerun today it trains
# on scenes with them. Reads the bird photos and DAVIS frames from ../shared (the trainers'
# defaults; --birds, --davis, --backgrounds in EXTRA change them). Writes checkpoints under
# $EXPORT (default checkpoints/waterfall), logs to runs/waterfall_<job>.log.
# Set PYTHON (default python) and EXTRA (e.g. "--device cuda"), passed to every training job.
set -euo pipefail
python=${PYTHON:-python}
extra=${EXTRA:-}
export_root=${EXPORT:-checkpoints/waterfall}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} PYTHONUNBUFFERED=1
mkdir -p runs "$export_root"

for stage in "$@"; do
  case $stage in
  flow)  # 50 min at 128 px, 35 more (still distractors), 65 more on 160 px scenes
    $python -m training.waterfall.train_motion_field --out runs/motion_field --max-minutes 50 \
      $extra >runs/waterfall_motion_field.log 2>&1
    $python -m training.waterfall.train_motion_field --out runs/motion_field2 \
      --init runs/motion_field/best --lr 5e-4 --max-minutes 35 --validation 192 --every 500 \
      $extra >runs/waterfall_motion_field2.log 2>&1
    $python -m training.waterfall.train_motion_field --out runs/motion_field3 \
      --init runs/motion_field2/best --lr 3e-4 --size 160 --max-minutes 65 --validation 192 \
      --every 500 $extra --export "$export_root/flow" >runs/waterfall_motion_field3.log 2>&1
    ;;
  streaks)  # the settings in animators/waterfall/streaks.py were chosen from this grid
    # (60 training-split scenes, those with fluid scored; uses the shipped `flow` checkpoint)
    $python -m training.waterfall.tune_streak_axis 2>&1 | tee runs/waterfall_streaks.log
    ;;
  generators)  # the original project's three generators, 35 minutes each on the same cores
    for model in pix2gif recursive recurrent; do
      $python -m training.waterfall.train_fluid_gan --model "$model" --out "runs/$model" \
        --max-minutes 35 $extra --export "$export_root/$model" >"runs/waterfall_$model.log" 2>&1 &
    done
    failed=0
    for pid in $(jobs -p); do wait "$pid" || failed=1; done
    [ $failed = 0 ] || { echo "a generator run failed: see runs/waterfall_*.log" >&2; exit 1; }
    ;;
  *)
    echo "unknown stage $stage (flow, streaks, generators)" >&2
    exit 2
    ;;
  esac
  echo "stage $stage done"
done
