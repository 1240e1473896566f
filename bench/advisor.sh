#!/usr/bin/env bash
# Advisor validation: four scenarios, one per quadrant of the founding table (small/large x similar/dissimilar),
# built from the data reachable here, all starting from the model Graft pretrained on MNIST. Every strategy
# (scratch, partial, head, full) is trained and tested; the advisor's pick must be within 2 points of the best.
# Writes bench/out/advisor/table.md and puts it into docs/finetuning.md between the ADVISOR markers.
#
#   bench/advisor.sh                      # defaults below (a few minutes on 2 cores when the machine is quiet)
#   MODEL=small_cnn.graft_mnist SEED=42 EVAL_LIMIT=1000 bench/advisor.sh
#   TABLE_ONLY=1 bench/advisor.sh         # rebuild the table from finished runs
#   ADVISE_ONLY=1 bench/advisor.sh        # re-measure the advice only, then rebuild the table
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
MODEL=${MODEL:-small_cnn.graft_mnist}
SEED=${SEED:-42}
EVAL_LIMIT=${EVAL_LIMIT:-1000}
OUT=${OUT:-bench/out/advisor}
STRATEGIES=${STRATEGIES:-"scratch partial head full"}
# extra flags for advise and finetune alike, e.g. EXTRA="--fit 20" (MNIST-style framing of the digits)
read -r -a EXTRA_ARGS <<< "${EXTRA:-}"
# name | data | labels per class (0 = all) | epochs | batch size | flags of this scenario (optional)
# The digits are framed as MNIST frames its digits (--fit 20: a 20x20 box centred on the 28x28 input).
SCENARIOS=${SCENARIOS:-"small-similar|digits|10|15|16|--fit 20
large-similar|digits|0|3|64|--fit 20
small-dissimilar|fashion-mnist|10|10|16|
large-dissimilar|fashion-mnist|0|3|64|"}
mkdir -p "$OUT"

if [ -z "${TABLE_ONLY:-}" ]; then
  ./graft --version >/dev/null
  # a private copy of the jar, so a rebuild during the run cannot change it
  cp graft-cli/target/graft.jar "$OUT/graft.jar"
  rm -rf "$OUT/lib"; cp -r graft-cli/target/lib "$OUT/lib"
  run() { nice -n 10 java ${GRAFT_JAVA_OPTS:-} -jar "$OUT/graft.jar" --quiet --json --seed "$SEED" "$@"; }
  while IFS='|' read -r name data lpc epochs batch flags; do
    [ -n "$name" ] || continue
    mkdir -p "$OUT/$name"
    read -r -a scenario_args <<< "${flags:-}"
    extra=("${EXTRA_ARGS[@]}" "${scenario_args[@]}")
    echo "${flags:-}" > "$OUT/$name/flags"
    [ "$lpc" != 0 ] && extra+=(--labels-per-class "$lpc")
    echo "== $name: advise" >&2
    # the advisor gets the run's budget: on small data it cross-validates every strategy with it (the probe)
    run advise --model "$MODEL" --data "$data" --epochs "$epochs" --batch-size "$batch" --lr 0.05 "${extra[@]}" > "$OUT/$name/advice.json"
    [ -n "${ADVISE_ONLY:-}" ] && continue
    for s in $STRATEGIES; do
      echo "== $name: $s" >&2
      start=$(date +%s)
      run finetune --model "$MODEL" --data "$data" --strategy "$s" --epochs "$epochs" --batch-size "$batch" --lr 0.05 \
          --eval-limit "$EVAL_LIMIT" "${extra[@]}" --out "$OUT/$name/$s" --overwrite > "$OUT/$name/$s.json"
      echo "$(( $(date +%s) - start ))" > "$OUT/$name/$s.seconds"
    done
  done <<< "$SCENARIOS"
fi

python3 - "$OUT" "$MODEL" "$SEED" "$EVAL_LIMIT" "${MARKER:-ADVISOR}" "${EXTRA:-}" <<'PY'
import json, os, sys
out, model, seed, limit, marker, extra = sys.argv[1:7]
order = ["small-similar", "large-similar", "small-dissimilar", "large-dissimilar"]
strategies = ["scratch", "partial", "head", "full"]
rows = ["| scenario | data (labels/class) | samples/class | rel. FD | LogME (random init) | LEEP | probe (cross-validated on training labels) | advisor | " + " | ".join(strategies)
        + " | best | pick - best |", "|---|---|---|---|---|---|---|---|" + "---|" * len(strategies) + "---|---|"]
ok = True
for name in order:
    d = os.path.join(out, name)
    if not os.path.isfile(os.path.join(d, "advice.json")):
        continue
    a = json.load(open(os.path.join(d, "advice.json")))
    acc, secs = {}, {}
    for s in strategies:
        f = os.path.join(d, s + ".json")
        if os.path.isfile(f) and os.path.getsize(f) > 0:
            acc[s] = json.load(open(f))["test_top1"] * 100
            sf = os.path.join(d, s + ".seconds")
            secs[s] = int(open(sf).read()) if os.path.isfile(sf) else None
    if not acc:
        continue
    spec = json.load(open(os.path.join(d, strategies[0], "run.json"))) if os.path.isfile(os.path.join(d, strategies[0], "run.json")) else {}
    data = spec.get("data", "?")
    ff = os.path.join(d, "flags")
    if os.path.isfile(ff) and open(ff).read().strip():
        data += " `%s`" % open(ff).read().strip()
    lpc = spec.get("labels_per_class", 0)
    best = max(acc, key=acc.get)
    pick = a["strategy"].lower()
    gap = acc.get(pick, float("nan")) - acc[best]
    ok = ok and gap >= -2.0
    cells = []
    for s in strategies:
        c = "%.2f" % acc[s] if s in acc else "-"
        if s == pick:
            c = "**" + c + "**"
        cells.append(c)
    probe = a.get("probe")
    probe_text = ", ".join("%s %.0f" % (k, 100 * v) for k, v in probe["accuracy"].items()) if probe else "- (large data: rules)"
    rows.append("| %s | %s (%s) | %.0f | %.3f | %.3f (%.3f) | %.3f | %s | %s%s | %s | %s | %+.2f |" % (
        name, data, lpc if lpc else "all", a["samples_per_class"], a["frechet_relative"], a["logme"], a.get("logme_random", float("nan")), a["leep"], probe_text, pick,
        " (k=%d)" % a["freeze_stages"] if pick == "partial" else "", " | ".join(cells), best, gap))
times = []
for name in order:
    d = os.path.join(out, name)
    t = []
    for s in strategies:
        sf = os.path.join(d, s + ".seconds")
        if os.path.isfile(sf):
            t.append("%s %ss" % (s, open(sf).read().strip()))
    if t:
        times.append("- %s: %s" % (name, ", ".join(t)))
text = "\n".join(rows) + "\n\nTest top-1 (%%) from `%s`, seed %s%s, evaluation on at most %s test samples (seeded, class-balanced);" \
    " the advisor's pick in bold. Wall time per run, including start-up and evaluation (2 cores, other jobs running alongside):\n\n%s\n\nAll picks within 2 points of the best: **%s**.\n" % (
    model, seed, (", flags `%s`" % extra) if extra else "", limit, "\n".join(times), "yes" if ok else "no")
open(os.path.join(out, "table.md"), "w").write(text)
doc = "docs/finetuning.md"
if os.path.isfile(doc):
    s = open(doc).read()
    a, b = "<!-- %s:BEGIN -->" % marker, "<!-- %s:END -->" % marker
    if a in s and b in s:
        s = s[:s.index(a) + len(a)] + "\n" + text + s[s.index(b):]
        open(doc, "w").write(s)
print(text)
PY
