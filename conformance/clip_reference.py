#!/usr/bin/env python3
"""Reference side of conformance/clip.sh: transformers' CLIPModel written out in plain PyTorch from its
published architecture (modeling_clip.py: CLIPTextTransformer, CLIPVisionTransformer, the projections
and logit_scale), run on seeded random weights stored under CLIPModel's exact state-dict keys (the
position_ids buffers real files carry included), next to the config.json transformers writes. No
transformers package is needed: the point is an independent implementation.

  clip_reference.py make OUT               folders OUT/<variant>/ (config.json, model.safetensors), inputs and references
  clip_reference.py make-dual OUT          the same for a VisionTextDualEncoderModel (ViT + BERT): OUT/dual/
  clip_reference.py run DIR INPUT OUTPUT   loads a CLIP folder (e.g. one Graft wrote) strictly, every key and no other,
                                           and writes its outputs on INPUT

The same for transformers' VisionTextDualEncoderModel (variant "dual"): a ViTModel vision tower (its pooler
included) and a BertModel text tower (text_reference.py's), projected from their pooler outputs.
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import text_reference  # noqa: E402
from text_reference import Weights  # noqa: E402
from zoo_reference import load_safetensors, save_safetensors  # noqa: E402

# Tiny towers of different widths, so a mixed-up tower or projection cannot pass. "clip" pools at the
# first eos_token_id (50, not the largest id); "clip_legacy" has transformers' legacy eos_token_id 2
# (pool at the largest id) and exact GELU instead of quick_gelu.
TEXT = dict(model_type="clip_text_model", vocab_size=100, hidden_size=48, intermediate_size=96, projection_dim=24,
            num_hidden_layers=2, num_attention_heads=4, max_position_embeddings=16, hidden_act="quick_gelu",
            layer_norm_eps=1e-5, attention_dropout=0.0, initializer_range=0.02, initializer_factor=1.0,
            pad_token_id=1, bos_token_id=98, eos_token_id=50)
VISION = dict(model_type="clip_vision_model", hidden_size=32, intermediate_size=64, projection_dim=24, num_hidden_layers=2,
              num_attention_heads=2, num_channels=3, image_size=32, patch_size=8, hidden_act="quick_gelu",
              layer_norm_eps=1e-5, attention_dropout=0.0, initializer_range=0.02, initializer_factor=1.0)
VARIANTS = {
    "clip": dict(text=TEXT, vision=VISION),
    "clip_legacy": dict(text=dict(TEXT, eos_token_id=2, bos_token_id=0, hidden_act="gelu"), vision=dict(VISION, hidden_act="gelu")),
}


def config(text, vision):
    return dict(architectures=["CLIPModel"], model_type="clip", projection_dim=24, logit_scale_init_value=2.6592,
                initializer_factor=1.0, text_config=text, vision_config=vision, torch_dtype="float32",
                transformers_version="4.40.0")


def layer_keys(sd, prefix, cfg):
    h, i = cfg["hidden_size"], cfg["intermediate_size"]
    for n in range(cfg["num_hidden_layers"]):
        p = f"{prefix}.encoder.layers.{n}"
        for part in ("k_proj", "v_proj", "q_proj", "out_proj"):
            sd.lin(f"{p}.self_attn.{part}", h, h)
        norm(sd, f"{p}.layer_norm1", h)
        sd.lin(f"{p}.mlp.fc1", i, h)
        sd.lin(f"{p}.mlp.fc2", h, i)
        norm(sd, f"{p}.layer_norm2", h)


def norm(sd, name, width):
    sd[f"{name}.weight"] = 1 + sd.randn(width) * 0.1
    sd[f"{name}.bias"] = sd.randn(width) * 0.1


def state_dict(cfg, seed):
    """Random weights under CLIPModel's keys, in its order, with both position_ids buffers."""
    t, v, p = cfg["text_config"], cfg["vision_config"], cfg["projection_dim"]
    sd = Weights(seed, 0)
    sd["logit_scale"] = torch.tensor(math.log(1 / 0.07)) + sd.randn(()) * 0.1
    sd["text_model.embeddings.token_embedding.weight"] = sd.randn(t["vocab_size"], t["hidden_size"])
    sd["text_model.embeddings.position_embedding.weight"] = sd.randn(t["max_position_embeddings"], t["hidden_size"]) * 0.1
    sd["text_model.embeddings.position_ids"] = torch.arange(t["max_position_embeddings"]).unsqueeze(0)
    layer_keys(sd, "text_model", t)
    norm(sd, "text_model.final_layer_norm", t["hidden_size"])
    positions = (v["image_size"] // v["patch_size"]) ** 2 + 1
    sd["vision_model.embeddings.class_embedding"] = sd.randn(v["hidden_size"])
    sd["vision_model.embeddings.patch_embedding.weight"] = sd.randn(v["hidden_size"], v["num_channels"], v["patch_size"],
                                                                    v["patch_size"]) / v["patch_size"]
    sd["vision_model.embeddings.position_embedding.weight"] = sd.randn(positions, v["hidden_size"]) * 0.1
    sd["vision_model.embeddings.position_ids"] = torch.arange(positions).unsqueeze(0)
    norm(sd, "vision_model.pre_layrnorm", v["hidden_size"])
    layer_keys(sd, "vision_model", v)
    norm(sd, "vision_model.post_layernorm", v["hidden_size"])
    sd["visual_projection.weight"] = sd.randn(p, v["hidden_size"]) / math.sqrt(v["hidden_size"])
    sd["text_projection.weight"] = sd.randn(p, t["hidden_size"]) / math.sqrt(t["hidden_size"])
    return dict(sd)


ACT = {"quick_gelu": lambda x: x * torch.sigmoid(1.702 * x), "gelu": F.gelu}


# The pre-norm layer's modules in CLIP's encoder and in ViT's (transformers' names).
CLIP_NAMES = dict(layers="encoder.layers", norm1="layer_norm1", q="self_attn.q_proj", k="self_attn.k_proj", v="self_attn.v_proj",
                  out="self_attn.out_proj", norm2="layer_norm2", fc1="mlp.fc1", fc2="mlp.fc2")
VIT_NAMES = dict(layers="encoder.layer", norm1="layernorm_before", q="attention.attention.query", k="attention.attention.key",
                 v="attention.attention.value", out="attention.output.dense", norm2="layernorm_after", fc1="intermediate.dense",
                 fc2="output.dense")


def encoder(sd, prefix, cfg, x, mask, names=CLIP_NAMES):
    """CLIPEncoder (or ViTEncoder by its names): pre-norm layers, attention with q scaled by head_dim^-0.5 and additive masks, MLP."""
    h, heads, eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg["layer_norm_eps"]
    d = h // heads
    act = ACT[cfg["hidden_act"]]

    def lin(t, name):
        return F.linear(t, sd[f"{name}.weight"], sd[f"{name}.bias"])

    def ln(t, name):
        return F.layer_norm(t, (h,), sd[f"{name}.weight"], sd[f"{name}.bias"], eps)

    def split(t):
        return t.view(t.shape[0], t.shape[1], heads, d).transpose(1, 2)

    for n in range(cfg["num_hidden_layers"]):
        p = f"{prefix}.{names['layers']}.{n}."
        r = x
        y = ln(x, p + names["norm1"])
        q = split(lin(y, p + names["q"]) * d ** -0.5)
        k, v = split(lin(y, p + names["k"])), split(lin(y, p + names["v"]))
        w = q @ k.transpose(2, 3)
        if mask is not None:
            w = w + mask
        y = (w.softmax(-1) @ v).transpose(1, 2).reshape(x.shape)
        x = r + lin(y, p + names["out"])
        x = x + lin(act(lin(ln(x, p + names["norm2"]), p + names["fc1"])), p + names["fc2"])
    return x


def text_features(sd, t, ids, attention_mask):
    """CLIPTextTransformer + text_projection: causal mask and expanded attention_mask, pooled at the end-of-text token."""
    b, length = ids.shape
    pos = torch.arange(length).unsqueeze(0)
    x = sd["text_model.embeddings.token_embedding.weight"][ids] + sd["text_model.embeddings.position_embedding.weight"][pos]
    low = torch.finfo(torch.float32).min
    causal = torch.full((length, length), low).triu(1)[None, None]
    mask = causal + (1.0 - attention_mask[:, None, None, :].float()) * low
    x = encoder(sd, "text_model", t, x, mask)
    x = F.layer_norm(x, (t["hidden_size"],), sd["text_model.final_layer_norm.weight"], sd["text_model.final_layer_norm.bias"],
                     t["layer_norm_eps"])
    if t["eos_token_id"] == 2:  # transformers' legacy rule: the largest id is the end-of-text token
        at = ids.to(torch.int).argmax(dim=-1)
    else:
        at = (ids.to(torch.int) == t["eos_token_id"]).int().argmax(dim=-1)
    pooled = x[torch.arange(b), at]
    return pooled @ sd["text_projection.weight"].T


def image_features(sd, v, pixels):
    """CLIPVisionTransformer + visual_projection: class token, bias-free patch conv, positions, pre_layrnorm, post_layernorm."""
    h, eps = v["hidden_size"], v["layer_norm_eps"]
    patches = F.conv2d(pixels, sd["vision_model.embeddings.patch_embedding.weight"], stride=v["patch_size"]).flatten(2).transpose(1, 2)
    cls = sd["vision_model.embeddings.class_embedding"].expand(pixels.shape[0], 1, -1)
    x = torch.cat([cls, patches], dim=1) + sd["vision_model.embeddings.position_embedding.weight"][None]
    x = F.layer_norm(x, (h,), sd["vision_model.pre_layrnorm.weight"], sd["vision_model.pre_layrnorm.bias"], eps)
    x = encoder(sd, "vision_model", v, x, None)
    pooled = F.layer_norm(x[:, 0], (h,), sd["vision_model.post_layernorm.weight"], sd["vision_model.post_layernorm.bias"], eps)
    return pooled @ sd["visual_projection.weight"].T


def forward(sd, cfg, pixels, ids, attention_mask):
    """CLIPModel.forward: normalised embeddings, logits_per_text = exp(logit_scale) * text @ image^T."""
    image = image_features(sd, cfg["vision_config"], pixels)
    text = text_features(sd, cfg["text_config"], ids, attention_mask)
    image = image / image.norm(p=2, dim=-1, keepdim=True)
    text = text / text.norm(p=2, dim=-1, keepdim=True)
    per_text = text @ image.T * sd["logit_scale"].exp()
    return {"logits_per_image": per_text.T.contiguous(), "logits_per_text": per_text, "image_embeds": image, "text_embeds": text}


def inputs(cfg, seed):
    """Three images, four padded texts; every text's end-of-text token is where the variant's rule finds it, not elsewhere."""
    g = torch.Generator().manual_seed(seed)
    t = cfg["text_config"]
    pixels = torch.randn(3, 3, cfg["vision_config"]["image_size"], cfg["vision_config"]["image_size"], generator=g)
    ids = torch.randint(3, 90, (4, 12), generator=g)
    lengths = [12, 9, 6, 4]
    for row, n in enumerate(lengths):
        ids[row, 0] = t["bos_token_id"]
        if t["eos_token_id"] == 2:
            ids[row, n - 1] = 99  # CLIP's end-of-text id is its vocabulary's last
        else:
            ids[row, ids[row] == t["eos_token_id"]] = 7
            ids[row, n - 1] = t["eos_token_id"]
            ids[row, 1] = 95  # a larger id before it: the legacy rule would pool here
        ids[row, n:] = t["pad_token_id"]
    mask = torch.zeros_like(ids)
    for row, n in enumerate(lengths):
        mask[row, :n] = 1
    return {"pixel_values": pixels, "input_ids": ids, "attention_mask": mask}


def make(out):
    for seed, (variant, towers) in enumerate(VARIANTS.items()):
        folder = f"{out}/{variant}"
        os.makedirs(folder, exist_ok=True)
        cfg = config(towers["text"], towers["vision"])
        sd = state_dict(cfg, 400 + seed)
        save_safetensors(f"{folder}/model.safetensors", sd, {"format": "pt"})
        with open(f"{folder}/config.json", "w") as f:
            json.dump(cfg, f, indent=2)
        x = inputs(cfg, 500 + seed)
        save_safetensors(f"{out}/{variant}_input.safetensors", x)
        with torch.no_grad():
            refs = forward(sd, cfg, x["pixel_values"], x["input_ids"], x["attention_mask"])
        save_safetensors(f"{out}/{variant}_ref.safetensors", refs)
        print(f"{variant}: reference logits_per_image {tuple(refs['logits_per_image'].shape)}, "
              f"max |ref| {refs['logits_per_image'].abs().max().item():.3g}")


# VisionTextDualEncoderModel: a tiny ViTModel and a tiny BertModel, as transformers writes their sub-configs.
DUAL_VISION = dict(architectures=["ViTModel"], model_type="vit", hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                   intermediate_size=64, hidden_act="gelu", layer_norm_eps=1e-12, image_size=32, patch_size=8, num_channels=3,
                   qkv_bias=True, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, initializer_range=0.02, encoder_stride=8)
DUAL_TEXT = dict(text_reference.FAMILIES["bert"], hidden_size=48, num_attention_heads=4, intermediate_size=96)


def dual_config():
    return dict(architectures=["VisionTextDualEncoderModel"], model_type="vision-text-dual-encoder", projection_dim=24,
                logit_scale_init_value=2.6592, vision_config=DUAL_VISION, text_config=DUAL_TEXT, transformers_version="4.40.0")


def vit_state_dict(cfg, sd):
    """ViTModel's keys (with its pooler) under vision_model., in its order."""
    h, i, p = cfg["hidden_size"], cfg["intermediate_size"], cfg["patch_size"]
    n = (cfg["image_size"] // p) ** 2 + 1
    sd["vision_model.embeddings.cls_token"] = sd.randn(1, 1, h)
    sd["vision_model.embeddings.position_embeddings"] = sd.randn(1, n, h) * 0.1
    sd["vision_model.embeddings.patch_embeddings.projection.weight"] = sd.randn(h, cfg["num_channels"], p, p) / p
    sd["vision_model.embeddings.patch_embeddings.projection.bias"] = sd.randn(h) * 0.1
    for k in range(cfg["num_hidden_layers"]):
        q = f"vision_model.encoder.layer.{k}"
        for part in ("query", "key", "value"):
            sd.lin(f"{q}.attention.attention.{part}", h, h)
        sd.lin(f"{q}.attention.output.dense", h, h)
        sd.lin(f"{q}.intermediate.dense", i, h)
        sd.lin(f"{q}.output.dense", h, i)
        norm(sd, f"{q}.layernorm_before", h)
        norm(sd, f"{q}.layernorm_after", h)
    norm(sd, "vision_model.layernorm", h)
    sd.lin("vision_model.pooler.dense", h, h)


def dual_state_dict(cfg, seed):
    v, t, p = cfg["vision_config"], cfg["text_config"], cfg["projection_dim"]
    sd = Weights(seed, 0)
    sd["logit_scale"] = torch.tensor(math.log(1 / 0.07)) + sd.randn(()) * 0.1
    vit_state_dict(v, sd)
    for k, x in text_reference.state_dict(t, seed + 1).items():
        sd[f"text_model.{k}"] = x
    sd["visual_projection.weight"] = sd.randn(p, v["hidden_size"]) / math.sqrt(v["hidden_size"])
    sd["text_projection.weight"] = sd.randn(p, t["hidden_size"]) / math.sqrt(t["hidden_size"])
    return dict(sd)


def vit_pooled(sd, v, pixels):
    """ViTModel.forward's pooler_output: patches + class token + positions, pre-norm layers, layernorm, tanh(pooler.dense(cls))."""
    pre = "vision_model"
    x = F.conv2d(pixels, sd[f"{pre}.embeddings.patch_embeddings.projection.weight"], sd[f"{pre}.embeddings.patch_embeddings.projection.bias"],
                 stride=v["patch_size"]).flatten(2).transpose(1, 2)
    x = torch.cat([sd[f"{pre}.embeddings.cls_token"].expand(x.shape[0], -1, -1), x], dim=1) + sd[f"{pre}.embeddings.position_embeddings"]
    x = encoder(sd, pre, v, x, None, VIT_NAMES)
    x = F.layer_norm(x, (v["hidden_size"],), sd[f"{pre}.layernorm.weight"], sd[f"{pre}.layernorm.bias"], v["layer_norm_eps"])
    return torch.tanh(F.linear(x[:, 0], sd[f"{pre}.pooler.dense.weight"], sd[f"{pre}.pooler.dense.bias"]))


def dual_forward(sd, cfg, pixels, ids, attention_mask):
    """VisionTextDualEncoderModel.forward: the towers' pooler outputs projected, normalised, scaled by exp(logit_scale)."""
    image = vit_pooled(sd, cfg["vision_config"], pixels) @ sd["visual_projection.weight"].T
    text_sd = {k[len("text_model."):]: x for k, x in sd.items() if k.startswith("text_model.")}
    _, pooled = text_reference.forward(text_sd, cfg["text_config"], ids, attention_mask, torch.zeros_like(ids))
    text = pooled @ sd["text_projection.weight"].T
    image = image / image.norm(p=2, dim=-1, keepdim=True)
    text = text / text.norm(p=2, dim=-1, keepdim=True)
    per_text = text @ image.T * sd["logit_scale"].exp()
    return {"logits_per_image": per_text.T.contiguous(), "logits_per_text": per_text, "image_embeds": image, "text_embeds": text}


def make_dual(out):
    folder = f"{out}/dual"
    os.makedirs(folder, exist_ok=True)
    cfg = dual_config()
    sd = dual_state_dict(cfg, 600)
    save_safetensors(f"{folder}/model.safetensors", sd, {"format": "pt"})
    with open(f"{folder}/config.json", "w") as f:
        json.dump(cfg, f, indent=2)
    g = torch.Generator().manual_seed(700)
    pixels = torch.randn(3, 3, 32, 32, generator=g)
    ids = torch.randint(3, 100, (4, 12), generator=g)
    ids[1, 9:] = 0
    ids[2, 5:] = 0
    mask = ids.ne(0).long()
    save_safetensors(f"{out}/dual_input.safetensors", {"pixel_values": pixels, "input_ids": ids, "attention_mask": mask})
    with torch.no_grad():
        refs = dual_forward(sd, cfg, pixels, ids, mask)
    save_safetensors(f"{out}/dual_ref.safetensors", refs)
    print(f"dual: ViT + BERT reference logits_per_image {tuple(refs['logits_per_image'].shape)}, "
          f"max |ref| {refs['logits_per_image'].abs().max().item():.3g}")


def run(folder, input_path, output_path):
    """Loads a CLIP (or dual-encoder) folder as from_pretrained would, strictly: its config.json, then exactly the model's keys."""
    with open(f"{folder}/config.json") as f:
        cfg = json.load(f)
    if cfg["model_type"] == "vision-text-dual-encoder":
        assert cfg["architectures"] == ["VisionTextDualEncoderModel"], cfg["architectures"]
        assert cfg["vision_config"]["model_type"] == "vit" and cfg["text_config"]["model_type"] == "bert", cfg
        for k in ("hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "image_size", "patch_size"):
            assert cfg["vision_config"][k] == DUAL_VISION[k], (k, cfg["vision_config"][k])
        for k in ("hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "vocab_size", "max_position_embeddings"):
            assert cfg["text_config"][k] == DUAL_TEXT[k], (k, cfg["text_config"][k])
        expected, model_forward, name = dual_state_dict(cfg, 0), dual_forward, "VisionTextDualEncoderModel"
    else:
        assert cfg["model_type"] == "clip" and cfg["architectures"] == ["CLIPModel"], (cfg.get("model_type"), cfg.get("architectures"))
        for tower, kind in (("text_config", "clip_text_model"), ("vision_config", "clip_vision_model")):
            assert cfg[tower]["model_type"] == kind, cfg[tower]
        with open(f"{folder}/preprocessor_config.json") as f:
            pre = json.load(f)
        assert pre["image_processor_type"] == "CLIPImageProcessor" and pre["crop_size"]["height"] == cfg["vision_config"]["image_size"], pre
        expected, model_forward, name = state_dict(cfg, 0), forward, "CLIPModel"
    sd = load_safetensors(f"{folder}/model.safetensors")
    want = {k for k in expected if not k.endswith("position_ids")}
    got = {k for k in sd if not k.endswith("position_ids")}
    if want != got:
        sys.exit(f"FAIL {folder}: missing {sorted(want - got)}, unexpected {sorted(got - want)}")
    for k in want:
        assert sd[k].shape == expected[k].shape, (k, tuple(sd[k].shape), tuple(expected[k].shape))
    x = load_safetensors(input_path)
    with torch.no_grad():
        refs = model_forward(sd, cfg, x["pixel_values"], x["input_ids"], x["attention_mask"])
    save_safetensors(output_path, refs)
    print(f"{folder}: loaded strictly ({len(got)} tensors, {name}'s keys), outputs written")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "make":
        make(sys.argv[2])
    elif len(sys.argv) == 5 and sys.argv[1] == "run":
        run(*sys.argv[2:])
    elif len(sys.argv) == 3 and sys.argv[1] == "make-dual":
        make_dual(sys.argv[2])
    else:
        sys.exit("usage: clip_reference.py make OUT | make-dual OUT | run DIR INPUT OUTPUT")
