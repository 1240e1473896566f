#!/usr/bin/env bash
# Remakes the CLIP-style model that ships inside Graft (module graft-weights),
# clip_lit_vit64_minilm.graft_emoji_google: `graft clip-train` in LiT mode (all-MiniLM-L6-v2 locked and
# referenced by name, not copied; a ViT of 4 layers, 128 wide, patches of 8 at 64 x 64 trained from random
# weights with both projections and the temperature) on the 1,529 seen emoji of emoji-google, seed 42,
# 10 epochs, batch 128, AdamW at 2e-3, stored as float16, then measured on the unseen emoji of
# emoji-google, emoji-twitter and emoji-openmoji (300 20-way episodes). The folder it writes is copied into
# the module's resources and the sha256 of every file is printed: put those into ClipModels.LIT_SHIPPED.
# About 20 minutes on 2 busy cores (5 of them encoding the captions with the locked text tower).
#
#   bench/shipped-clip.sh                  # train and copy
#   COPY_ONLY=1 bench/shipped-clip.sh      # copy the finished folder, train nothing
#   SEED=1 OUT=runs/clip-seed1 NO_COPY=1 bench/shipped-clip.sh   # another seed, for the table in docs/zero-shot.md
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
NAME=clip_lit_vit64_minilm.graft_emoji_google
SEED=${SEED:-42}
OUT=${OUT:-runs/$NAME}
DEST=graft-weights/src/main/resources/dev/graft/weights/shipped/$NAME
FILES="model.safetensors config.json README.md tokenizer.json preprocessor_config.json"
GRAFT=${GRAFT:-./graft}
if [ -z "${COPY_ONLY:-}" ]; then
  echo "== $NAME: seed $SEED ($(date -u +%H:%M:%S))"
  "$GRAFT" --seed "$SEED" clip-train --mode lit --data emoji-google --eval-data emoji-twitter,emoji-openmoji \
    --epochs 10 --lr 2e-3 --episodes 300 --fp16 --out "$OUT" --overwrite
  echo "== done $(date -u +%H:%M:%S)"
fi
[ -n "${NO_COPY:-}" ] && exit 0
mkdir -p "$DEST"
for f in $FILES; do
  cp "$OUT/$f" "$DEST/$f"
done
(cd "$DEST" && sha256sum $FILES && du -b $FILES | awk '{s += $1} END {print s " bytes"}')
