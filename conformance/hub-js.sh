#!/usr/bin/env bash
# The official Hugging Face JS client (@huggingface/hub, pinned) against `graft hub serve`:
# starts a server on a free loopback port with a temporary data folder, creates a write token,
# runs conformance/hub-js.mjs (create, upload small + LFS file, list, info, download + sha256, delete),
# and checks the JS client finds, without network, the files Graft put in its Hugging Face-layout cache.
set -euo pipefail
cd "$(dirname "$0")/.."
HF_JS_VERSION=2.17.5

command -v node >/dev/null || { echo "hub-js: node is needed (apt-get install nodejs npm)" >&2; exit 1; }
# Installed next to the script (conformance/node_modules is ignored by git).
if [ ! -f "conformance/node_modules/@huggingface/hub/package.json" ] \
   || ! grep -q "\"version\": \"$HF_JS_VERSION\"" conformance/node_modules/@huggingface/hub/package.json; then
  echo "hub-js: installing @huggingface/hub@$HF_JS_VERSION"
  (cd conformance && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error "@huggingface/hub@$HF_JS_VERSION")
fi

# $work, removed on exit with the hub server this script starts
source conformance/lib/serve-hub.sh

export GRAFT_HOME="$work/home"
./graft --version >/dev/null   # builds the launcher's jar once, before timing-sensitive steps
token="$(./graft --quiet hub token create --user jsuser --write --data-dir "$work/data")"

serve_hub hub-js --data-dir "$work/data"
echo "hub-js: server at $url"

export HUB_URL="$url" HUB_TOKEN="$token" HUB_USER="jsuser" HUB_STATE="$work/state.json"
repo="jsuser/js-client-check"
HUB_CACHE_DIR="$work/js-cache" node conformance/hub-js.mjs main

# The JS client reads what Graft cached, without network.
GRAFT_HUB_CACHE="$work/graft-cache" GRAFT_ENDPOINT="$url" ./graft --quiet hub pull "$repo" >/dev/null
HUB_CACHE_DIR="$work/graft-cache" node conformance/hub-js.mjs cached
node conformance/hub-js.mjs delete
echo "hub-js: all checks passed"
