#!/usr/bin/env python3
"""Reference side of conformance/peft.sh: adapters in Hugging Face PEFT's format, computed in plain PyTorch from the
base weights and the adapter files alone (no peft package):
- LoRA on transformers' BertModel: y = W x + b + scale * B(A x) on the targeted layers (scale = lora_alpha / sqrt(r)
  with use_rslora), merged W + scale * B @ A;
- IA3 on BertModel (PEFT's BERT targets key, value, output.dense, feed-forward output.dense): a feed-forward layer
  computes W (x * l) + b with ia3_l (1, in), the others (W x + b) * l with ia3_l (out, 1); merged W * l (and b * l);
- LoRA on GPT-2's Conv1D layers (c_attn, c_proj, c_fc; fan_in_fan_out true): y = x W + b + scale * B(A x) with A
  (r, in), B (out, r) as PEFT saves them, merged W + scale * (B @ A)^T on W stored [in, out];
- prompt tuning (PROMPT_TUNING) on BertModel and GPT2LMHeadModel, as PEFT's PeftModel.forward: inputs_embeds =
  cat(prompt_embeddings, word_embeddings(input_ids)), attention_mask = cat(ones, attention_mask), no position_ids
  (so positions 0..n+L-1, token type 0 for the virtual tokens); outputs over all n + L positions, the pooler on
  position 0 (a virtual token).

  peft_reference.py make OUT             OUT/base/ (config.json, model.safetensors), OUT/adapter/ (adapter_config.json,
                                         adapter_model.safetensors), OUT/input.safetensors, OUT/lora_ref.safetensors,
                                         OUT/merged_ref.safetensors
  peft_reference.py make-ia3 OUT         OUT/ia3/ (an IA3 adapter of OUT/base), OUT/ia3_ref.safetensors,
                                         OUT/ia3_merged_ref.safetensors (after make)
  peft_reference.py make-gpt2 OUT        OUT/gpt2_base/, OUT/gpt2_lora/, OUT/gpt2_input.safetensors,
                                         OUT/gpt2_lora_ref.safetensors, OUT/gpt2_merged_ref.safetensors
  peft_reference.py make-prompt OUT      OUT/prompt/ (a PROMPT_TUNING adapter of OUT/base), OUT/prompt_ref.safetensors (after make)
  peft_reference.py make-gpt2-prompt OUT OUT/gpt2_prompt/ (a PROMPT_TUNING adapter of OUT/gpt2_base), OUT/gpt2_prompt_ref.safetensors
                                         (after make-gpt2)
  peft_reference.py check REF GOT TOL    every tensor of REF in GOT within TOL * max(1, |ref|)
  peft_reference.py merged REF GOT TOL   GOT holds exactly REF's parameters (no extra ones), each within TOL * max(1, |ref|)
"""
import json
import math
import os
import sys
import types

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import text_reference  # noqa: E402
from zoo_reference import load_safetensors, save_safetensors  # noqa: E402

R, ALPHA, TARGETS = 4, 8, ["query", "value"]
SCALE = ALPHA / math.sqrt(R)  # use_rslora


def adapter_state(sd, cfg, seed):
    """lora_A (r, in) and lora_B (out, r) of every targeted Linear, under PEFT's saved keys; B non-zero, as after training."""
    g = torch.Generator().manual_seed(seed)
    out = {}
    for n in range(cfg["num_hidden_layers"]):
        for part in TARGETS:
            path = f"encoder.layer.{n}.attention.self.{part}"
            w = sd[f"{path}.weight"]
            out[f"base_model.model.{path}.lora_A.weight"] = torch.randn(R, w.shape[1], generator=g) / math.sqrt(w.shape[1])
            out[f"base_model.model.{path}.lora_B.weight"] = torch.randn(w.shape[0], R, generator=g) * 0.1
    return out


def lora_pairs(adapter):
    """{module path: (A, B)} read back from the adapter's keys."""
    pairs = {}
    for k, v in adapter.items():
        path, part = k[len("base_model.model."):].rsplit(".lora_", 1)
        pairs.setdefault(path, [None, None])[0 if part.startswith("A") else 1] = v
    return pairs


