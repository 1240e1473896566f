#!/usr/bin/env bash
# A newcomer's first session: on an empty GRAFT_HOME, the example commands of README.md and docs/*.md
# as written, with only smaller budgets added (epochs, limits, draws), in the order a reader meets
# them. Built-in data sets are fetched by the commands themselves (npm / apt-get download), as they
# are for a newcomer. Every command must exit 0 and show what the docs say it shows (a table line, an
# accuracy, a file); otherwise the script stops with one line naming the command. One line per
# command with its duration, then the total.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

# $work, removed on exit with the hub server this script starts
source conformance/lib/serve-hub.sh

# A newcomer's environment: a fresh GRAFT_HOME and none of this machine's hub settings.
unset GRAFT_ENDPOINT HF_ENDPOINT GRAFT_TOKEN HF_TOKEN GRAFT_HUB_CACHE GRAFT_HUB_OFFLINE HF_HUB_OFFLINE
export GRAFT_HOME="$work/home"
mkdir -p "$GRAFT_HOME" "$work/log" "$work/cwd"

# The docs write both `./graft` and `graft`; both mean the launcher of this checkout. Commands run in
# their own folder, so the docs' relative paths (runs/..., five.png, photos/) land in the temp dir.
graft() { "$root/graft" "$@"; }
cd "$work/cwd"

