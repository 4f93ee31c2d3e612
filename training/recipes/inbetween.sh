#!/usr/bin/env bash
# The commands that made the committed inbetweening checkpoints (docs/training.md):
#
#   bash training/recipes/inbetween.sh learned   # `learned`: 1 run from scratch + 8 fine-tunings
#   bash training/recipes/inbetween.sh cvae      # the original project's CVAE: 40 + 75 minutes
#   bash training/recipes/inbetween.sh cgan      # its CGAN: 35 + 60 minutes
#   bash training/recipes/inbetween.sh mipal     # its encoder-decoder + refinement: 30 minutes
#
# Stages named together run one after the other. Minutes and settings are those of the
# committed runs (2 CPU cores; checkpoints/inbetween/learned/metrics.json lists its runs).
# Between the `learned` runs the network's input flows changed twice: after the first run DIS
# went down to its finest pyramid level (optical_flow.NET_FLOW_FINEST_SCALE) and after the sixth
# it took a patch every 2 pixels (optical_flow.NET_FLOW_PATCH_STRIDE). The code has only the
# final flows, so a rerun trains every stage on them. The committed cvae, cgan and mipal runs
# each used one CPU thread beside another run (OMP_NUM_THREADS=1).
# Reads DAVIS (minus the three benchmark sequences), the OpenCV clips and the bird photos from
# ../shared (the trainers' defaults; add footage with EXTRA="--data DIR"). Each `learned` run
# starts from, and exports to, $EXPORT/learned (default checkpoints/inbetween); logs go to
# runs/inbetween_<job>.log. Set PYTHON (default python) and EXTRA (e.g. "--device cuda").
set -euo pipefail
python=${PYTHON:-python}
extra=${EXTRA:-}
export_root=${EXPORT:-checkpoints/inbetween}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} PYTHONUNBUFFERED=1
mkdir -p runs "$export_root"
learned=$export_root/learned

interp() {  # interp NAME ARGS...: one train_interpolator run, logging to runs/inbetween_NAME.log
  local name=$1
  shift
  $python -m training.inbetween.train_interpolator --out "runs/$name" --crop 192 "$@" $extra \
    --export "$learned" >"runs/inbetween_$name.log" 2>&1
}

for stage in "$@"; do
  case $stage in
  learned)
    interp interp --lr 5e-4 --max-minutes 85
    interp interp_fine --lr 2e-4 --init "$learned" --max-minutes 45 --every 300
    interp interp_fine2 --lr 1e-4 --init "$learned" --max-minutes 30 --every 300
    interp interp_psnr --lr 1e-4 --psnr-weight 0.1 --init "$learned" --max-minutes 40 --every 300
    interp interp_large --lr 1e-4 --large-crop 384 --psnr-weight 0.1 --init "$learned" \
      --max-minutes 45 --every 300
    interp interp_large2 --lr 1e-4 --large-crop 384 --flow-scales 1,2,2 --psnr-weight 0.1 \
      --max-minutes 33 --every 300 --init "$learned"
    interp interp_stride2 --lr 1e-4 --large-crop 384 --flow-scales 1,2,2 --psnr-weight 0.1 \
      --max-minutes 50 --every 300 --init "$learned"
    interp interp_stride2b --lr 1e-4 --large-crop 384 --flow-scales 1,2,2 --psnr-weight 0.1 \
      --max-minutes 35 --every 300 --init "$learned"
    interp interp_real --lr 1e-4 --large-crop 384 --flow-scales 1,2,2 --psnr-weight 0.1 \
      --synthetic-share 0 --max-minutes 60 --every 300 --init "$learned"
    ;;
  cvae)  # 40 minutes (1,076 steps), then 75 more with --resume (2,474 in all)
    $python -m training.inbetween.train_clip_generator --kind cvae --out runs/cvae --max-minutes 40 \
      $extra --export "$export_root/cvae" >runs/inbetween_cvae.log 2>&1
    $python -m training.inbetween.train_clip_generator --kind cvae --out runs/cvae --resume \
      --max-minutes 75 $extra --export "$export_root/cvae" >>runs/inbetween_cvae.log 2>&1
    ;;
  cgan)  # 35 minutes (320 steps), then 60 more with --resume (706 in all)
    $python -m training.inbetween.train_clip_generator --kind cgan --out runs/cgan --max-minutes 35 \
      $extra --export "$export_root/cgan" >runs/inbetween_cgan.log 2>&1
    $python -m training.inbetween.train_clip_generator --kind cgan --out runs/cgan --resume \
      --max-minutes 60 $extra --export "$export_root/cgan" >>runs/inbetween_cgan.log 2>&1
    ;;
  mipal)  # 30 minutes (156 steps at 256x256)
    $python -m training.inbetween.train_mipal --out runs/mipal --max-minutes 30 $extra \
      --export "$export_root/mipal" >runs/inbetween_mipal.log 2>&1
    ;;
  *)
    echo "unknown stage $stage (learned, cvae, cgan, mipal)" >&2
    exit 2
    ;;
  esac
  echo "stage $stage done"
done