def make(out):
    cfg = text_reference.FAMILIES["bert"]
    sd = text_reference.state_dict(cfg, 700)
    os.makedirs(f"{out}/base", exist_ok=True)
    os.makedirs(f"{out}/adapter", exist_ok=True)
    save_safetensors(f"{out}/base/model.safetensors", sd, {"format": "pt"})
    with open(f"{out}/base/config.json", "w") as f:
        json.dump(dict(cfg, transformers_version="4.40.0"), f, indent=2)
    adapter = adapter_state(sd, cfg, 701)
    save_safetensors(f"{out}/adapter/adapter_model.safetensors", adapter, {"format": "pt"})
    config = {"base_model_name_or_path": os.path.abspath(f"{out}/base"), "bias": "none", "fan_in_fan_out": False,
              "inference_mode": True, "init_lora_weights": True, "lora_alpha": ALPHA, "lora_dropout": 0.1,
              "modules_to_save": None, "peft_type": "LORA", "r": R, "revision": None, "target_modules": TARGETS,
              "task_type": "FEATURE_EXTRACTION", "use_dora": False, "use_rslora": True}
    with open(f"{out}/adapter/adapter_config.json", "w") as f:
        json.dump(config, f, indent=2)

    g = torch.Generator().manual_seed(702)
    ids = torch.randint(3, cfg["vocab_size"], (3, 12), generator=g)
    ids[1, 8:] = 0
    mask = ids.ne(0).long()
    tt = torch.zeros_like(ids)
    save_safetensors(f"{out}/input.safetensors", {"input_ids": ids, "attention_mask": mask})

    # the adapted forward: the same BertModel code with every targeted Linear computing W x + b + scale * B(A x)
    pairs = {id(sd[f"{p}.weight"]): ab for p, ab in lora_pairs(adapter).items()}

    def linear(x, w, b=None):
        y = F.linear(x, w, b)
        if id(w) in pairs:
            a, bb = pairs[id(w)]
            y = y + SCALE * F.linear(F.linear(x, a), bb)
        return y

    text_reference.F = types.SimpleNamespace(**{k: getattr(F, k) for k in dir(F) if not k.startswith("_")})
    text_reference.F.linear = linear
    with torch.no_grad():
        hidden, pooled = text_reference.forward(sd, cfg, ids, mask, tt)
    text_reference.F = F
    save_safetensors(f"{out}/lora_ref.safetensors", {"last_hidden_state": hidden, "pooler_output": pooled})

    merged = {k: v for k, v in sd.items() if k != "embeddings.position_ids"}
    for p, (a, bb) in lora_pairs(adapter).items():
        merged[f"{p}.weight"] = merged[f"{p}.weight"] + SCALE * (bb @ a)
    save_safetensors(f"{out}/merged_ref.safetensors", merged)
    print(f"peft: {len(pairs)} adapted layers, r {R}, scale {SCALE:.4g}; reference last_hidden_state {tuple(hidden.shape)}")


IA3_TARGETS, IA3_FEEDFORWARD = ["key", "value", "output.dense"], ["output.dense"]


