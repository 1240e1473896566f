#!/usr/bin/env bash
# Conformance of adapters in Hugging Face PEFT's format against PyTorch: from the base weights (transformers'
# BertModel under its keys) and the adapter files alone (adapter_config.json, adapter_model.safetensors), plain
# PyTorch computes the adapted forward pass and the merged weights (conformance/peft_reference.py, no peft package):
# a LoRA adapter and an IA3 adapter of BERT, a LoRA adapter of GPT-2's Conv1D layers (fan_in_fan_out; logits), and
# prompt-tuning adapters (PROMPT_TUNING, virtual tokens in front of the inputs) of BERT and GPT-2, which are applied, not merged.
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
"$py" conformance/peft_reference.py make-ia3 "$out"
./graft --quiet models run "local-dir:$out/ia3" --input "$out/input.safetensors" --output "$out/graft_ia3.safetensors"
"$py" conformance/peft_reference.py check "$out/ia3_ref.safetensors" "$out/graft_ia3.safetensors" 1e-5 || status=1
./graft --quiet peft merge "$out/ia3" --out "$out/ia3_merged"
"$py" conformance/peft_reference.py merged "$out/ia3_merged_ref.safetensors" "$out/ia3_merged/model.safetensors" 1e-5 || status=1
"$py" conformance/peft_reference.py make-gpt2 "$out"
./graft --quiet models run "local-dir:$out/gpt2_lora" --input "$out/gpt2_input.safetensors" --output "$out/graft_gpt2_lora.safetensors"
"$py" conformance/peft_reference.py check "$out/gpt2_lora_ref.safetensors" "$out/graft_gpt2_lora.safetensors" 1e-5 || status=1
./graft --quiet peft merge "$out/gpt2_lora" --out "$out/gpt2_merged"
"$py" conformance/peft_reference.py merged "$out/gpt2_merged_ref.safetensors" "$out/gpt2_merged/model.safetensors" 1e-5 || status=1
"$py" conformance/peft_reference.py make-prompt "$out"
./graft --quiet models run "local-dir:$out/prompt" --input "$out/input.safetensors" --output "$out/graft_prompt.safetensors"
"$py" conformance/peft_reference.py check "$out/prompt_ref.safetensors" "$out/graft_prompt.safetensors" 1e-5 || status=1
"$py" conformance/peft_reference.py make-gpt2-prompt "$out"
./graft --quiet models run "local-dir:$out/gpt2_prompt" --input "$out/gpt2_input.safetensors" --output "$out/graft_gpt2_prompt.safetensors"
"$py" conformance/peft_reference.py check "$out/gpt2_prompt_ref.safetensors" "$out/graft_gpt2_prompt.safetensors" 1e-5 || status=1
exit $status
