#!/usr/bin/env bash
# Numerical conformance of the text families against PyTorch: transformers' BertModel, RobertaModel and DistilBertModel,
# and their ...ForSequenceClassification, written out in plain PyTorch from their published architecture
# (conformance/text_reference.py), run on seeded random weights stored under transformers' keys next to
# transformers' config.json. `graft models run local-dir:DIR` on the same input_ids / attention_mask
# (/ token_type_ids), padded rows included, must give last_hidden_state and (BERT, RoBERTa) pooler_output, or
# the classifier's logits, within 1e-4 * max(1, |ref|). In the other direction, a classifier Graft writes
# (`graft models create local-dir:DIR --out EXPORT`) must load strictly in the reference and give the same logits.
set -euo pipefail
cd "$(dirname "$0")/.."
source conformance/lib/reference.sh
reference_out text conformance/text_reference.py
for family in bert roberta distilbert; do
  for model in "$family" "${family}_seq_cls"; do
    models_run_matches "$model" "$model" "local-dir:$out/$model" --input "$out/${family}_input.safetensors"
  done
  ./graft --quiet models create "local-dir:$out/${family}_seq_cls" --out "$out/${family}_seq_cls_export" --overwrite >/dev/null
  "$py" conformance/text_reference.py reload "$family" "$out/${family}_seq_cls" "$out/${family}_seq_cls_export" \
      "$out/${family}_input.safetensors" "$out/${family}_seq_cls_reload.safetensors"
  "$py" conformance/zoo_reference.py check "$out/${family}_seq_cls_ref.safetensors" "$out/${family}_seq_cls_reload.safetensors" || status=1
done
exit $status