def make_ia3(out):
    """An IA3 adapter of OUT/base (what make wrote) with vectors away from ones, as after training, and its references."""
    cfg = text_reference.FAMILIES["bert"]
    sd = load_safetensors(f"{out}/base/model.safetensors")
    inputs = load_safetensors(f"{out}/input.safetensors")
    g = torch.Generator().manual_seed(703)
    vectors, feedforward = {}, {}
    for k in sd:
        path = k[:-len(".weight")]
        if not k.endswith(".weight") or not any(path.endswith("." + t) for t in IA3_TARGETS) or sd[k].dim() != 2:
            continue
        ff = any(path.endswith(t) for t in IA3_FEEDFORWARD)  # PEFT's feed-forward test: a plain suffix
        w = sd[k]
        shape = (1, w.shape[1]) if ff else (w.shape[0], 1)
        vectors[path] = 1 + 0.2 * torch.randn(shape, generator=g)
        feedforward[path] = ff
    os.makedirs(f"{out}/ia3", exist_ok=True)
    save_safetensors(f"{out}/ia3/adapter_model.safetensors", {f"base_model.model.{p}.ia3_l": v for p, v in vectors.items()}, {"format": "pt"})
    config = {"auto_mapping": None, "base_model_name_or_path": os.path.abspath(f"{out}/base"), "fan_in_fan_out": False,
              "feedforward_modules": IA3_FEEDFORWARD, "inference_mode": True, "init_ia3_weights": True, "modules_to_save": None,
              "peft_type": "IA3", "revision": None, "target_modules": IA3_TARGETS, "task_type": "FEATURE_EXTRACTION"}
    with open(f"{out}/ia3/adapter_config.json", "w") as f:
        json.dump(config, f, indent=2)

    by_weight = {id(sd[f"{p}.weight"]): (v, feedforward[p]) for p, v in vectors.items()}

    def linear(x, w, b=None):
        if id(w) not in by_weight:
            return F.linear(x, w, b)
        v, ff = by_weight[id(w)]
        return F.linear(x * v.flatten(), w, b) if ff else F.linear(x, w, b) * v.flatten()

    text_reference.F = types.SimpleNamespace(**{k: getattr(F, k) for k in dir(F) if not k.startswith("_")})
    text_reference.F.linear = linear
    ids, mask = inputs["input_ids"], inputs["attention_mask"]
    with torch.no_grad():
        hidden, pooled = text_reference.forward(sd, cfg, ids, mask, torch.zeros_like(ids))
    text_reference.F = F
    save_safetensors(f"{out}/ia3_ref.safetensors", {"last_hidden_state": hidden, "pooler_output": pooled})
    merged = {k: v for k, v in sd.items() if k != "embeddings.position_ids"}
    for p, v in vectors.items():
        merged[f"{p}.weight"] = merged[f"{p}.weight"] * v
        if not feedforward[p]:
            merged[f"{p}.bias"] = merged[f"{p}.bias"] * v.reshape(-1)
    save_safetensors(f"{out}/ia3_merged_ref.safetensors", merged)
    print(f"peft ia3: {len(vectors)} adapted layers, {sum(feedforward.values())} feed-forward; reference {tuple(hidden.shape)}")


GPT2_TARGETS = ["c_attn", "c_proj", "c_fc"]


def make_gpt2(out):
    """A LoRA adapter of a tiny GPT2LMHeadModel on its Conv1D layers, its logits and merged weights."""
    import gpt2_reference as g2
    model = g2.build(dict(g2.CONFIG)).eval()
    g2.randomise(model, 710)
    sd = {k: v for k, v in model.state_dict().items() if k != "lm_head.weight"}
    os.makedirs(f"{out}/gpt2_base", exist_ok=True)
    save_safetensors(f"{out}/gpt2_base/model.safetensors", sd, {"format": "pt"})
    with open(f"{out}/gpt2_base/config.json", "w") as f:
        json.dump(g2.CONFIG, f, indent=2)
    g = torch.Generator().manual_seed(711)
    adapter, layers = {}, {}
    for name, m in model.named_modules():
        if isinstance(m, g2.Conv1D) and name.rsplit(".", 1)[-1] in GPT2_TARGETS:
            fan_in, fan_out = m.weight.shape  # Conv1D stores [in, out]; PEFT's A is (r, in), B (out, r) all the same
            a = torch.randn(R, fan_in, generator=g) / math.sqrt(fan_in)
            b = torch.randn(fan_out, R, generator=g) * 0.1
            adapter[f"base_model.model.{name}.lora_A.weight"] = a
            adapter[f"base_model.model.{name}.lora_B.weight"] = b
            layers[name] = (m, a, b)
    os.makedirs(f"{out}/gpt2_lora", exist_ok=True)
    save_safetensors(f"{out}/gpt2_lora/adapter_model.safetensors", adapter, {"format": "pt"})
    config = {"base_model_name_or_path": os.path.abspath(f"{out}/gpt2_base"), "bias": "none", "fan_in_fan_out": True,
              "inference_mode": True, "init_lora_weights": True, "lora_alpha": ALPHA, "lora_dropout": 0.0, "modules_to_save": None,
              "peft_type": "LORA", "r": R, "revision": None, "target_modules": GPT2_TARGETS, "task_type": "CAUSAL_LM",
              "use_dora": False, "use_rslora": False}
    with open(f"{out}/gpt2_lora/adapter_config.json", "w") as f:
        json.dump(config, f, indent=2)
    scale = ALPHA / R
    for m, a, b in layers.values():
        base = m.forward
        m.forward = lambda x, base=base, a=a, b=b: base(x) + scale * F.linear(F.linear(x, a), b)
    ids = torch.randint(0, g2.CONFIG["vocab_size"] - 1, (2, 10), generator=g)
    mask = torch.ones_like(ids)
    mask[1, 7:] = 0
    save_safetensors(f"{out}/gpt2_input.safetensors", {"input_ids": ids, "attention_mask": mask})
    model.lm_head.weight = model.transformer.wte.weight
    with torch.no_grad():
        logits = model(ids, mask)
    save_safetensors(f"{out}/gpt2_lora_ref.safetensors", {"logits": logits})
    merged = dict(sd)
    for name, (m, a, b) in layers.items():
        merged[f"{name}.weight"] = merged[f"{name}.weight"] + scale * (b @ a).T
    save_safetensors(f"{out}/gpt2_merged_ref.safetensors", merged)
    print(f"peft gpt2: {len(layers)} Conv1D layers adapted (fan_in_fan_out), r {R}; reference logits {tuple(logits.shape)}")


