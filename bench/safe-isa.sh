#!/usr/bin/env bash
# What the numerics fallback costs: Graft's training throughput with oneDNN's default kernels and with
# ONEDNN_MAX_CPU_ISA=AVX2 (what Graft uses on a CPU whose default kernels fail its numerics check),
# taking turns over ROUNDS rounds in one run, so a drifting machine speed cancels in the ratio.
#
#   bench/safe-isa.sh                  # ROUNDS=3 SMALL_STEPS=40 RESNET_STEPS=4
# Prints one line per model: median img/s of each setting and AVX2 / default.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
ROUNDS=${ROUNDS:-3}
SMALL_STEPS=${SMALL_STEPS:-40}
RESNET_STEPS=${RESNET_STEPS:-4}
THREADS=${THREADS:-2}
./graft --version >/dev/null
cp=("graft-cli/target/graft.jar:graft-cli/target/lib/*")
jopts=(-Dai.djl.pytorch.num_threads="$THREADS" -Dai.djl.pytorch.num_interop_threads=1 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
out=$(mktemp)
for spec in "small_cnn 128 $SMALL_STEPS" "resnet18 32 $RESNET_STEPS"; do
  set -- $spec
  for round in $(seq "$ROUNDS"); do
    for isa in default AVX2; do
      if [ "$isa" = default ]; then
        r=$(env -u ONEDNN_MAX_CPU_ISA GRAFT_PROGRESS=off java "${jopts[@]}" -cp "${cp[@]}" bench/TrainBench.java "$1" "$2" "$3" 1 | tail -1)
      else
        r=$(ONEDNN_MAX_CPU_ISA=AVX2 GRAFT_PROGRESS=off java "${jopts[@]}" -cp "${cp[@]}" bench/TrainBench.java "$1" "$2" "$3" 1 | tail -1)
      fi
      echo "$1 $isa $r" >> "$out"
      echo "$1 round $round $isa: $(sed 's/.*"graft_images_per_s": \([0-9.]*\).*/\1/' <<<"$r") img/s" >&2
    done
  done
done
python3 - "$out" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    model, isa, js = line.split(" ", 2)
    rows.setdefault(model, {}).setdefault(isa, []).append(json.loads(js)["graft_images_per_s"])
for model, r in rows.items():
    d, a = statistics.median(r["default"]), statistics.median(r["AVX2"])
    print(f"{model}: default {d:.1f} img/s, AVX2 {a:.1f} img/s, AVX2/default {a / d:.2f}x ({len(r['default'])} rounds each)")
PY
rm -f "$out"
