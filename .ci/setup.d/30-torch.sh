#!/usr/bin/env bash
# PyTorch reference for the zoo's conformance check and benchmarks (Debian's python3-torch and
# python3-torchvision; only /usr/bin/python3 sees them) and OpenBLAS so its baseline is fair.
set -euo pipefail
need=()
/usr/bin/python3 -c 'import torch, torchvision' 2>/dev/null || need+=(python3-torch python3-torchvision)
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || need+=(libopenblas0-pthread)
if [ ${#need[@]} -gt 0 ]; then
  apt-get install -y -qq "${need[@]}"
fi