def prompt_config(base, n, dim, cfg, task):
    """adapter_config.json of a PROMPT_TUNING adapter, the fields PEFT's PromptTuningConfig writes."""
    return {"auto_mapping": None, "base_model_name_or_path": os.path.abspath(base), "inference_mode": True, "modules_to_save": None,
            "num_attention_heads": cfg[0], "num_layers": cfg[1], "num_transformer_submodules": 1, "num_virtual_tokens": n,
            "peft_type": "PROMPT_TUNING", "prompt_tuning_init": "RANDOM", "prompt_tuning_init_text": None, "revision": None,
            "task_type": task, "token_dim": dim, "tokenizer_kwargs": None, "tokenizer_name_or_path": None}


def write_prompt(folder, prompt, config):
    os.makedirs(folder, exist_ok=True)
    save_safetensors(f"{folder}/adapter_model.safetensors", {"prompt_embeddings": prompt}, {"format": "pt"})
    with open(f"{folder}/adapter_config.json", "w") as f:
        json.dump(config, f, indent=2)


PROMPT_TOKENS = 5


def make_prompt(out):
    """A prompt-tuning adapter of OUT/base (BertModel) and PEFT's forward with it, from the two folders alone."""
    cfg = text_reference.FAMILIES["bert"]
    sd = load_safetensors(f"{out}/base/model.safetensors")
    inputs = load_safetensors(f"{out}/input.safetensors")
    n, h = PROMPT_TOKENS, cfg["hidden_size"]
    prompt = torch.randn(n, h, generator=torch.Generator().manual_seed(704))  # nn.Embedding's N(0, 1), as trained tokens
    write_prompt(f"{out}/prompt", prompt, prompt_config(f"{out}/base", n, h, (cfg["num_attention_heads"], cfg["num_hidden_layers"]),
                                                        "FEATURE_EXTRACTION"))
    prompt = load_safetensors(f"{out}/prompt/adapter_model.safetensors")["prompt_embeddings"]
    ids, mask = inputs["input_ids"], inputs["attention_mask"]
    b, vocab = ids.shape[0], cfg["vocab_size"]
    # BertEmbeddings on inputs_embeds = cat(prompt, word_embeddings(ids)) adds positions 0..n+L-1 and token type 0:
    # exactly the plain forward pass with the prompt as n more rows of the word-embedding table and their ids in front.
    wide = dict(sd)
    wide["embeddings.word_embeddings.weight"] = torch.cat([sd["embeddings.word_embeddings.weight"], prompt])
    virtual = torch.arange(vocab, vocab + n).unsqueeze(0).expand(b, n)
    ids2 = torch.cat([virtual, ids], 1)
    mask2 = torch.cat([torch.ones(b, n, dtype=mask.dtype), mask], 1)
    with torch.no_grad():
        hidden, pooled = text_reference.forward(wide, cfg, ids2, mask2, torch.zeros_like(ids2))
    save_safetensors(f"{out}/prompt_ref.safetensors", {"last_hidden_state": hidden, "pooler_output": pooled})
    print(f"peft prompt tuning (BERT): {n} virtual tokens of width {h}; reference last_hidden_state {tuple(hidden.shape)}")


