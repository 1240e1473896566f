#!/usr/bin/env bash
# Remakes the GPT that ships inside Graft (module graft-weights), gpt2_graft_small.graft_wordnet_glosses:
# `graft lm-pretrain` trains gpt2_graft_small (4 blocks, 128 wide, 128 positions, GPT-2's vocabulary)
# from random weights, seed 42, on the first 500,000 characters of wordnet-glosses (WordNet 3.1's glosses,
# in Graft's class path; wordnet-topics' test definitions left out): one epoch, batch 8 blocks of 128
# tokens, AdamW at 2e-3, the last 10% of the blocks held out for perplexity. The folder it writes
# (config.json, model.safetensors in float16, README.md) is copied into the module's resources and the
# sha256 of every file is printed: put those into Gpt2Models.GRAFT_SMALL_SHIPPED.
# About 25 minutes on 2 busy cores; the sums repeat only with the same thread count and CPU kernels.
#
#   bench/shipped-gpt2.sh                  # train and copy
#   COPY_ONLY=1 bench/shipped-gpt2.sh      # copy the finished GRAFT_HOME folder, train nothing
#   GRAFT=/path/to/graft bench/shipped-gpt2.sh
#
# Training runs under GRAFT_HOME (set it to an empty folder to be sure nothing older is picked up).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
NAME=gpt2_graft_small.graft_wordnet_glosses
SEED=${SEED:-42}
CHARS=${CHARS:-500000}
DEST=graft-weights/src/main/resources/dev/graft/weights/shipped/$NAME
FILES="model.safetensors config.json README.md"
GRAFT=${GRAFT:-./graft}
home="${GRAFT_HOME:-$HOME/.graft}"
if [ -z "${COPY_ONLY:-}" ]; then
  echo "== $NAME: $GRAFT --seed $SEED lm-pretrain --model gpt2_graft_small --data wordnet-glosses --max-chars $CHARS ($(date -u +%H:%M:%S))"
  "$GRAFT" --seed "$SEED" lm-pretrain --model gpt2_graft_small --data wordnet-glosses --max-chars "$CHARS" --overwrite
  echo "== done $(date -u +%H:%M:%S)"
fi
src="$home/weights/$NAME"
mkdir -p "$DEST"
for f in $FILES; do
  cp "$src/$f" "$DEST/$f"
done
(cd "$DEST" && sha256sum $FILES && du -b $FILES | awk '{s += $1} END {print s " bytes"}')
