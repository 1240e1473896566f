#!/usr/bin/env bash
# Peak memory of training from a large Parquet data set on the hub: ROWS noise RGB PNGs of SIDE x SIDE
# (noise: the Parquet is about as large as the raw pixels) generated in Hugging Face's layout, pushed to a
# `graft hub serve` on loopback, then read with `graft data info` and trained on for one epoch, both with
# ?size=16x16 (images resized as they are decoded). Prints the Parquet size, the decoded size of what is
# kept and the peak RSS (GNU time's maximum resident set) of each command.
# The measured commands run with a Java heap of HEAP (-Xmx), less than the Parquet's size: the rows stream.
# usage: bench/data/hub-parquet-rss.sh [ROWS (default 40000)] [SIDE (default 96)] [HEAP (default 512m)]
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
rows="${1:-40000}"
side="${2:-96}"
heap="${3:-512m}"
source conformance/lib/serve-hub.sh   # $work, removed on exit with the server
. bench/lib/app.sh
private_app "$work/app"
export ONEDNN_MAX_CPU_ISA="${ONEDNN_MAX_CPU_ISA:-SSE41}" GRAFT_HOME="$work/home"
unset GRAFT_TOKEN HF_TOKEN GRAFT_HUB_OFFLINE
graft() { java -jar "$work/app/graft.jar" "$@"; }
cp="$work/app/graft.jar:$(ls "$work/app/lib/"*.jar | tr '\n' ':')"

java -cp "$cp" bench/data/ParquetImagesGen.java "$work/noise" "$rows" "$side" 4
parquet_mb="$(du -cm "$work/noise/data/"*.parquet | tail -1 | cut -f1)"

serve_hub hub-parquet-rss --data-dir "$work/hub"
export GRAFT_ENDPOINT="$url"
export GRAFT_TOKEN="$(graft hub token create --user bench --write --data-dir "$work/hub" | tail -n 1)"
graft --quiet hub push "$work/noise" bench/noise --type dataset >/dev/null

peak() { # peak LABEL CMD...: runs CMD, prints its peak RSS in MiB
  local label="$1"; shift
  /usr/bin/time -f '%M' -o "$work/time" "$@" >"$work/out" 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  printf '| %s | %d MiB |\n' "$label" "$(( $(cat "$work/time") / 1024 ))"
}
data="hf-hub:datasets/bench/noise?size=16x16"
echo "data set: $rows RGB PNGs of ${side}x${side} in 4 Parquet shards, $parquet_mb MiB;" \
  "kept at 16x16: $(( rows * 3 * 16 * 16 * 4 / 1048576 )) MiB of float32 pixels; Java heap -Xmx$heap"
echo "| command | peak RSS |"
echo "|---|---|"
peak "graft data info $data (first pull: download + read every row)" java -Xmx"$heap" -jar "$work/app/graft.jar" data info "$data"
peak "graft data info $data (from the cache)" java -Xmx"$heap" -jar "$work/app/graft.jar" data info "$data"
peak "graft finetune --model small_cnn --data $data --strategy scratch --epochs 1" \
  java -Xmx"$heap" -jar "$work/app/graft.jar" finetune --model small_cnn --data "$data" --strategy scratch --epochs 1 --out "$work/run"
grep -oE 'test top-1 [0-9.]+%' "$work/out" | head -1 || true
