#!/usr/bin/env bash
# Retrain the bird models of issue 6 in order, e.g. in one session on a lent GPU:
#
#   bash training/recipes/birds.sh MINUTES gans      # StyleGAN and DCGAN side by side
#   bash training/recipes/birds.sh MINUTES encoder   # the projection encoder for that StyleGAN
#   bash training/recipes/birds.sh MINUTES poses     # the flying-pose bank, projected anew
#
# Stages named together run one after the other (each needs the one before). "gans" trains
# both generators for the same MINUTES side by side, so the Fréchet comparison stays fair, and
# exports the StyleGAN, its discriminator (which guides projection) and the DCGAN. Training
# starts from scratch (runs/bird_<model>); set RESUME=1 to continue those run folders, or
# INIT=checkpoints/birds to continue from exported checkpoints instead (the StyleGAN with its
# exported discriminator, the DCGAN with a fresh one since only its generator is exported, the
# encoder from the exported encoder).
# Reads the train split cached by `python -m training.birds.photos --size 64` from $DATA
# (default runs/data/birds_train_64.npz); writes checkpoints under $EXPORT (default
# checkpoints/birds, e.g. $OUT/birds on the device machine), logs to runs/bird_<job>.log.
# Set PYTHON (default python) and EXTRA (e.g. "--batch-size 64 --device cuda") as needed;
# EXTRA goes to the GAN jobs only.
set -euo pipefail
minutes=${1:?minutes per stage}
shift
data=${DATA:-runs/data/birds_train_64.npz}
export_root=${EXPORT:-checkpoints/birds}
python=${PYTHON:-python}
extra=${EXTRA:-}
resume=${RESUME:+--resume}
init=${INIT:-}
stylegan_init=${init:+--init $init/stylegan --init-critic $init/stylegan_critic}
dcgan_init=${init:+--init $init/dcgan}
encoder_init=${init:+--init $init/encoder}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} PYTHONUNBUFFERED=1
mkdir -p runs "$export_root"

for stage in "$@"; do
  case $stage in
  gans)
    $python -m training.birds.train_gan --model stylegan --data "$data" --out runs/bird_stylegan \
      --max-minutes "$minutes" $resume $stylegan_init $extra --export "$export_root/stylegan" \
      --export-critic "$export_root/stylegan_critic" >runs/bird_stylegan.log 2>&1 &
    $python -m training.birds.train_gan --model dcgan --data "$data" --out runs/bird_dcgan \
      --max-minutes "$minutes" $resume $dcgan_init $extra --export "$export_root/dcgan" \
      >runs/bird_dcgan.log 2>&1 &
    wait
    ;;
  encoder)
    $python -m training.birds.train_encoder --data "$data" --out runs/bird_encoder \
      --generator "$export_root/stylegan" --critic "$export_root/stylegan_critic" \
      --max-minutes "$minutes" $encoder_init --export "$export_root/encoder" \
      >runs/bird_encoder.log 2>&1
    ;;
  poses)
    $python -m training.birds.build_pose_bank --data "$data" --generator "$export_root/stylegan" \
      --critic "$export_root/stylegan_critic" --encoder "$export_root/encoder" \
      --out runs/bird_pose_bank --export "$export_root/pose_bank" >runs/bird_pose_bank.log 2>&1
    ;;
  *)
    echo "unknown stage $stage (gans, encoder, poses)" >&2
    exit 2
    ;;
  esac
  echo "stage $stage done"
done
