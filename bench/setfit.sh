#!/usr/bin/env bash
# Few-shot text: SetFit against prototypes and the linear probe (logistic regression on the frozen
# encoder's vectors) at K = 2, 4, 8, 16 examples per class, MiniLM on wordnet-topics-small: 8-way
# episodes over its test split (all 8 topics, K support and QUERIES query texts per topic), as
# `graft fewshot --method M --episodes N` runs them. With one seed every method sees the same draws,
# so the table also gives prototypes and probe on SetFit's episodes alone. Results in docs/peft.md.
#
#   bench/setfit.sh [OUT_DIR]         default OUT_DIR: bench/results/setfit
#
# Settings (environment): SEEDS ("1"), SHOTS ("2 4 8 16"), WAYS (8), QUERIES (30), EPISODES (20,
# prototypes and probe), SETFIT_EPISODES (1), ITERATIONS (SetFit's num_iterations: a number, or
# per-K "K:N" entries such as "2:20 4:20 8:10 16:5"; default 20), NICE (10). Finished runs are kept;
# SUMMARY_ONLY=1 rebuilds the table.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/bench/results/setfit}"
SEEDS="${SEEDS:-1}"
SHOTS="${SHOTS:-2 4 8 16}"
WAYS="${WAYS:-8}"
QUERIES="${QUERIES:-30}"
EPISODES="${EPISODES:-20}"
SETFIT_EPISODES="${SETFIT_EPISODES:-1}"
ITERATIONS="${ITERATIONS:-20}"
NICE="${NICE:-10}"
mkdir -p "$out/runs"

iterations() {  # num_iterations for K = $1
  local e
  for e in $ITERATIONS; do
    case "$e" in "$1":*) echo "${e#*:}"; return ;; *:*) ;; *) echo "$e"; return ;; esac
  done
  echo 20
}

one() {  # method shots seed episodes [flags]
  local m=$1 k=$2 seed=$3 n=$4; shift 4
  local name="$m-k$k-s$seed-e$n"
  [ -s "$out/runs/$name.json" ] && return 0
  echo "== $name ($(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  cut -d' ' -f1-3 /proc/loadavg > "$out/runs/$name.load"
  local t0=$(date +%s)
  nice -n "$NICE" java -jar "$out/jar/graft.jar" --quiet --json --seed "$seed" fewshot --method "$m" --episodes "$n" \
      --ways "$WAYS" --shots "$k" --queries-per-class "$QUERIES" "$@" > "$out/runs/$name.json.tmp" 2> "$out/runs/$name.log" \
    && mv "$out/runs/$name.json.tmp" "$out/runs/$name.json" && echo $(( $(date +%s) - t0 )) > "$out/runs/$name.seconds" \
    || echo "failed: $name (see $out/runs/$name.log)" >&2
}

if [ -z "${SUMMARY_ONLY:-}" ]; then
  source "$root/bench/lib/app.sh"
  private_app "$out/jar"
  for seed in $SEEDS; do
    for k in $SHOTS; do
      one prototypes "$k" "$seed" "$EPISODES"
      one probe "$k" "$seed" "$EPISODES"
    done
    for k in $SHOTS; do
      one setfit "$k" "$seed" "$SETFIT_EPISODES" --num-iterations "$(iterations "$k")"
    done
  done
fi

python3 - "$out" "$SHOTS" "ways=$WAYS queries=$QUERIES episodes=$EPISODES setfit_episodes=$SETFIT_EPISODES iterations=$ITERATIONS seeds=$SEEDS" <<'PY' | tee "$out/summary.md"
import json, os, re, statistics, sys
out, shots, settings = sys.argv[1], sys.argv[2].split(), sys.argv[3]
runs = {}
for f in os.listdir(f"{out}/runs"):
    m = re.fullmatch(r"(\w+)-k(\d+)-s(\d+)-e(\d+)\.json", f)
    if m:
        r = json.load(open(f"{out}/runs/{f}"))["result"]
        sec = f"{out}/runs/{f[:-5]}.seconds"
        runs[(m[1], int(m[2]), int(m[3]))] = (r, int(open(sec).read()) if os.path.exists(sec) else None)
print(f"Settings: {settings}\n")
print("| K per class | prototypes, all episodes | probe, all episodes | prototypes, SetFit's episodes | probe, SetFit's episodes | SetFit | SetFit seconds per episode |")
print("|---|---|---|---|---|---|---|")
def cell(v):
    if not v: return "-"
    m = 100 * statistics.mean(v)
    return f"{m:.1f}" if len(v) == 1 else f"{m:.1f} ± {100 * 1.96 * statistics.stdev(v) / len(v) ** 0.5:.1f}"
for k in map(int, shots):
    seeds = sorted({s for (_, kk, s) in runs if kk == k})
    allp, allq, subp, subq, sf, secs = [], [], [], [], [], []
    for s in seeds:
        p, q, f = runs.get(("prototypes", k, s)), runs.get(("probe", k, s)), runs.get(("setfit", k, s))
        if p: allp += p[0]["accuracies"]
        if q: allq += q[0]["accuracies"]
        if f:
            n = len(f[0]["accuracies"]); sf += f[0]["accuracies"]
            if f[1]: secs.append(f[1] / n)
            if p: subp += p[0]["accuracies"][:n]
            if q: subq += q[0]["accuracies"][:n]
    print(f"| {k} | {cell(allp)} | {cell(allq)} | {cell(subp)} | {cell(subq)} | {cell(sf)} | {', '.join(str(round(x)) for x in secs) or '-'} |")
print("\nAccuracy in % over the 8-way episodes (mean ± 95% CI half-width where there are several).")
PY
