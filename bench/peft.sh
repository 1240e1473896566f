#!/usr/bin/env bash
# PEFT tables: LoRA (r = 4, 8, 16), IA3 and prompt tuning against full fine-tuning of MiniLM on wordnet-topics-small,
# several seeds, as docs/peft.md reports them (mean +- sample sd): test accuracy, parameters trained,
# adapter size on disk, peak memory (the JVM's peak resident set, from /usr/bin/time -v) and seconds
# per epoch. Every run is `graft text-finetune` (a linear probe first, then the strategy).
#
#   bench/peft.sh [OUT_DIR]           default OUT_DIR: bench/results/peft
#
# Settings (environment): SEEDS ("1 2 3"), CONFIGS ("lora-r4 lora-r8 lora-r16 full"), EPOCHS (1),
# DATA (wordnet-topics-small), THREADS (2: PyTorch threads per run). Runs go one at a time; finished
# runs are kept, so rerunning the script resumes. SUMMARY_ONLY=1 rebuilds the table from finished runs.
# ONLY ("lora-r8-s3 ia3-s1 ..."): run just these of the configurations x seeds. Configurations: lora-rN,
# ia3, full, head, prompt-tuning (NUM_VIRTUAL_TOKENS virtual tokens, default the core's).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/bench/results/peft}"
SEEDS="${SEEDS:-1 2 3}"
CONFIGS="${CONFIGS:-lora-r4 lora-r8 lora-r16 full}"
EPOCHS="${EPOCHS:-1}"
DATA="${DATA:-wordnet-topics-small}"
THREADS="${THREADS:-2}"
mkdir -p "$out/runs"

if [ -z "${SUMMARY_ONLY:-}" ]; then
  source "$root/bench/lib/app.sh"
  private_app "$out/jar"
  for seed in $SEEDS; do
    for cfg in $CONFIGS; do
      name="$cfg-s$seed"
      [ -s "$out/runs/$name.json" ] && continue
      [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $name "* ]] && continue
      case "$cfg" in
        lora-r*) flags=(--strategy lora --lora-r "${cfg#lora-r}" --lora-alpha $(( 2 * ${cfg#lora-r} ))) ;;
        prompt-tuning) flags=(--strategy prompt-tuning ${NUM_VIRTUAL_TOKENS:+--num-virtual-tokens "$NUM_VIRTUAL_TOKENS"}) ;;
        *) flags=(--strategy "$cfg") ;;
      esac
      echo "== $name ($(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
      cut -d' ' -f1-3 /proc/loadavg > "$out/runs/$name.load"
      /usr/bin/time -v -o "$out/runs/$name.time" \
        nice -n 10 java -Dai.djl.pytorch.num_threads="$THREADS" -jar "$out/jar/graft.jar" --quiet --json --seed "$seed" \
          text-finetune --data "$DATA" "${flags[@]}" --epochs "$EPOCHS" --out "$out/runs/$name" --overwrite \
          > "$out/runs/$name.json.tmp" 2> "$out/runs/$name.log" \
        && mv "$out/runs/$name.json.tmp" "$out/runs/$name.json" \
        || echo "failed: $name (see $out/runs/$name.log)" >&2
    done
  done
fi

python3 - "$out" "$CONFIGS" "data=$DATA epochs=$EPOCHS seeds=$SEEDS threads=$THREADS" <<'PY' | tee "$out/summary.md"
import json, os, re, statistics, sys
out, configs, settings = sys.argv[1], sys.argv[2].split(), sys.argv[3]
def ms(v, fmt):
    if not v: return "-"
    if len(v) == 1: return fmt.format(v[0]) + " (1 run)"
    return (fmt + " ± " + fmt).format(statistics.mean(v), statistics.stdev(v))
print(f"Settings: {settings}\n")
print("| strategy | runs | test accuracy (%) | parameters trained | adapter on disk (bytes) | peak RSS (MiB) | seconds per epoch | load average at start |")
print("|---|---|---|---|---|---|---|---|")
for cfg in configs:
    acc, params, size, rss, sec, load = [], set(), set(), [], [], []
    for f in sorted(os.listdir(f"{out}/runs")):
        m = re.fullmatch(re.escape(cfg) + r"-s(\d+)\.json", f)
        if not m: continue
        j = json.load(open(f"{out}/runs/{f}"))
        acc.append(100 * j["test_accuracy"]); params.add(j["trained_parameters"])
        if "adapter_bytes" in j: size.add(j["adapter_bytes"])
        sec += [e["seconds"] for e in j["history"]]
        t = open(f"{out}/runs/{f[:-5]}.time").read()
        rss.append(int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024)
        lf = f"{out}/runs/{f[:-5]}.load"
        if os.path.exists(lf): load.append(open(lf).read().split()[0])
    if not acc: continue
    print(f"| {cfg} | {len(acc)} | {ms(acc, '{:.2f}')} | {', '.join(f'{p:,}' for p in sorted(params))} | "
          f"{', '.join(f'{s:,}' for s in sorted(size)) or '- (90 MB model folder)'} | {ms(rss, '{:.0f}')} | {ms(sec, '{:.0f}')} | {' '.join(load)} |")
PY
