#!/usr/bin/env bash
# MultiMNIST: single-task baselines and every weighting strategy (ew, uw, dwa, gradnorm, pcgrad) with
# the same backbone, data budget and epochs, over several seeds; writes the mean +- std table to
# bench/out/multitask/summary.md and into docs/multitask.md (between the RESULTS markers).
#
#   bench/multitask.sh                       # defaults below
#   SEEDS="1 2 3" EPOCHS=3 TRAIN=10000 TEST=2000 MODEL=small_cnn bench/multitask.sh
#   PARALLEL=1 bench/multitask.sh            # one process per seed, one thread each
#   SUMMARY_ONLY=1 bench/multitask.sh        # only rebuild the table from finished runs
#   TAG=RESULTS-10K OUT=... bench/multitask.sh # fill the docs block between <!-- TAG --> markers
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source bench/lib/app.sh
SEEDS=${SEEDS:-"1 2 3"}
EPOCHS=${EPOCHS:-3}
TRAIN=${TRAIN:-10000}
TEST=${TEST:-2000}
BATCH=${BATCH:-64}
LR=${LR:-0.001}
MODEL=${MODEL:-small_cnn}
DATA=${DATA:-multimnist}
WEIGHTINGS=${WEIGHTINGS:-"ew uw dwa gradnorm pcgrad"}
OUT=${OUT:-bench/out/multitask}
mkdir -p "$OUT"

if [ -z "${SUMMARY_ONLY:-}" ]; then
  private_app "$OUT/app"
  threads=${THREADS:-$([ -n "${PARALLEL:-}" ] && echo 1 || nproc)}
  run() { nice -n 10 java -Dai.djl.pytorch.num_threads="$threads" ${GRAFT_JAVA_OPTS:-} -jar "$OUT/app/graft.jar" --quiet "$@"; }
  common=(--model "$MODEL" --data "$DATA" --epochs "$EPOCHS" --batch-size "$BATCH" --lr "$LR"
          --train-limit "$TRAIN" --test-limit "$TEST" --val-limit 500)
  echo "# $(date -u +%FT%TZ) threads=$threads parallel=${PARALLEL:-0} model=$MODEL data=$DATA train=$TRAIN test=$TEST epochs=$EPOCHS batch=$BATCH lr=$LR seeds=$SEEDS" | tee -a "$OUT/log.txt"
  run_seed() {
    local seed=$1 start
    if [ ! -f "$OUT/single-s$seed/results.json" ]; then
      start=$(date +%s)
      run --seed "$seed" multitask "${common[@]}" --single-task --out "$OUT/single-s$seed" --overwrite >>"$OUT/log-s$seed.txt" || echo "single-task seed $seed failed" | tee -a "$OUT/log.txt"
      echo "single-task seed $seed: $(( $(date +%s) - start )) s" | tee -a "$OUT/log.txt"
    fi
    for w in $WEIGHTINGS; do
      [ -f "$OUT/$w-s$seed/results.json" ] && continue
      rm -rf "${OUT:?}/$w-s$seed"
      start=$(date +%s)
      run --seed "$seed" multitask "${common[@]}" --weighting "$w" --baseline "$OUT/single-s$seed" --out "$OUT/$w-s$seed" --overwrite >>"$OUT/log-s$seed.txt" || echo "$w seed $seed failed" | tee -a "$OUT/log.txt"
      echo "$w seed $seed: $(( $(date +%s) - start )) s" | tee -a "$OUT/log.txt"
    done
  }
  if [ -n "${PARALLEL:-}" ]; then
    # One process per seed, each on one intra-op thread (set THREADS to change).
    for seed in $SEEDS; do run_seed "$seed" & done
    wait
  else
    for seed in $SEEDS; do run_seed "$seed"; done
  fi
fi

python3 - "$OUT" "$WEIGHTINGS" "$SEEDS" "${TAG:-RESULTS}" <<'PY'
import json, math, os, re, sys
out, weightings, seeds, tag = sys.argv[1], sys.argv[2].split(), sys.argv[3].split(), sys.argv[4]

def load(name, seed):
    p = os.path.join(out, f"{name}-s{seed}", "results.json")
    return json.load(open(p)) if os.path.exists(p) else None

def ms(xs):
    if not xs:
        return "-"
    m = sum(xs) / len(xs)
    if len(xs) == 1:
        return f"{m:.2f}"
    sd = math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1))
    return f"{m:.2f} ± {sd:.2f}"

rows = []
tasks = None
setup = None
for name in ["single"] + weightings:
    runs = [r for r in (load(name, s) for s in seeds) if r]
    if not runs:
        continue
    tasks = tasks or [t["name"] for t in runs[0]["tasks"]]
    setup = setup or runs[0]["setup"]
    cells = [ms([100 * r["metrics"][t] for r in runs]) for t in tasks]
    dm = ms([r["delta_m_percent"] for r in runs if "delta_m_percent" in r]) if name != "single" else "0 (reference)"
    secs = ms([r["seconds"] for r in runs])
    rows.append(f"| {'single-task' if name == 'single' else name} | " + " | ".join(cells) + f" | {dm} | {len(runs)} | {secs} |")

if not rows:
    print("no finished runs under " + out)
    sys.exit(0)
lines = []
lines.append(f"Backbone `{setup['model']}`, {setup['data']}: {setup['train_images']} training / {setup['test_images']} test images, "
             f"{setup['epochs']} epochs, batch {setup['batch_size']}, {setup['optimizer']}, {setup['threads']} threads; "
             "test accuracy in %, mean ± sample std over the seeds that finished.")
lines.append("")
lines.append("| weighting | " + " | ".join(f"{t} acc %" for t in tasks) + " | Delta_m % | seeds | seconds per run |")
lines.append("|---|" + "---|" * (len(tasks) + 3))
lines += rows
table = "\n".join(lines) + "\n"
open(os.path.join(out, "summary.md"), "w").write(table)
print(table)
doc = "docs/multitask.md"
if os.path.exists(doc):
    text = open(doc).read()
    pattern = "(<!-- " + re.escape(tag) + " -->\n).*?(<!-- /" + re.escape(tag) + " -->)"
    new = re.sub(pattern, lambda m: m.group(1) + table + m.group(2), text, flags=re.S)
    open(doc, "w").write(new)
PY
