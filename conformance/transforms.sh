#!/usr/bin/env bash
# Graft's image transforms (resize bilinear/bicubic/nearest, resize-shorter, centre crop, flip,
# normalise) against PyTorch / torchvision on random images; fails on any difference >= 1e-5.
# Needs Debian python3-torch and python3-torchvision (see .ci/setup.d/20-data.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
./graft --quiet data list >/dev/null   # builds graft if needed
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
cp="graft-cli/target/graft.jar:$(ls graft-cli/target/lib/*.jar | tr '\n' ':')"
java -cp "$cp" conformance/data/TransformsDump.java "$tmp/cases.json"
/usr/bin/python3 conformance/data/transforms_check.py "$tmp/cases.json"
