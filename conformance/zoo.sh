#!/usr/bin/env bash
# Numerical conformance of the model zoo against PyTorch: torchvision's resnet18, resnet50,
# vit_b_16, convnext_tiny, efficientnet_b0 and mobilenet_v3_large (the last four with their keys
# renamed to timm's) with seeded random weights are run by PyTorch and by `graft models run` on the
# same input; logits must agree within 1e-4 * max(1, |ref|); so must resnet18 saved as F16 and as
# BF16 (against the same rounded weights in float32), and as transformers' sharded checkpoint (an
# index and shards, keys behind DataParallel's module. prefix). Then the other way: a resnet18 with a
# new 7-class head that `graft models create` wrote (one file, and shards with --max-shard-size)
# loads into torchvision with strict=True, and both give the same logits. ViT in the transformers
# layout is checked both ways too. Last, a folder in timm's push_to_hf_hub layout
# (config.json with a nested pretrained_cfg, torchvision resnet18 weights) goes through
# `graft models create local-dir:`, a one-epoch head fine-tune on digits and the export: the export
# loads strictly into torchvision, gives `graft models run`'s logits, and its config.json is timm's
# layout with the pretrained cfg kept.
set -euo pipefail
cd "$(dirname "$0")/.."
source conformance/lib/reference.sh
reference_out zoo conformance/zoo_reference.py
for model in resnet18 resnet50 vit_base_patch16_224 convnext_tiny efficientnet_b0 mobilenetv3_large_100; do
  models_run_matches "$model" "$model" "$model" --weights "$out/$model.safetensors" --input "$out/input_224.safetensors"
done
# half-precision checkpoints (F16, BF16) load into the float32 model exactly
"$py" conformance/zoo_reference.py halves "$out"
for half in f16 bf16; do
  models_run_matches "resnet18_$half" "resnet18_$half" resnet18 --weights "$out/resnet18_$half.safetensors" \
      --input "$out/input_224.safetensors"
done
# a sharded checkpoint as transformers writes it (index + shards), every key behind DataParallel's module.
"$py" conformance/zoo_reference.py shards "$out"
models_run_matches resnet18 resnet18_sharded resnet18 --weights "$out/resnet18-sharded/model.safetensors.index.json" \
    --input "$out/input_224.safetensors"
./graft --quiet models create resnet18 --num-classes 7 --out "$out/resnet18-export" --overwrite
"$py" conformance/zoo_reference.py reload "$out/resnet18-export" "$out/input_224.safetensors" "$out/resnet18_export_ref.safetensors" || status=1
models_run_matches resnet18_export resnet18_export resnet18 --num-classes 7 --weights "$out/resnet18-export/model.safetensors" \
    --input "$out/input_224.safetensors"
# and Graft's sharded export (--max-shard-size) as transformers' loader reads it: strictly into torchvision
./graft --quiet models create resnet18 --num-classes 7 --out "$out/resnet18-export-sharded" --overwrite --max-shard-size 10MB
"$py" conformance/zoo_reference.py reload "$out/resnet18-export-sharded" "$out/input_224.safetensors" "$out/resnet18_export_sharded_ref.safetensors" || status=1
models_run_matches resnet18_export_sharded resnet18_export_sharded resnet18 --num-classes 7 \
    --weights "$out/resnet18-export-sharded/model.safetensors.index.json" --input "$out/input_224.safetensors"

# and the other way for the timm-keyed families: the seeded weights with a new 7-class head, exported,
# load strictly into the torchvision twin once the keys are mapped back, with `graft models run`'s logits
for model in convnext_tiny efficientnet_b0 mobilenetv3_large_100; do
  ./graft --quiet models create "$model" --out "$out/$model-seeded" --overwrite
  cp "$out/$model.safetensors" "$out/$model-seeded/model.safetensors"
  ./graft --quiet models create "local-dir:$out/$model-seeded" --num-classes 7 --out "$out/$model-export" --overwrite
  "$py" conformance/zoo_reference.py reload-timm "$out/$model-export" "$out/input_224.safetensors" "$out/${model}_export_ref.safetensors" || status=1
  models_run_matches "${model}_export" "${model}_export" "local-dir:$out/$model-export" --input "$out/input_224.safetensors"
done

# ViT in the transformers layout: a folder as google/vit-base-patch16-224 ships (config.json,
# preprocessor_config.json, query/key/value weights) runs as NAME without --weights; a new 7-class
# head is exported as transformers' files that load strictly into torchvision once the keys are mapped back.
hf="$out/hf-vit"
"$py" conformance/zoo_reference.py transformers-vit "$hf" "$out/input_224.safetensors" "$out/hf_vit_ref.safetensors"
models_run_matches hf_vit hf_vit "local-dir:$hf" --input "$out/input_224.safetensors"
./graft --quiet models create "local-dir:$hf" --num-classes 7 --out "$out/hf-vit-export" --overwrite
"$py" conformance/zoo_reference.py transformers-vit-reload "$out/hf-vit-export" "$out/input_224.safetensors" "$out/hf_vit_export_ref.safetensors" || status=1
models_run_matches hf_vit_export hf_vit_export "local-dir:$out/hf-vit-export" --input "$out/input_224.safetensors"

timm="$out/timm-resnet18"
"$py" conformance/zoo_reference.py timm "$timm"
./graft --quiet models info "local-dir:$timm"
./graft --quiet models create "local-dir:$timm" --out "$out/timm-created" --overwrite
"$py" conformance/zoo_reference.py timm-fields "$timm" "$out/timm-created" || status=1
./graft --quiet finetune --model "local-dir:$out/timm-created" --data digits --labels-per-class 10 --strategy head \
    --epochs 1 --out "$out/timm-finetuned" --overwrite
"$py" conformance/zoo_reference.py timm-fields "$timm" "$out/timm-finetuned" || status=1
"$py" conformance/zoo_reference.py reload "$out/timm-finetuned" "$out/input_32.safetensors" "$out/timm_finetuned_ref.safetensors" || status=1
models_run_matches timm_finetuned timm_finetuned resnet18 --num-classes 10 --img-size 32 \
    --weights "$out/timm-finetuned/model.safetensors" --input "$out/input_32.safetensors"
exit $status
