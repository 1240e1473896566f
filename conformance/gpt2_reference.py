#!/usr/bin/env python3
"""Reference side of conformance/gpt2.sh: transformers' GPT2Model and GPT2LMHeadModel written out in
plain PyTorch (and GPT2ForSequenceClassification) from the published architecture (modeling_gpt2.py: Conv1D projections stored [in, out],
fused c_attn, causal attention, gelu_new, pre-norm blocks, ln_f, lm_head tied to wte), as nn.Modules
with transformers' exact names, so load_state_dict checks every key and shape. No transformers package
is needed: the point is an independent implementation.

  gpt2_reference.py make OUT           folders OUT/{lm,old,bare,cls}/ (config.json, model.safetensors), input, references
  gpt2_reference.py input OUT VOCAB POSITIONS [PAD]  two rows of random input_ids, the second right-padded (with PAD)
  gpt2_reference.py reload DIR IN OUT  loads a folder Graft wrote (strictly: only the tied lm_head.weight may be absent),
                                       runs IN's input_ids / attention_mask, writes OUT's logits
"""
import json
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zoo_reference import load_safetensors, save_safetensors  # noqa: E402

# A tiny shape; the other fields are GPT2Config's defaults, as transformers writes them.
CONFIG = dict(architectures=["GPT2LMHeadModel"], model_type="gpt2", vocab_size=100, n_positions=32, n_embd=64, n_layer=2,
              n_head=4, n_inner=None, activation_function="gelu_new", resid_pdrop=0.1, embd_pdrop=0.1, attn_pdrop=0.1,
              layer_norm_epsilon=1e-5, initializer_range=0.02, summary_type="cls_index", summary_use_proj=True,
              summary_activation=None, summary_proj_to_labels=True, summary_first_dropout=0.1, scale_attn_weights=True,
              use_cache=True, bos_token_id=99, eos_token_id=99, scale_attn_by_inverse_layer_idx=False,
              reorder_and_upcast_attn=False, transformers_version="4.40.0")


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class Conv1D(nn.Module):
    """transformers.pytorch_utils.Conv1D: y = x W + b with W stored [in, out]."""

    def __init__(self, nf, nx):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(nx, nf))
        self.bias = nn.Parameter(torch.zeros(nf))

    def forward(self, x):
        out = torch.addmm(self.bias, x.reshape(-1, x.size(-1)), self.weight)
        return out.view(x.size()[:-1] + (self.weight.size(1),))


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        n, p = c["n_embd"], c["n_positions"]
        self.register_buffer("bias", torch.tril(torch.ones(p, p, dtype=torch.bool)).view(1, 1, p, p), persistent=False)
        self.register_buffer("masked_bias", torch.tensor(-1e4), persistent=False)
        self.heads = c["n_head"]
        self.c_attn = Conv1D(3 * n, n)
        self.c_proj = Conv1D(n, n)

    def forward(self, x, additive):
        b, t, n = x.shape
        d = n // self.heads
        q, k, v = self.c_attn(x).split(n, dim=2)
        q, k, v = (z.view(b, t, self.heads, d).permute(0, 2, 1, 3) for z in (q, k, v))
        w = q @ k.transpose(-1, -2) / math.sqrt(d)
        causal = self.bias[:, :, :t, :t]
        w = torch.where(causal, w, torch.tensor(torch.finfo(w.dtype).min, dtype=w.dtype))
        if additive is not None:
            w = w + additive
        ctx = (w.softmax(dim=-1) @ v).permute(0, 2, 1, 3).reshape(b, t, n)
        return self.c_proj(ctx)


class MLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        inner = c.get("n_inner") or 4 * c["n_embd"]
        self.c_fc = Conv1D(inner, c["n_embd"])
        self.c_proj = Conv1D(c["n_embd"], inner)

    def forward(self, x):
        return self.c_proj(gelu_new(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        n, eps = c["n_embd"], c["layer_norm_epsilon"]
        self.ln_1 = nn.LayerNorm(n, eps=eps)
        self.attn = Attention(c)
        self.ln_2 = nn.LayerNorm(n, eps=eps)
        self.mlp = MLP(c)

    def forward(self, x, additive):
        x = x + self.attn(self.ln_1(x), additive)
        return x + self.mlp(self.ln_2(x))


class GPT2Model(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.wte = nn.Embedding(c["vocab_size"], c["n_embd"])
        self.wpe = nn.Embedding(c["n_positions"], c["n_embd"])
        self.drop = nn.Dropout(c["embd_pdrop"])
        self.h = nn.ModuleList([Block(c) for _ in range(c["n_layer"])])
        self.ln_f = nn.LayerNorm(c["n_embd"], eps=c["layer_norm_epsilon"])

    def forward(self, ids, mask=None):
        pos = torch.arange(ids.shape[1]).unsqueeze(0)
        x = self.drop(self.wte(ids) + self.wpe(pos))
        additive = None
        if mask is not None:
            additive = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for block in self.h:
            x = block(x, additive)
        return self.ln_f(x)


class GPT2LMHeadModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.transformer = GPT2Model(c)
        self.lm_head = nn.Linear(c["n_embd"], c["vocab_size"], bias=False)
        self.lm_head.weight = self.transformer.wte.weight  # tied, as transformers' tie_weights()

    def forward(self, ids, mask=None):
        return self.lm_head(self.transformer(ids, mask))


class GPT2ForSequenceClassification(nn.Module):
    """A bias-free score over the hidden state of each row's last token that is not pad_token_id."""

    def __init__(self, c):
        super().__init__()
        self.pad = c["pad_token_id"]
        self.transformer = GPT2Model(c)
        self.score = nn.Linear(c["n_embd"], len(c["id2label"]), bias=False)

    def forward(self, ids, mask=None):
        logits = self.score(self.transformer(ids, mask))
        last = (torch.arange(ids.shape[1]) * ids.ne(self.pad).long()).argmax(-1)
        return logits[torch.arange(ids.shape[0]), last]


def randomise(model, seed):
    """Seeded weights far from the initial ones: projections ~ 1/sqrt(fan_in), LayerNorms near 1/0."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            r = torch.randn(p.shape, generator=g)
            if name.endswith("ln_1.weight") or name.endswith("ln_2.weight") or name.endswith("ln_f.weight"):
                p.copy_(1 + 0.1 * r)
            elif name.endswith(".bias"):
                p.copy_(0.1 * r)
            elif name.endswith("wte.weight") or name.endswith("wpe.weight"):
                p.copy_(0.3 * r)
            else:
                p.copy_(r / math.sqrt(p.shape[0]))


def build(config):
    if config["architectures"] == ["GPT2ForSequenceClassification"]:
        return GPT2ForSequenceClassification(config)
    return GPT2Model(config) if config["architectures"] == ["GPT2Model"] else GPT2LMHeadModel(config)


def make(out):
    os.makedirs(out, exist_ok=True)
    g = torch.Generator().manual_seed(500)
    ids = torch.randint(0, CONFIG["vocab_size"] - 1, (3, 12), generator=g)  # the last id pads
    mask = torch.ones_like(ids)
    mask[1, 9:] = 0  # right-padded rows, as a batch of prompts is padded for a causal model
    mask[2, 5:] = 0
    ids = ids.masked_fill(mask == 0, CONFIG["eos_token_id"])
    save_safetensors(f"{out}/input.safetensors", {"input_ids": ids, "attention_mask": mask})
    for seed, variant in enumerate(("lm", "old", "bare", "cls")):
        config = dict(CONFIG)
        if variant == "bare":
            config["architectures"] = ["GPT2Model"]
        if variant == "cls":
            labels = ["negative", "neutral", "positive"]
            config.update(architectures=["GPT2ForSequenceClassification"], pad_token_id=CONFIG["eos_token_id"],
                          id2label={str(i): n for i, n in enumerate(labels)}, label2id={n: i for i, n in enumerate(labels)})
        model = build(config).eval()
        randomise(model, 600 + seed)
        # transformers' save_pretrained: the tied lm_head.weight is left out, no buffers.
        sd = {k: v for k, v in model.state_dict().items() if k != "lm_head.weight"}
        if variant == "old":
            # OpenAI's converted files: GPT2Model keys without "transformer.", the causal-mask buffers saved.
            sd = {k[len("transformer."):]: v for k, v in sd.items()}
            for n in range(config["n_layer"]):
                p = config["n_positions"]
                sd[f"h.{n}.attn.bias"] = torch.tril(torch.ones(p, p)).view(1, 1, p, p)
                sd[f"h.{n}.attn.masked_bias"] = torch.tensor(-1e4)
        folder = f"{out}/{variant}"
        os.makedirs(folder, exist_ok=True)
        save_safetensors(f"{folder}/model.safetensors", sd, {"format": "pt"})
        with open(f"{folder}/config.json", "w") as f:
            json.dump(config, f, indent=2)
        with torch.no_grad():
            y = model(ids, mask)
        name = "last_hidden_state" if variant == "bare" else "logits"
        save_safetensors(f"{out}/{variant}_ref.safetensors", {name: y})
        print(f"{variant}: reference {name} {tuple(y.shape)}, max |ref| {y.abs().max().item():.3g}")


def reload(folder, input_path, out_path):
    with open(f"{folder}/config.json") as f:
        config = json.load(f)
    assert config["model_type"] == "gpt2", config["model_type"]
    model = build(config).eval()
    sd = load_safetensors(f"{folder}/model.safetensors")
    missing, unexpected = model.load_state_dict(sd, strict=False)
    # Strict but for the tied head, which transformers' from_pretrained re-ties the same way.
    if unexpected or [k for k in missing if k != "lm_head.weight"]:
        sys.exit(f"FAIL {folder}: missing {missing}, unexpected {unexpected}")
    if isinstance(model, GPT2LMHeadModel):
        model.lm_head.weight = model.transformer.wte.weight
    inputs = load_safetensors(input_path)
    with torch.no_grad():
        y = model(inputs["input_ids"], inputs.get("attention_mask"))
    name = "last_hidden_state" if isinstance(model, GPT2Model) else "logits"
    save_safetensors(out_path, {name: y})
    print(f"{folder}: {len(sd)} tensors loaded into {type(model).__name__} (missing only {missing}), {name} {tuple(y.shape)}")


def make_input(out_path, vocab, positions, pad=None):
    g = torch.Generator().manual_seed(700)
    ids = torch.randint(0, vocab, (2, min(positions, 10)), generator=g)
    mask = torch.ones_like(ids)
    mask[1, 6:] = 0
    if pad is not None:
        ids = ids.masked_fill(ids == pad, 0).masked_fill(mask == 0, pad)  # right padding with the pad token, as a classifier batch
    save_safetensors(out_path, {"input_ids": ids, "attention_mask": mask})


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "make":
        make(sys.argv[2])
    elif len(sys.argv) == 5 and sys.argv[1] == "reload":
        reload(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) in (5, 6) and sys.argv[1] == "input":
        make_input(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]) if len(sys.argv) == 6 else None)
    else:
        sys.exit(__doc__)
