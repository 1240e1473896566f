#!/usr/bin/env bash
# Remakes the weights that ship inside Graft (module graft-weights) with the documented pretraining
# recipe: seed 42, 8 epochs, SGD lr 0.05, batch 128, one PyTorch thread (so a rerun repeats the
# arithmetic). Each entry is trained by `graft pretrain`, then its folder (model.safetensors,
# config.json, feature_stats.safetensors, README.md) is copied into the module's resources and the
# sha256 of every file is printed: paste those into the catalogue entries (SmallModels.SHIPPED).
#
#   bench/shipped-weights.sh                                   # all four entries, a few minutes each on 2 cores
#   ENTRIES="small_cnn.graft_mnist" bench/shipped-weights.sh   # one entry
#   COPY_ONLY=1 bench/shipped-weights.sh                       # copy finished GRAFT_HOME folders, train nothing
#   GRAFT=/path/to/graft bench/shipped-weights.sh              # another launcher (e.g. a fixed build)
#
# Training runs under GRAFT_HOME (set it to an empty folder to be sure nothing older is picked up).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
ENTRIES=${ENTRIES:-"small_cnn.graft_mnist small_cnn.graft_fashion_mnist small_resnet.graft_mnist small_resnet.graft_fashion_mnist"}
SEED=${SEED:-42}
EPOCHS=${EPOCHS:-8}
LR=${LR:-0.05}
BATCH=${BATCH:-128}
RUNS=${RUNS:-bench/out/shipped-weights}
DEST=graft-weights/src/main/resources/dev/graft/weights/shipped
FILES="model.safetensors config.json feature_stats.safetensors README.md"
GRAFT=${GRAFT:-./graft}
export GRAFT_JAVA_OPTS="${GRAFT_JAVA_OPTS:--Dai.djl.pytorch.num_threads=1}"

home="${GRAFT_HOME:-$HOME/.graft}"
for name in $ENTRIES; do
  arch="${name%%.*}"
  data="${name#*.graft_}"
  data="${data//_/-}"
  if [ -z "${COPY_ONLY:-}" ]; then
    "$GRAFT" data get "$data" >/dev/null
    echo "== $name: ./graft --seed $SEED pretrain --model $arch --data $data --epochs $EPOCHS --lr $LR --batch-size $BATCH ($(date -u +%H:%M:%S))"
    "$GRAFT" --seed "$SEED" pretrain --model "$arch" --data "$data" --epochs "$EPOCHS" --lr "$LR" --batch-size "$BATCH" \
        --out "$RUNS/$name"
  fi
  src="$home/weights/$name"
  mkdir -p "$DEST/$name"
  for f in $FILES; do
    cp "$src/$f" "$DEST/$name/$f"
  done
  (cd "$DEST/$name" && sha256sum $FILES && du -b $FILES | awk '{s += $1} END {print s " bytes"}')
done
