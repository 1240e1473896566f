#!/usr/bin/env bash
# Numerical conformance of the text families against PyTorch: transformers' BertModel, RobertaModel and DistilBertModel,
# written out in plain PyTorch from their published architecture (conformance/text_reference.py), run
# on seeded random weights stored under transformers' keys next to transformers' config.json. `graft
# models run local-dir:DIR` on the same input_ids / attention_mask (/ token_type_ids), padded rows
# included, must give last_hidden_state and (BERT, RoBERTa) pooler_output within 1e-4 * max(1, |ref|).
set -euo pipefail
cd "$(dirname "$0")/.."
source conformance/lib/reference.sh
reference_out text conformance/text_reference.py
for family in bert roberta distilbert; do
  models_run_matches "$family" "$family" "local-dir:$out/$family" --input "$out/${family}_input.safetensors"
done
exit $status