now() { echo "${EPOCHREALTIME/,/.}"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
t_total="$(now)"
n=0
label=""
token=""
out=""
err=""

# The command as a reader would type it: arguments with shell characters in single quotes.
describe() {
  local s="" a
  for a in "$@"; do
    if [[ "$a" =~ [^A-Za-z0-9_./:=,@%+-] || -z "$a" ]]; then a="'$a'"; fi
    s+="${s:+ }$a"
  done
  echo "$s"
}

fail() { # fail WHY: the tail of the last command's output, then one line naming it
  {
    [ -s "$out" ] && tail -n 15 "$out" | sed 's/^/  | /'
    [ -s "$err" ] && grep -v 'ETA\|LegacyTypeDispatch' "$err" | tail -n 15 | sed 's/^/  ! /'
    echo "newcomer: FAIL $label: $1"
  } >&2
  exit 1
}

# run REGEX CMD...: CMD must exit 0 and print (stdout or stderr) a line matching the extended REGEX.
# Its standard output stays in $out for the checks that follow.
run() {
  local expect="$1"; shift
  n=$((n + 1))
  label="$(describe "$@")"
  [ -z "${token:-}" ] || label="${label//"$token"/\$token}"
  out="$work/log/$n.out"; err="$work/log/$n.err"
  local t0 rc=0
  t0="$(now)"
  "$@" >"$out" 2>"$err" </dev/null || rc=$?
  local dt; dt="$(since "$t0")"
  [ "$rc" = 0 ] || fail "exit status $rc"
  grep -qE -- "$expect" "$out" "$err" || fail "no line matching /$expect/"
  printf 'ok %6.1fs  %s\n' "$dt" "$label"
}
need_file() { [ -s "$1" ] || fail "$1 was not written"; }
need_png() { need_file "$1"; [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$1 is not a PNG"; }

echo "newcomer: GRAFT_HOME is a new empty folder; building graft if needed"
run '^graft [0-9]' graft --version

# --- README: the tour and the main job ---
run 'quickstart' graft --help
run '^engine_check +ok' graft system
run '^\| partial fine-tuning \| top 2 of 6 layers \+ head, 1 epoch \| [0-9.]+% \|' \
  graft quickstart --partial-epochs 1 --draws 20
grep -q 'published to the local hub as local/all-MiniLM-L6-v2-wordnet-topics' "$err" "$out" \
  || fail "it did not say it published the model to the local hub"
need_file "$(ls -d "$GRAFT_HOME"/runs/quickstart-*/ | head -1)results.md"

# --- docs/data.md ---
run '^mnist +image ' graft data list
run '^mnist: .*verified and cached' graft data get mnist
run '^Ankle boot +6000 +1000$' graft data info fashion-mnist
run '^digits test #5: class 6' graft data show digits --index 5 --split test --out five.png
need_png five.png
run '^class split +fixed: unseen = the emoji with sort_order % 5 == 0' graft data info emoji-twitter
# "photos": a folder of the reader's own images, <class>/*.png; here MNIST threes and sevens.
mkdir -p photos/three photos/seven
for i in 7 10 12; do run "class 3 .* -> photos/three/$i.png" graft data show mnist --index "$i" --out "photos/three/$i.png"; done
for i in 15 29 38; do run "class 7 .* -> photos/seven/$i.png" graft data show mnist --index "$i" --out "photos/seven/$i.png"; done
run '^image +1x64x64 ' graft data info 'folder:photos?size=64x64'

# --- docs/models.md ---
run '^convnext_tiny\.fb_in1k$' graft models list 'convnext_tiny' --pretrained
run '^weights +on the hub \(hf-hub:timm/convnext_tiny\.fb_in1k\), fetched into the hub cache on first use$' \
  graft models info convnext_tiny.fb_in1k
run '^resnet101$' graft models list 'resnet*'
run '^mobilenetv3_small_100$' graft models list 'convnext*' 'efficientnet*' 'mobilenetv3*'
grep -q '^convnext_tiny$' "$out" && grep -q '^efficientnet_b3$' "$out" || fail "convnext_tiny or efficientnet_b3 is not listed"
run '^small_cnn\.graft_mnist$' graft models list --pretrained
run '^small_resnet\.graft_mnist$' graft models list 'small_*' --exclude '*fashion*' --pretrained
if grep -q fashion "$out"; then fail "--exclude '*fashion*' listed a fashion model"; fi
run '^sha256 +[0-9a-f]{64}$' graft models info small_cnn.graft_mnist
run '"parameters" : 25557032' graft --json models info resnet50
run '^small_cnn\.graft_mnist -> five-class \([0-9,]+ parameters, 5 classes\)$' \
  graft models create small_cnn.graft_mnist --pretrained --num-classes 5 --out five-class
for f in model.safetensors config.json; do need_file "five-class/$f"; done
run '^parameters +86567656$' graft models info hf_vit_base_patch16_224
run '^hf_vit_base_patch16_224 -> vit-3 \([0-9,]+ parameters, 3 classes\)$' \
  graft models create hf_vit_base_patch16_224 --num-classes 3 --out vit-3
for f in model.safetensors config.json preprocessor_config.json; do need_file "vit-3/$f"; done
grep -q '"model_type" : "vit"' vit-3/config.json || fail "vit-3/config.json is not transformers' layout"
run '^architecture +hf_vit_base_patch16_224$' graft models info local-dir:vit-3
run '^bert_minilm_l6_h384' graft models list 'bert*'
run '^parameters +22565376$' graft models info bert_minilm_l6_h384.sentence_transformers
run '^gpt2_tiny$' graft models list 'gpt2*' 'distilgpt2'
run '^parameters +124439808$' graft models info gpt2
run '^gpt2_tiny -> tiny-gpt2 \(3,324,736 parameters, 0 classes\)$' graft models create gpt2_tiny --out tiny-gpt2
need_file tiny-gpt2/model.safetensors

run '^clip_vit_large_patch14$' graft models list 'clip*'
run '^parameters +151277313$' graft models info clip_vit_base_patch32
cat > tiny-clip.json <<'EOF'
{"model_type": "clip", "projection_dim": 16,
 "text_config": {"vocab_size": 100, "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
                 "num_attention_heads": 2, "max_position_embeddings": 16},
 "vision_config": {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2,
                   "image_size": 32, "patch_size": 8}}
EOF
run '^clip_l2_h32_p8_32_[0-9a-f]{8} -> tiny-clip \(45,825 parameters, 0 classes\)$' graft models create tiny-clip.json --out tiny-clip
for f in model.safetensors config.json preprocessor_config.json; do need_file "tiny-clip/$f"; done
# docs/zero-shot.md: Graft's own CLIP-style model on unseen emoji, and a one-epoch clip-train
run '^clip_lit_vit64_minilm\.graft_emoji_google$' graft models list 'clip*' --pretrained
run '^emoji-twitter test #22: class ' graft data show emoji-twitter --index 22 --split test --out ghost.png
need_png ghost.png
run '^  ghost +[0-9.]+$' graft zeroshot --model clip_lit_vit64_minilm.graft_emoji_google --images ghost.png \
  --labels "ghost,red apple,rocket,thinking face,pink heart" --template "an emoji of {}."
run 'emoji-google/test +unseen 382-way: top-1 [0-9.]+%' graft clip-train --data emoji-google --epochs 1 --episodes 20 --out runs/clip-try
for f in model.safetensors config.json tokenizer.json README.md curves.png zeroshot.png; do need_file "runs/clip-try/$f"; done
grep -q '"model_type" : "clip"' tiny-clip/config.json || fail "tiny-clip/config.json is not transformers' layout"
run '^family +clip$' graft models info local-dir:tiny-clip

# --- docs/finetuning.md (some-digit.png: the digit written by `data show` above) ---
cp five.png some-digit.png
run_dir=runs/digits-small_cnn.graft_mnist-auto
run '^strategy +(head|partial|full|scratch)' \
  graft advise --model small_cnn.graft_mnist --data digits --labels-per-class 10 --epochs 1
run 'test top-1 [0-9.]+%' \
  graft finetune --model small_cnn.graft_mnist --data digits --labels-per-class 10 --strategy auto --epochs 2 --lr 0.05
for f in model.safetensors config.json README.md report.md metrics.jsonl; do need_file "$run_dir/$f"; done
need_png "$run_dir/curves.png"
run 'on digits/test: top-1 [0-9.]+%, top-5 [0-9.]+%' graft eval --model "$run_dir" --data digits
run '^ +[0-9] +[0-9.]+%$' graft predict --model "$run_dir" some-digit.png
run 'test top-1 [0-9.]+%' graft finetune --resume "$run_dir"
run '^[0-9]+ +small_cnn\.graft_mnist +-?[0-9.]+$' graft models rank --data digits --labels-per-class 10 'small_*'

# --- docs/domain-adaptation.md ---
run 'dann mnist -> mnist-m-style: target accuracy [0-9.]+%' \
  graft adapt --method dann --source mnist --target mnist-m-style \
    --epochs 1 --iterations 5 --source-limit 500 --target-limit 500 --eval-limit 200
need_file runs/adapt-dann-mnist-mnist-m-style-s42/report.md
run 'before AdaBN [0-9.]+%' graft --seed 42 adapt --method adabn --epochs 0 --model small_cnn.graft_mnist \
  --source mnist --target digits-28 --target-limit 500 --eval-limit 200
run '^proxy A-distance mnist vs mnist-m-style .*: [0-9.]+' \
  graft data distance mnist mnist-m-style --model lenet --limit 200

# --- docs/multitask.md ---
mt_budget=(--epochs 1 --train-limit 500 --test-limit 200 --val-limit 100)
run '^ +right +accuracy [0-9.]+' graft multitask --data multimnist --weighting ew --single-task --out runs/mm-single "${mt_budget[@]}"
run 'Delta_m [-+][0-9.]+% against the single-task baselines' \
  graft multitask --model small_cnn --data multimnist --weighting pcgrad \
    --epochs 1 --train-limit 500 --test-limit 200 --val-limit 100 --baseline runs/mm-single --out runs/mm-pcgrad
need_file runs/mm-pcgrad/model.safetensors
run '^ +greater_than_4 +accuracy [0-9.]+' \
  graft multitask --data mnist-tasks --weighting uw --label-fraction digit=0.1 --out runs/aux "${mt_budget[@]}"

# --- docs/few-shot.md ---
run '^emoji-google -> emoji-[a-z]+, 5-way 1-shot, 5 queries per class, 50 episodes: accuracy [0-9.]+%' \
  graft fewshot --model small_resnet.graft_mnist --data emoji-google --query-data emoji-twitter --episodes 50 --ways 5 --shots 1
run '^conv4 on 1529 seen classes of emoji-google\+emoji-twitter: 10 episodes of 20-way 1-shot' \
  graft fewshot-train --data emoji-google,emoji-twitter --ways 20 --shots 1 --queries 1 --episodes 10 --eval-episodes 0 --out runs/protonet
need_png runs/protonet/episodes.png
run '^emoji-google -> emoji-[a-z]+, 5-way 1-shot, 5 queries per class, 50 episodes: accuracy [0-9.]+%' \
  graft fewshot --model local-dir:runs/protonet --data emoji-google --query-data emoji-openmoji --episodes 50 --ways 5 --shots 1

# --- docs/text.md (support.csv, reviews.csv: a reader's own few labelled texts) ---
run '^ +\[1\] +1\.000 +0\.[0-9]+$' graft embed "a cat sat on the mat" "a kitten rested on the rug"
run '^ +animal +0\.[0-9]+$' graft zeroshot --labels "animal,plant,food" "a small furry pet that purrs"
head -1 "$out" | grep -q 'a small furry pet' && sed -n 2p "$out" | grep -q animal \
  || fail "animal is not the first label"
cat > support.csv <<'EOF'
text,label
a large tree with needle-shaped leaves,plant
a flowering shrub with fragrant blossoms,plant
a small furry animal kept as a pet,animal
a large wild cat with a striped coat,animal
a sweet baked food made from flour and sugar,food
a hot drink made from roasted beans,food
EOF
run '^ +plant +distance [0-9.]+' graft fewshot --support support.csv --query "a tall tree with needles"
run '^ +plant +probability [0-9.]+' graft fewshot --method setfit --support support.csv --query "a tall tree with needles" --num-iterations 2
run '5-way 1-shot, .*accuracy [0-9.]+% ± [0-9.]+ \(95% CI\)' graft fewshot --episodes 50 --ways 5 --shots 1
{
  echo text,label
  for w in great wonderful excellent superb lovely delightful brilliant fantastic enjoyable charming; do
    echo "\"a $w film, I would watch it again\",positive"
    echo "the acting was $w and the story held me,positive"
  done
  for w in dull boring tedious awful clumsy dreary weak tiresome poor bland; do
    echo "\"a $w film, I walked out early\",negative"
    echo "the plot was $w and the ending made no sense,negative"
  done
} > reviews.csv
run '^partial on reviews.csv: test accuracy [0-9.]+%' \
  graft text-finetune --data reviews.csv --strategy partial --push local/reviews-minilm --epochs 1
grep -q 'local hub as local/reviews-minilm' "$out" "$err" || fail "it did not publish local/reviews-minilm"

# --- docs/text.md, generation: a random gpt2_tiny, GPT-2's vocabulary fetched by the first generate ---
run '^gpt2_tiny -> gpt2-demo ' graft models create gpt2_tiny --out gpt2-demo
run '^The quick brown fox' graft generate --model local-dir:gpt2-demo --prompt "The quick brown fox" --max-new-tokens 20
run '"prompt_ids" : \[ 15496, 995 \]' graft --json generate --model local-dir:gpt2-demo --prompt "Hello world" --max-new-tokens 0
run '^Once upon a time' graft --seed 7 generate --model local-dir:gpt2-demo --prompt "Once upon a time" --do-sample --temperature 0.8 \
  --top-k 40 --top-p 0.95 --repetition-penalty 1.2 --max-new-tokens 30 --stop "."
printf 'the cat sat on the mat. %.0s' {1..200} > story.txt
run 'held-out perplexity [0-9.]+ -> [0-9.]+ ' graft lm-finetune --model local-dir:gpt2-demo --data story.txt --out gpt2-story --epochs 2 --block-size 64 --lr 1e-3
need_file gpt2-story/tokenizer.json
run '^the cat' graft generate --model local-dir:gpt2-story --prompt "the cat" --max-new-tokens 10
# Graft's own GPT, shipped in the jar, and a quick lm-pretrain
run '^guitar:' graft generate --model gpt2_graft_small.graft_wordnet_glosses --prompt "guitar:" --max-new-tokens 20
run '^gpt2_tiny on wordnet-glosses \(19,977 characters\): held-out perplexity [0-9.]+ ' \
  graft lm-pretrain --model gpt2_tiny --data wordnet-glosses --max-chars 20000 --out gpt-mini
need_file gpt-mini/README.md
run '^dog:' graft generate --model gpt2_graft_small.graft_wordnet_glosses --prompt "dog:" --prompt "a small boat:" --max-new-tokens 10
run '^lora on reviews.csv: test accuracy [0-9.]+%' \
  graft text-finetune --model gpt2_graft_small.graft_wordnet_glosses --data reviews.csv --strategy lora --out runs/reviews-gpt2 --epochs 1
grep -q '"GPT2ForSequenceClassification"' runs/reviews-gpt2/model/config.json || fail "text-finetune did not write GPT2ForSequenceClassification"

# --- docs/peft.md: LoRA adapters in PEFT's format ---
run '^lora on reviews.csv: test accuracy [0-9.]+%' \
  graft text-finetune --data reviews.csv --strategy lora --out runs/reviews-lora --push local/reviews-lora --epochs 1
for f in adapter/adapter_config.json adapter/adapter_model.safetensors adapter/README.md model/model.safetensors; do
  need_file "runs/reviews-lora/$f"
done
grep -q '"peft_type" : "LORA"' runs/reviews-lora/adapter/adapter_config.json || fail "adapter_config.json is not a LoRA config"
grep -q 'local hub as local/reviews-lora' "$out" "$err" || fail "it did not publish local/reviews-lora"
run '^merged runs/reviews-lora/adapter into .*none extra' graft peft merge runs/reviews-lora/adapter --out reviews-merged
run '^took runs/reviews-lora/adapter out of reviews-merged' \
  graft peft unmerge reviews-merged --adapter runs/reviews-lora/adapter --out minilm-again
run '^lora on reviews.csv: test accuracy [0-9.]+%' \
  graft text-finetune --data reviews.csv --strategy lora --lora-r 4 --lora-alpha 8 --target-modules query,key,value --out runs/reviews-qkv --epochs 1
run '^prompt-tuning on reviews.csv: test accuracy [0-9.]+%' \
  graft text-finetune --data reviews.csv --strategy prompt-tuning --num-virtual-tokens 8 --out runs/reviews-prompt --epochs 1
grep -q '"peft_type" : "PROMPT_TUNING"' runs/reviews-prompt/adapter/adapter_config.json || fail "adapter_config.json is not a prompt-tuning config"
run '^ +\[1\] +1\.000 +0\.[0-9]+$' graft embed --model local-dir:runs/reviews-prompt/adapter "a great film" "a dull film"

# --- docs/spark.md: the same models on Spark, local[2] (digits fetched by docs/data.md, some-digit.png by finetuning.md) ---
run '^wrote 200 rows with embedding \(all-MiniLM-L6-v2\) to topic-vectors as jsonl' \
  graft spark embed --master 'local[2]' --data wordnet-topics-small --split validation --out topic-vectors --format jsonl
run '^wrote 1797 rows with features \(small_cnn.graft_mnist\) to digit-features as parquet' \
  graft spark featurize --master 'local[2]' --data digits --model small_cnn.graft_mnist --out digit-features
run '^exported runs/digits-spark-probe: small_cnn.graft_mnist \+ linear head over 10 classes, fitted on 1438 rows' \
  graft spark probe --master 'local[2]' --data digits --split train --model small_cnn.graft_mnist --out runs/digits-spark-probe
need_file runs/digits-spark-probe/model.safetensors
run '^ +[0-9] +[0-9.]+%$' graft predict --model runs/digits-spark-probe some-digit.png
run '^wrote 359 rows with prediction \(runs/digits-spark-probe\) to digit-predictions as jsonl' \
  graft spark predict --master 'local[2]' --data digits --split test --model runs/digits-spark-probe --out digit-predictions --format jsonl

# --- docs/hub-server.md and docs/hub.md: a hub of its own on a free loopback port ---
start_server() { # start_server CMD...: a hub server in the background until it prints its URL
  n=$((n + 1)); label="$(describe "$@")"
  out="$work/log/serve$n.out"; err="$work/log/serve$n.err"
  local t0; t0="$(now)"
  shift   # the launcher itself, not the function: its process is the server's (it execs java)
  "$root/graft" "$@" >"$out" 2>"$err" </dev/null &
  server_pid=$!
  local rc=0
  await_hub "$out" 1200 || rc=$?
  [ "$rc" != 1 ] || fail "the server exited"
  [ "$rc" = 0 ] || fail "no 'listening on URL' line within 120 s"
  printf 'ok %6.1fs  %s (until listening on %s)\n' "$(since "$t0")" "$label" "$url"
}
stop_server() {
  n=$((n + 1)); label="stop the hub server"
  local t0; t0="$(now)"
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  printf 'ok %6.1fs  %s\n' "$(since "$t0")" "$label"
}
start_server graft hub serve --port 0 --data-dir hub-data
export GRAFT_ENDPOINT="$url"

run '^hf_[A-Za-z0-9]+$' graft hub token create --user alice --write --data-dir hub-data
token="$(tail -n 1 "$out")"
run '^logged in as alice' graft hub login --token "$token"
run 'Pushed to .* as alice/digits-cnn' \
  graft finetune --model small_cnn.graft_mnist --data digits --strategy head --epochs 5 --push-to alice/digits-cnn
digits_run=$n
run 'test top-1 [0-9.]+%' \
  graft finetune --model hf-hub:alice/digits-cnn --data 'folder:photos?size=28x28' --strategy head --epochs 5
run 'alice/mnist-resnet' graft hub create alice/mnist-resnet
run '^pushed [0-9]+ files .* to alice/mnist-resnet@main' graft hub push "$run_dir" alice/mnist-resnet -m "First version"
run '/snapshots/[0-9a-f]{40}$' graft hub pull alice/mnist-resnet
pulled="$(tail -n 1 "$out")"
need_file "$pulled/model.safetensors"
cmp -s "$pulled/model.safetensors" "$run_dir/model.safetensors" || fail "the pulled model.safetensors differs from the pushed one"
run '^alice/mnist-resnet ' graft hub ls --author alice
grep -q '^alice/digits-cnn ' "$out" || fail "alice/digits-cnn is not listed"
run '^ +model\.safetensors +[0-9]+ B +\(LFS\)$' graft hub info alice/mnist-resnet

# docs/hub.md, "Data sets on the hub": digits published, then trained from by its hub name
digits_top1="$(grep -oE 'test top-1 [0-9.]+%' "$work/log/$digits_run.out" | head -1)"
run '^pushed digits to .* as data set alice/digits \(train 1438, test 359; commit [0-9a-f]{40}\)' graft data push digits alice/digits
run '"count" : 1438' graft --json data info hf-hub:datasets/alice/digits
run 'test top-1 [0-9.]+%' \
  graft finetune --model small_cnn.graft_mnist --data hf-hub:datasets/alice/digits --strategy head --epochs 5
grep -q "$digits_top1" "$out" || fail "from the hub it did not reach the $digits_top1 of --data digits"
run '^image +1x8x8 ' env GRAFT_HUB_OFFLINE=1 "$root/graft" data info hf-hub:datasets/alice/digits
run '^train +1438$' graft --skip-bad data info hf-hub:datasets/alice/digits
run '^train +1438$' graft --image-column image --label-column label data info hf-hub:datasets/alice/digits
# docs/multitask.md, a multi-task set through the hub (the hub and alice's login from docs/hub.md)
run '^pushed mnist-tasks to .* as data set alice/mnist-tasks' graft data push mnist-tasks alice/mnist-tasks
run '^ +parity +accuracy [0-9.]+' graft multitask --data hf-hub:datasets/alice/mnist-tasks --tasks digit,parity --weighting uw \
  --epochs 1 --train-limit 500 --test-limit 200 --val-limit 100 --out runs/mt-hub
run '^pushed wordnet-topics-small to .* \(train [0-9]+, validation [0-9]+, test [0-9]+' graft data push wordnet-topics-small alice/wordnet-topics-small
run '^\{"default":\{"train":\[".*/api/datasets/alice/digits/parquet/default/train/0\.parquet"\]' \
  curl -s "$GRAFT_ENDPOINT/api/datasets/alice/digits/parquet"
run '^head on wordnet-topics-small: test accuracy [0-9.]+%' \
  graft text-finetune --data wordnet-topics-small --strategy head --epochs 1 --out runs/topics-builtin
topics_builtin="$(grep -ohE 'test accuracy [0-9.]+% \([0-9]+ texts\)' "$out" | head -1)"
run '^head on hf-hub:datasets/alice/wordnet-topics-small: test accuracy [0-9.]+%' \
  graft text-finetune --data hf-hub:datasets/alice/wordnet-topics-small --strategy head --epochs 1 --out runs/topics-hub
grep -qF "$topics_builtin" "$out" || fail "from the hub it did not reach the $topics_builtin of --data wordnet-topics-small"
run '/datasets/alice/photos$' graft hub create alice/photos --type dataset
mkdir -p photos-repo/train && cp -r photos/three photos/seven photos-repo/train/
run '^pushed 6 files' graft hub push photos-repo alice/photos --type dataset
run '^alice/photos ' graft hub ls --type dataset --search photo
run 'test top-1 [0-9.]+%' graft finetune --model small_cnn --data 'hf-hub:datasets/alice/photos?size=28x28' --strategy scratch --epochs 1
mkdir -p topics
printf '%s\n' '{"text": "a cat", "label": "animal"}' '{"text": "a saw", "label": "tool"}' '{"text": "a dog", "label": "animal"}' \
  '{"text": "a drill", "label": "tool"}' '{"text": "a cow", "label": "animal"}' '{"text": "an axe", "label": "tool"}' > topics/train.jsonl
printf '%s\n' '{"text": "a hen", "label": "animal"}' '{"text": "a wrench", "label": "tool"}' > topics/test.jsonl
run '^pushed 2 files' graft hub push topics alice/topics --type dataset
run 'test accuracy [0-9.]+%' graft text-finetune --data hf-hub:datasets/alice/topics --strategy head --epochs 1 --out runs/topics-jsonl
run '^alice/digits +' graft hub ls --type dataset
run '^deleted alice/mnist-resnet$' graft hub rm alice/mnist-resnet --yes
run '^deleted [0-9]+ unreferenced objects' graft hub gc --data-dir hub-data
run '^revoked 1 token named token of alice$' graft hub token revoke --user alice --name token --data-dir hub-data
stop_server

# --- what the quickstart and text-finetune published, served from GRAFT_HOME/hub (text.md) ---
start_server graft hub serve --port 0
export GRAFT_ENDPOINT="$url"
# The page the quickstart tells the reader to open.
n=$((n + 1)); label="open $url/local/all-MiniLM-L6-v2-wordnet-topics"; t0="$(now)"
out="$work/log/page.html"; err="$work/log/page.err"
hostport="${url#http://}"
exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}"
printf 'GET /local/all-MiniLM-L6-v2-wordnet-topics HTTP/1.0\r\nHost: %s\r\n\r\n' "$hostport" >&3
timeout 30 cat <&3 >"$out" || fail "no complete answer within 30 s"; exec 3<&-
head -1 "$out" | grep -q ' 200 ' || fail "the page did not answer 200"
grep -q 'all-MiniLM-L6-v2-wordnet-topics' "$out" || fail "the page does not name the model"
printf 'ok %6.1fs  %s\n' "$(since "$t0")" "$label"
run '^local/reviews-minilm ' graft hub ls --author local
run '^ +\[1\] +1\.000 +0\.[0-9]+$' graft embed --model hf-hub:local/all-MiniLM-L6-v2-wordnet-topics "a cat" "a kitten"
stop_server

printf 'newcomer: all %d commands passed in %ss\n' "$n" "$(since "$t_total")"
