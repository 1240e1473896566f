#!/usr/bin/env bash
# Headless Chromium and its WebDriver for the hub web page test (Selenium drives the system browser).
set -euo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
  exit 0
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
