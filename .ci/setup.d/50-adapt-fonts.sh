#!/usr/bin/env bash
# Fonts for the printed-digits data set (a SynDigits-like source rendered with Java2D), and
# dpkg/apt-get for extracting the photos the mnist-m-style data set blends digits over.
set -euo pipefail
need=()
for p in fonts-dejavu-core fonts-noto-core fonts-urw-base35 fonts-bwht fontconfig; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
