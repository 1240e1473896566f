#!/usr/bin/env bash
# Java 17 and Maven build Graft; the PyTorch natives come from Maven Central as jars.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
command -v javac >/dev/null || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need+=(maven)
if [ ${#need[@]} -gt 0 ]; then
  apt-get install -y -qq "${need[@]}"
fi