def make_gpt2_prompt(out):
    """A prompt-tuning adapter of OUT/gpt2_base and PeftModelForCausalLM's logits with it."""
    import gpt2_reference as g2
    model = g2.build(dict(g2.CONFIG)).eval()
    sd = load_safetensors(f"{out}/gpt2_base/model.safetensors")
    model.load_state_dict(sd, strict=False)
    model.lm_head.weight = model.transformer.wte.weight
    inputs = load_safetensors(f"{out}/gpt2_input.safetensors")
    n, h = 4, g2.CONFIG["n_embd"]
    prompt = torch.randn(n, h, generator=torch.Generator().manual_seed(712))
    write_prompt(f"{out}/gpt2_prompt", prompt, prompt_config(f"{out}/gpt2_base", n, h, (g2.CONFIG["n_head"], g2.CONFIG["n_layer"]), "CAUSAL_LM"))
    prompt = load_safetensors(f"{out}/gpt2_prompt/adapter_model.safetensors")["prompt_embeddings"]
    ids, mask = inputs["input_ids"], inputs["attention_mask"]
    b = ids.shape[0]
    t = model.transformer
    with torch.no_grad():
        embeds = torch.cat([prompt.unsqueeze(0).expand(b, n, h), t.wte(ids)], 1)  # PEFT: cat((prompts, inputs_embeds), dim=1)
        mask2 = torch.cat([torch.ones(b, n, dtype=mask.dtype), mask], 1)  # and the prefix attention mask
        x = t.drop(embeds + t.wpe(torch.arange(embeds.shape[1]).unsqueeze(0)))  # GPT2Model's positions 0..n+L-1
        additive = (1.0 - mask2[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for block in t.h:
            x = block(x, additive)
        logits = model.lm_head(t.ln_f(x))
    save_safetensors(f"{out}/gpt2_prompt_ref.safetensors", {"logits": logits})
    print(f"peft prompt tuning (GPT-2): {n} virtual tokens; reference logits {tuple(logits.shape)}")


def compare(refs, got_all, tol, label):
    status = 0
    for name, ref in refs.items():
        got = got_all.get(name)
        if got is None or got.shape != ref.shape:
            print(f"FAIL {label} '{name}': {'missing' if got is None else 'shape ' + str(tuple(got.shape))}, reference {tuple(ref.shape)}")
            status = 1
            continue
        diff = (ref.double() - got.double()).abs()
        worst = (diff / torch.clamp(ref.double().abs(), min=1.0)).max().item()
        ok = worst <= tol
        if not ok or name in ("last_hidden_state", "pooler_output", "logits"):
            print(f"{'ok  ' if ok else 'FAIL'} {label} '{name}': max|diff| {diff.max().item():.3g}, max rel. diff {worst:.3g} (tolerance {tol:g})")
        status |= 0 if ok else 1
    return status


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "make":
        make(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "make-ia3":
        make_ia3(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "make-gpt2":
        make_gpt2(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "make-prompt":
        make_prompt(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "make-gpt2-prompt":
        make_gpt2_prompt(sys.argv[2])
    elif len(sys.argv) == 5 and sys.argv[1] in ("check", "merged"):
        refs, got = load_safetensors(sys.argv[2]), load_safetensors(sys.argv[3])
        status = compare(refs, got, float(sys.argv[4]), sys.argv[3])
        if sys.argv[1] == "merged":
            extra = sorted(set(got) - set(refs) - {"classifier.weight", "classifier.bias"})
            if extra:
                print(f"FAIL {sys.argv[3]}: parameters the base does not have: {extra[:5]}")
                status = 1
            else:
                print(f"ok   {sys.argv[3]}: {len(refs)} tensors of the base, none extra, all within {sys.argv[4]}")
        sys.exit(status)
    else:
        print(__doc__)
        sys.exit(2)
