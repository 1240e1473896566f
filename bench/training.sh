#!/usr/bin/env bash
# Training throughput, Graft vs PyTorch on the same machine and threads, in one run: small_cnn at 28x28
# (batch 128) and resnet18 at 224x224 (batch 32), synthetic data, SGD momentum, label smoothing, clipping.
# Also Graft's loop overhead against a bare DJL forward/backward/step loop, and peak RSS.
# Writes bench/out/training/table.md and the "## Training" section of docs/benchmarks.md.
#
#   bench/training.sh                     # SMALL_STEPS=100 RESNET_STEPS=8 ROUNDS=5
# Each side runs ROUNDS rounds of the given steps (Graft and bare DJL taking turns) and reports the median round;
# the loop overhead is the median over rounds of bare/Graft within a round, so drifting machine speed cancels.
#   TABLE_ONLY=1 bench/training.sh      # rebuild the table from bench/out/training/results.jsonl
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
OUT=${OUT:-bench/out/training}
SMALL_STEPS=${SMALL_STEPS:-100}
RESNET_STEPS=${RESNET_STEPS:-8}
ROUNDS=${ROUNDS:-5}
THREADS=${THREADS:-2}
mkdir -p "$OUT"
if ! /usr/bin/python3 -c "import torch, torchvision" 2>/dev/null; then
  echo "needs Debian packages: apt-get install -y python3-torch python3-torchvision libopenblas0-pthread" >&2
  exit 1
fi
if [ -z "${TABLE_ONLY:-}" ]; then
./graft --version >/dev/null
cp=("graft-cli/target/graft.jar:graft-cli/target/lib/*")
jopts=(-Dai.djl.pytorch.num_threads="$THREADS" -Dai.djl.pytorch.num_interop_threads=1 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
: > "$OUT/results.jsonl"
for spec in "small_cnn 128 $SMALL_STEPS" "resnet18 32 $RESNET_STEPS"; do
  set -- $spec
  echo "== graft $1" >&2
  GRAFT_PROGRESS=off nice java "${jopts[@]}" -cp "${cp[@]}" bench/TrainBench.java "$1" "$2" "$3" "$ROUNDS" | tail -1 >> "$OUT/results.jsonl"
  echo "== pytorch $1" >&2
  (unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE; nice /usr/bin/python3 bench/train_torch.py "$1" "$2" "$3" "$ROUNDS") | tail -1 >> "$OUT/results.jsonl"
done
fi
# the BLAS PyTorch really calls: Debian builds it against the libblas alternative
blas_rt=$(update-alternatives --query libblas.so.3-x86_64-linux-gnu 2>/dev/null | awk '/^Value/{print $2}')
/usr/bin/python3 - "$OUT" "${blas_rt:-unknown}" "$ROUNDS" "$SMALL_STEPS" "$RESNET_STEPS" <<'PY'
import json, os, sys
out, blas_rt = sys.argv[1], sys.argv[2]
rounds, small_steps, resnet_steps = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rows = [json.loads(l) for l in open(os.path.join(out, "results.jsonl")) if l.strip()]
g = {r["model"]: r for r in rows if "graft_images_per_s" in r}
t = {r["model"]: r for r in rows if "torch_images_per_s" in r}
lines = ["| model | batch | graft img/s | PyTorch img/s | ratio | bare DJL img/s | loop overhead | graft peak RSS | PyTorch peak RSS |",
         "|---|---|---|---|---|---|---|---|---|"]
def paired_overhead(r):
    """Median over rounds of bare / Graft images per second within the same round, minus 1."""
    if "graft_rounds" not in r:
        return r["loop_overhead"]
    ratios = sorted(b / a for a, b in zip(r["graft_rounds"], r["bare_rounds"]))
    mid = len(ratios) // 2
    return (ratios[mid] if len(ratios) % 2 else (ratios[mid - 1] + ratios[mid]) / 2) - 1
for m in ["small_cnn", "resnet18"]:
    if m in g and m in t:
        a, b = g[m], t[m]
        a["loop_overhead"] = paired_overhead(a)
        lines.append("| %s | %d | %.1f | %.1f | %.2fx | %.1f | %+.1f%% | %d MB | %d MB |" % (
            m, a["batch"], a["graft_images_per_s"], b["torch_images_per_s"], a["graft_images_per_s"] / b["torch_images_per_s"],
            a["bare_djl_images_per_s"], 100 * a["loop_overhead"], a["peak_rss_mb"], b["peak_rss_mb"]))
blas = "%s (libblas alternative; build-time BLAS_INFO %s)" % (blas_rt, next(iter(t.values()), {}).get("blas", "?"))
torch_v = next(iter(t.values()), {}).get("torch", "?")
text = ("## Training\n\n" + "\n".join(lines) + "\n\nSynthetic data, SGD with momentum, label smoothing 0.1, gradient clipping at 5;"
        " 2 threads each; graft on libtorch 2.7.1 (DJL 0.36.0), PyTorch %s (Debian, BLAS: %s). Loop overhead = bare DJL loop"
        " (forward, backward, DJL's SGD) vs Graft's full loop (shuffling, schedule, grouped optimizer, clipping, metrics, progress)."
        " Images/s: median of %d rounds per side (%d steps for small_cnn, %d for resnet18; Graft and bare DJL take turns; loop overhead: median over rounds of the bare/Graft ratio within a round); measured in one run on 2 cores; load average at the end: %s (near 0 is a quiet machine; under load treat ratios as"
        " indicative).\n" % (torch_v, blas, rounds, small_steps, resnet_steps, " ".join("%.2f" % v for v in os.getloadavg())))
open(os.path.join(out, "table.md"), "w").write(text)
doc = "docs/benchmarks.md"
s = open(doc).read() if os.path.isfile(doc) else "# Benchmarks\n"
if "## Training\n" in s:
    start = s.index("## Training\n")
    nxt = s.find("\n## ", start + 5)
    s = s[:start] + text + (s[nxt + 1:] if nxt >= 0 else "")
else:
    s = s.rstrip("\n") + "\n\n" + text
open(doc, "w").write(s)
print(text)
PY
