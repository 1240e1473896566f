#!/usr/bin/env bash
# Auxiliary tasks on mnist-tasks: the digit task keeps its label on only FRACTION of the training
# images, parity and greater_than_4 keep all theirs. Compares the digit accuracy of a single-task
# model (digit only) with multi-task models (digit + both auxiliary tasks), same images, epochs and
# seeds; writes the table to bench/out/multitask-aux/summary.md and into docs/multitask.md.
#
#   bench/multitask-aux.sh
#   SEEDS="1 2 3" FRACTION=0.1 TRAIN=5000 TEST=2000 EPOCHS=3 WEIGHTINGS="ew uw" bench/multitask-aux.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source bench/lib/app.sh
SEEDS=${SEEDS:-"1 2 3"}
FRACTION=${FRACTION:-0.1}
TRAIN=${TRAIN:-5000}
TEST=${TEST:-2000}
EPOCHS=${EPOCHS:-3}
MODEL=${MODEL:-small_cnn}
WEIGHTINGS=${WEIGHTINGS:-"ew uw"}
OUT=${OUT:-bench/out/multitask-aux}
mkdir -p "$OUT"
if [ -z "${SUMMARY_ONLY:-}" ]; then
  private_app "$OUT/app"
  run() { nice -n 19 java -Dai.djl.pytorch.num_threads="${THREADS:-1}" ${GRAFT_JAVA_OPTS:-} -jar "$OUT/app/graft.jar" --quiet "$@"; }
  common=(--model "$MODEL" --data mnist-tasks --epochs "$EPOCHS" --train-limit "$TRAIN" --test-limit "$TEST"
          --val-limit 500 --label-fraction "digit=$FRACTION")
  echo "# $(date -u +%FT%TZ) model=$MODEL train=$TRAIN test=$TEST epochs=$EPOCHS digit-fraction=$FRACTION seeds=$SEEDS" | tee -a "$OUT/log.txt"
  for seed in $SEEDS; do
    [ -f "$OUT/digit-only-s$seed/results.json" ] || run --seed "$seed" multitask "${common[@]}" --tasks digit \
        --out "$OUT/digit-only-s$seed" --overwrite >>"$OUT/log.txt" || echo "digit-only seed $seed failed" | tee -a "$OUT/log.txt"
    for w in $WEIGHTINGS; do
      [ -f "$OUT/$w-s$seed/results.json" ] || run --seed "$seed" multitask "${common[@]}" --weighting "$w" \
          --out "$OUT/$w-s$seed" --overwrite >>"$OUT/log.txt" || echo "$w seed $seed failed" | tee -a "$OUT/log.txt"
    done
  done
fi
python3 - "$OUT" "$WEIGHTINGS" "$SEEDS" <<'PY'
import json, math, os, re, sys
out, weightings, seeds = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
def ms(xs):
    if not xs:
        return "-"
    m = sum(xs) / len(xs)
    if len(xs) == 1:
        return f"{m:.2f}"
    return f"{m:.2f} ± {math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1)):.2f}"
rows, setup = [], None
for name, label in [("digit-only", "digit only (single task)")] + [(w, f"digit + parity + greater_than_4, {w}") for w in weightings]:
    runs = [json.load(open(p)) for p in (os.path.join(out, f"{name}-s{s}", "results.json") for s in seeds) if os.path.exists(p)]
    if not runs:
        continue
    setup = setup or runs[0]["setup"]
    aux = ms([100 * r["metrics"]["parity"] for r in runs]) if "parity" in runs[0]["metrics"] else "-"
    rows.append(f"| {label} | {ms([100 * r['metrics']['digit'] for r in runs])} | {aux} | {len(runs)} |")
if not rows:
    sys.exit(0)
frac = setup.get("label_fractions", {}).get("digit")
table = (f"Backbone `{setup['model']}`, mnist-tasks: {setup['train_images']} training images of which a fraction {frac} carry a digit "
         f"label, {setup['test_images']} test images, {setup['epochs']} epochs, {setup['optimizer']}; test accuracy in %, mean ± std over seeds.\n\n"
         "| model | digit acc % | parity acc % | seeds |\n|---|---|---|---|\n" + "\n".join(rows) + "\n")
open(os.path.join(out, "summary.md"), "w").write(table)
print(table)
doc = "docs/multitask.md"
text = open(doc).read()
open(doc, "w").write(re.sub(r"(<!-- AUX -->\n).*?(<!-- /AUX -->)", lambda m: m.group(1) + table + m.group(2), text, flags=re.S))
PY
