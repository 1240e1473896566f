#!/usr/bin/env bash
# Charts (learning curves, confusion matrices) are drawn with Java2D, which needs fontconfig and a font.
set -euo pipefail
if ! fc-list 2>/dev/null | grep -qi dejavu; then
  apt-get install -y -qq fontconfig fonts-dejavu-core
fi
