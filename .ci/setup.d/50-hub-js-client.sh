#!/usr/bin/env bash
# Node and npm run conformance/hub-js.sh (the official @huggingface/hub client against graft hub serve).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  apt-get install -y -qq "${need[@]}"
fi
