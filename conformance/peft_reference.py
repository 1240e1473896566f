#!/usr/bin/env python3
"""Reference side of conformance/peft.sh: a LoRA adapter in Hugging Face PEFT's format on transformers' BertModel,
computed in plain PyTorch from the base weights and the adapter files alone (no peft package): the adapted forward
pass y = W x + b + scale * B(A x) on the targeted layers (scale = lora_alpha / sqrt(r) with use_rslora), and the
merged weights W + scale * B @ A.

  peft_reference.py make OUT             OUT/base/ (config.json, model.safetensors), OUT/adapter/ (adapter_config.json,
                                         adapter_model.safetensors), OUT/input.safetensors, OUT/lora_ref.safetensors,
                                         OUT/merged_ref.safetensors
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
        if not ok or name in ("last_hidden_state", "pooler_output"):
            print(f"{'ok  ' if ok else 'FAIL'} {label} '{name}': max|diff| {diff.max().item():.3g}, max rel. diff {worst:.3g} (tolerance {tol:g})")
        status |= 0 if ok else 1
    return status


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "make":
        make(sys.argv[2])
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
