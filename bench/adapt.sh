#!/usr/bin/env bash
# Domain adaptation on digit domains: target accuracy of every method on three domain pairs and
# three seeds, summarised as mean +- std next to the published tables (docs/domain-adaptation.md).
#
#   bench/adapt.sh [OUT_DIR]          default OUT_DIR: bench/results/adapt
#
# Settings (environment): SEEDS ("1 2 3"), PAIRS ("mnist:digits-28 printed-digits:mnist
# mnist:mnist-m-style"), METHODS ("adabn dann cdan cdan-e dan coral"; adabn also yields source-only,
# since it is source-only training followed by BatchNorm re-estimation), EPOCHS (6), ITERS (50),
# BATCH (32), SOURCE_LIMIT (10000), TARGET_LIMIT (10000), EVAL_LIMIT (500), CLIP (1, the CLI default; 0 = no gradient
# clipping; else every gradient element is clipped to [-CLIP, CLIP]), WORKERS (3).
# Each run uses one PyTorch thread (several single-thread runs share a small CPU better than one
# run with many threads). Finished runs are kept: rerunning the script resumes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/bench/results/adapt}"
SEEDS="${SEEDS:-1 2 3}"
PAIRS="${PAIRS:-mnist:digits-28 printed-digits:mnist mnist:mnist-m-style}"
METHODS="${METHODS:-adabn dann cdan cdan-e dan coral}"
EPOCHS="${EPOCHS:-6}"
ITERS="${ITERS:-50}"
BATCH="${BATCH:-32}"
SOURCE_LIMIT="${SOURCE_LIMIT:-10000}"
TARGET_LIMIT="${TARGET_LIMIT:-10000}"
EVAL_LIMIT="${EVAL_LIMIT:-500}"
CLIP="${CLIP:-1}"
WORKERS="${WORKERS:-3}"
mkdir -p "$out/runs"

source "$root/bench/lib/app.sh"
private_app "$out/jar"   # built once, before the workers start
for pair in $PAIRS; do
  for d in ${pair//:/ }; do "$root/graft" --quiet data get "$d" >/dev/null; done
done

jobs="$out/jobs.txt"
: > "$jobs"
for seed in $SEEDS; do
  for pair in $PAIRS; do
    for method in $METHODS; do
      echo "$seed ${pair%%:*} ${pair##*:} $method" >> "$jobs"
    done
  done
done

run_one() {
  local seed=$1 src=$2 tgt=$3 method=$4
  local name="$src-$tgt-$method-s$seed"
  [ -s "$out/runs/$name.json" ] && return 0
  nice -n 10 java -Dai.djl.pytorch.num_threads=1 -Xmx2g -jar "$out/jar/graft.jar" --quiet --json --seed "$seed" adapt \
      --method "$method" --source "$src" --target "$tgt" --model lenet \
      --epochs "$EPOCHS" --iterations "$ITERS" --batch-size "$BATCH" \
      --source-limit "$SOURCE_LIMIT" --target-limit "$TARGET_LIMIT" --eval-limit "$EVAL_LIMIT" --clip-grad "$CLIP" \
      --out "$out/runs/$name" --overwrite > "$out/runs/$name.json.tmp" 2> "$out/runs/$name.log" \
    && mv "$out/runs/$name.json.tmp" "$out/runs/$name.json" \
    || echo "failed: $name (see $out/runs/$name.log)" >&2
}
export -f run_one
export root out EPOCHS ITERS BATCH SOURCE_LIMIT TARGET_LIMIT EVAL_LIMIT CLIP
started=$(date +%s)
xargs -P "$WORKERS" -L 1 bash -c 'run_one "$@"' _ < "$jobs"
echo "all runs took $(( $(date +%s) - started )) s with $WORKERS workers" | tee "$out/time.txt"

python3 "$root/bench/adapt_summary.py" "$out" \
  "epochs=$EPOCHS iterations=$ITERS batch=$BATCH source_limit=$SOURCE_LIMIT target_limit=$TARGET_LIMIT eval_limit=$EVAL_LIMIT clip=$CLIP" \
  | tee "$out/summary.md"
