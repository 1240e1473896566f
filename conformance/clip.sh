#!/usr/bin/env bash
# Numerical conformance of the CLIP family against PyTorch: transformers' CLIPModel written out in plain
# PyTorch from its published architecture (conformance/clip_reference.py), run on seeded random weights
# stored under CLIPModel's keys next to transformers' config.json, for both end-of-text rules (a first
# eos_token_id, and the legacy eos_token_id 2: the largest id). `graft models run local-dir:DIR` on the
# same pixel_values / input_ids / attention_mask (padded texts) must give logits_per_image, logits_per_text,
# image_embeds and text_embeds within 1e-4 * max(1, |ref|). Then the reverse: the folder Graft writes for
# the model (`graft models create`) loads strictly in the reference and gives the same outputs as Graft.
# The same for transformers' VisionTextDualEncoderModel with a ViT and a BERT tower ("dual").
set -euo pipefail
cd "$(dirname "$0")/.."
source conformance/lib/torch.sh
out=conformance/out/clip
rm -rf "$out"
mkdir -p "$out"
"$py" conformance/clip_reference.py make "$out"
"$py" conformance/clip_reference.py make-dual "$out"
status=0
for variant in clip clip_legacy dual; do
  ./graft --quiet models run "local-dir:$out/$variant" --input "$out/${variant}_input.safetensors" \
      --output "$out/${variant}_graft.safetensors"
  "$py" conformance/zoo_reference.py check "$out/${variant}_ref.safetensors" "$out/${variant}_graft.safetensors" || status=1
  ./graft --quiet models create "local-dir:$out/$variant" --out "$out/${variant}_export" >/dev/null
  "$py" conformance/clip_reference.py run "$out/${variant}_export" "$out/${variant}_input.safetensors" "$out/${variant}_export_ref.safetensors"
  ./graft --quiet models run "local-dir:$out/${variant}_export" --input "$out/${variant}_input.safetensors" \
      --output "$out/${variant}_export_graft.safetensors"
  "$py" conformance/zoo_reference.py check "$out/${variant}_export_ref.safetensors" "$out/${variant}_export_graft.safetensors" || status=1
done
exit $status
