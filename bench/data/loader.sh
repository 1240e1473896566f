#!/usr/bin/env bash
# DataLoader overlap benchmark: how much batch preparation hides behind compute (needs mnist cached).
set -euo pipefail
cd "$(dirname "$0")/../.."
./graft --quiet data get mnist >/dev/null   # builds graft if needed and caches mnist
cp="graft-cli/target/graft.jar:$(ls graft-cli/target/lib/*.jar | tr '\n' ':')"
exec java -Dai.djl.offline=true -cp "$cp" bench/data/DataLoaderBench.java "$@"
