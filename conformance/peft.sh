#!/usr/bin/env bash
# Conformance of LoRA adapters in Hugging Face PEFT's format against PyTorch: from the base weights (transformers'
# BertModel under its keys) and the adapter files alone (adapter_config.json, adapter_model.safetensors), plain
# PyTorch computes the adapted forward pass and the merged weights (conformance/peft_reference.py, no peft package).
# `graft models run local-dir:ADAPTER` (the base named by base_model_name_or_path with the adapter) must give the
# same last_hidden_state and pooler_output, and `graft peft merge` the same merged weights with no extra parameter,
# within 1e-5 * max(1, |ref|).
set -euo pipefail
cd "$(dirname "$0")/.."
source conformance/lib/torch.sh
out=conformance/out/peft
rm -rf "$out"
mkdir -p "$out"
"$py" conformance/peft_reference.py make "$out"
status=0
./graft --quiet models run "local-dir:$out/adapter" --input "$out/input.safetensors" --output "$out/graft_lora.safetensors"
"$py" conformance/peft_reference.py check "$out/lora_ref.safetensors" "$out/graft_lora.safetensors" 1e-5 || status=1
./graft --quiet peft merge "$out/adapter" --out "$out/merged"
"$py" conformance/peft_reference.py merged "$out/merged_ref.safetensors" "$out/merged/model.safetensors" 1e-5 || status=1
exit $status
