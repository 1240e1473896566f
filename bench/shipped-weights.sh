#!/usr/bin/env bash
# Remakes the weights that ship inside Graft (module graft-weights) with the pretraining recipe
# below: seed 42, SGD lr 0.05, batch 128, one PyTorch thread (so a rerun repeats the arithmetic).
# small_cnn: 8 epochs on all 60,000 training images (54,000 trained on, 6,000 for validation).
# small_resnet: 3 epochs on 1,000 images per class (10,000), to fit the time there was: each of its
# steps costs about four of small_cnn's (it keeps 16 channels at the full 28x28 resolution). The
# feature statistics are always computed over all 54,000 training images. Each entry is trained by `graft pretrain`, then its folder (model.safetensors,
# config.json, feature_stats.safetensors, README.md) is copied into the module's resources and the
# sha256 of every file is printed: put those into the catalogue entries (SmallModels.SHIPPED).
#
#   bench/shipped-weights.sh                                   # all four entries (about an hour on 2 busy cores)
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
# epochs and samples per class (0 = all) per architecture
epochs_of() { case "$1" in small_resnet) echo 3 ;; *) echo 8 ;; esac; }
per_class_of() { case "$1" in small_resnet) echo 1000 ;; *) echo 0 ;; esac; }
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
  epochs="${EPOCHS:-$(epochs_of "$arch")}"
  per_class="${PER_CLASS:-$(per_class_of "$arch")}"
  if [ -z "${COPY_ONLY:-}" ]; then
    "$GRAFT" data get "$data" >/dev/null
    echo "== $name: ./graft --seed $SEED pretrain --model $arch --data $data --epochs $epochs --lr $LR --batch-size $BATCH --labels-per-class $per_class ($(date -u +%H:%M:%S))"
    "$GRAFT" --seed "$SEED" pretrain --model "$arch" --data "$data" --epochs "$epochs" --lr "$LR" --batch-size "$BATCH" \
        --labels-per-class "$per_class" --out "$RUNS/$name"
  fi
  src="$home/weights/$name"
  mkdir -p "$DEST/$name"
  for f in $FILES; do
    cp "$src/$f" "$DEST/$name/$f"
  done
  (cd "$DEST/$name" && sha256sum $FILES && du -b $FILES | awk '{s += $1} END {print s " bytes"}')
done
