"""Reference outputs for conformance/zoo.sh: torchvision models with seeded random weights.

`python3 zoo_reference.py make OUT` writes, for resnet18, resnet50 and vit_b_16, the state dict as
safetensors (torchvision's ViT keys renamed to timm's vit_base_patch16_224 names), a fixed input and
the reference logits. `python3 zoo_reference.py check REF.safetensors GOT.safetensors` compares
every tensor the reference holds (named as Hugging Face names them: 'logits', 'last_hidden_state', ...)
with max |diff| <= 1e-4 * max(1, |ref|) and exits non-zero on failure.
`python3 zoo_reference.py reload DIR INPUT OUT` loads a folder Graft exported (`graft models create`;
model.safetensors, or an index and its shards as transformers reads them) into torchvision's resnet18 with strict=True (every key, num_batches_tracked included, and no other)
and writes its logits on INPUT to OUT.
`python3 zoo_reference.py timm DIR` writes a folder as timm's push_to_hf_hub lays it out: a seeded
torchvision resnet18 as model.safetensors and config.json with the flat fields, label_names and a
nested pretrained_cfg (3x32x32 input, values other than Graft's defaults), plus input_32.safetensors.
`python3 zoo_reference.py timm-fields SRC DIR` checks that DIR/config.json, which Graft exported from
SRC, is timm's layout and kept SRC's pretrained cfg (labels and class count may differ).
`python3 zoo_reference.py shards OUT` (after `make`) writes its resnet18 as transformers'
`save_pretrained(max_shard_size=...)` shards a checkpoint, with DataParallel's `module.` prefix on every key:
OUT/resnet18-sharded/model.safetensors.index.json and model-0000i-of-0000n.safetensors; the same weights,
so resnet18_ref.safetensors is its reference.
The safetensors files are written by hand (struct + json) so only torch is needed.
"""
import json
import struct
import sys

import torch
import torchvision

torch.set_num_threads(2)

# safetensors dtype codes; BF16 has no numpy type, so its bytes travel as int16 and are viewed back.
DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64", torch.int64: "I64"}
CODES = {code: dtype for dtype, code in DTYPES.items()}


def save_safetensors(path, tensors, metadata=None):
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    offset = 0
    blobs = []
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        code = DTYPES[t.dtype]
        data = (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy().tobytes()
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        dtype = CODES[e["dtype"]]
        b, end = e["data_offsets"]
        raw = torch.frombuffer(bytearray(data[b:end]), dtype=torch.int16 if dtype == torch.bfloat16 else dtype)
        out[name] = (raw.view(torch.bfloat16) if dtype == torch.bfloat16 else raw).reshape(e["shape"])
    return out


def randomise(model, seed):
    """Seeded weights everywhere, including non-trivial BatchNorm statistics and a non-zero ViT head."""
    g = torch.Generator().manual_seed(seed)
    norms = {f"{m}.{p}" for m, mod in model.named_modules() if isinstance(mod, (torch.nn.BatchNorm2d, torch.nn.LayerNorm))
             for p in ("weight", "bias")}
    with torch.no_grad():
        for name, p in model.state_dict().items():
            if name.endswith("num_batches_tracked"):
                continue
            if name.endswith("running_var"):
                p.copy_(torch.rand(p.shape, generator=g) * 0.5 + 0.75)
            elif name.endswith("running_mean"):
                p.copy_(torch.randn(p.shape, generator=g) * 0.1)
            elif name.endswith("layer_scale"):  # ConvNeXt: keep the residual branches at the scale trained ones have
                p.copy_(torch.rand(p.shape, generator=g) * 0.2 + 0.1)
            elif name in norms:
                base = 1.0 if name.endswith("weight") else 0.0
                p.copy_(base + torch.randn(p.shape, generator=g) * 0.1)
            else:
                fan_in = max(1, p[0].numel()) if p.dim() > 1 else max(1, p.numel())
                p.copy_(torch.randn(p.shape, generator=g) / fan_in ** 0.5)
    return model.eval()


def vit_to_timm(sd):
    """torchvision vit_b_16 keys -> timm vit_base_patch16_224 keys (qkv stays fused as in_proj)."""
    out = {}
    for k, v in sd.items():
        n = k
        n = n.replace("conv_proj.", "patch_embed.proj.")
        n = n.replace("class_token", "cls_token")
        n = n.replace("encoder.pos_embedding", "pos_embed")
        n = n.replace("encoder.layers.encoder_layer_", "blocks.")
        n = n.replace(".ln_1.", ".norm1.").replace(".ln_2.", ".norm2.")
        n = n.replace(".self_attention.in_proj_weight", ".attn.qkv.weight")
        n = n.replace(".self_attention.in_proj_bias", ".attn.qkv.bias")
        n = n.replace(".self_attention.out_proj.", ".attn.proj.")
        n = n.replace(".mlp.0.", ".mlp.fc1.").replace(".mlp.3.", ".mlp.fc2.")
        n = n.replace(".mlp.linear_1.", ".mlp.fc1.").replace(".mlp.linear_2.", ".mlp.fc2.")
        n = n.replace("encoder.ln.", "norm.")
        n = n.replace("heads.head.", "head.")
        out[n] = v
    return out


def convnext_to_timm(sd):
    """torchvision convnext_tiny keys -> timm convnext_tiny keys: features.0 is the stem, features.1/3/5/7 the
    stages' blocks, features.2/4/6 their downsampling; layer_scale (C,1,1) becomes gamma (C,)."""
    block = {"block.0.": "conv_dw.", "block.2.": "norm.", "block.3.": "mlp.fc1.", "block.5.": "mlp.fc2."}
    out = {}
    for k, v in sd.items():
        parts = k.split(".")
        if parts[0] == "classifier":
            n = {"0": "head.norm.", "2": "head.fc."}[parts[1]] + parts[2]
        elif parts[1] == "0":
            n = f"stem.{parts[2]}.{parts[3]}"
        elif int(parts[1]) % 2 == 0:
            n = f"stages.{int(parts[1]) // 2}.downsample.{parts[2]}.{parts[3]}"
        else:
            rest = ".".join(parts[3:])
            if rest == "layer_scale":
                rest, v = "gamma", v.reshape(-1)
            else:
                for old, new in block.items():
                    if rest.startswith(old):
                        rest = new + rest[len(old):]
            n = f"stages.{int(parts[1]) // 2}.blocks.{parts[2]}.{rest}"
        out[n] = v
    return out


def mbconv_to_timm(model):
    """torchvision efficientnet_b0 / mobilenet_v3_large keys -> timm efficientnet_b0 / mobilenetv3_large_100 keys,
    read off the modules: in each block the depthwise conv is the one with groups > 1, a 1x1 conv before it is the
    expansion (timm's conv_pw, bn1), one after it the projection (conv_pwl, bn3; conv_pw, bn2 in a block without
    expansion), SqueezeExcitation's fc1/fc2 are se.conv_reduce/conv_expand. MobileNetV3's classifier.0 (a Linear on
    the pooled features) is timm's 1x1 conv_head."""
    from torchvision.ops.misc import Conv2dNormActivation, SqueezeExcitation
    features = list(model.features)
    if isinstance(features[1], torch.nn.Sequential):  # EfficientNet: features.S.B, head conv in features[-1]
        blocks = [(f"features.{s}.{b}.", blk, f"blocks.{s - 1}.{b}.") for s in range(1, len(features) - 1)
                  for b, blk in enumerate(features[s])]
        head = {f"features.{len(features) - 1}.0.": "conv_head.", f"features.{len(features) - 1}.1.": "bn2.",
                "classifier.1.": "classifier."}
        sizes = None
    else:  # MobileNetV3: one flat list; timm's stages hold these many blocks
        sizes = [1, 2, 3, 4, 2, 3, 1] if len(features) == 17 else [1, 2, 3, 2, 3, 1]
        where = [(s, b) for s, n in enumerate(sizes) for b in range(n)]
        blocks = [(f"features.{i}.", features[i], f"blocks.{where[i - 1][0]}.{where[i - 1][1]}.") for i in range(1, len(features))]
        head = {"classifier.0.": "conv_head.", "classifier.3.": "classifier."}
    ren = {"features.0.0.": "conv_stem.", "features.0.1.": "bn1.", **head}
    for tv, blk, tm in blocks:
        if isinstance(blk, Conv2dNormActivation):
            ren[tv + "0."], ren[tv + "1."] = tm + "conv.", tm + "bn1."
            continue
        kids = list(blk.block)
        dw = next(i for i, c in enumerate(kids) if isinstance(c, Conv2dNormActivation) and c[0].groups > 1)
        expand = dw > 0
        for i, c in enumerate(kids):
            p = f"{tv}block.{i}."
            if isinstance(c, SqueezeExcitation):
                ren[p + "fc1."], ren[p + "fc2."] = tm + "se.conv_reduce.", tm + "se.conv_expand."
                continue
            conv, bn = (("conv_dw", "bn2") if expand else ("conv_dw", "bn1")) if i == dw else \
                ("conv_pw", "bn1") if i < dw else (("conv_pwl", "bn3") if expand else ("conv_pw", "bn2"))
            ren[p + "0."], ren[p + "1."] = f"{tm}{conv}.", f"{tm}{bn}."
    out = {}
    for k, v in model.state_dict().items():
        prefix = max((p for p in ren if k.startswith(p)), key=len)
        n = ren[prefix] + k[len(prefix):]
        if n.startswith("conv_head.") and v.dim() == 2:
            v = v.reshape(*v.shape, 1, 1)
        out[n] = v
    return out


def timm_batchnorm(model):
    """torchvision builds MobileNetV3 with BatchNorm eps 1e-3, timm with PyTorch's 1e-5."""
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.eps = 1e-5
    return model


# google/vit-base-patch16-224's config.json and preprocessor_config.json as the Hub serves them, with 1000
# numbered class names instead of ImageNet's.
HF_VIT_CONFIG = {
    "architectures": ["ViTForImageClassification"], "attention_probs_dropout_prob": 0.0, "hidden_act": "gelu",
    "hidden_dropout_prob": 0.0, "hidden_size": 768, "image_size": 224, "initializer_range": 0.02,
    "intermediate_size": 3072, "layer_norm_eps": 1e-12, "model_type": "vit", "num_attention_heads": 12,
    "num_channels": 3, "num_hidden_layers": 12, "patch_size": 16, "qkv_bias": True,
    "transformers_version": "4.13.0.dev0",
}
HF_VIT_PREPROCESSOR = {"do_normalize": True, "do_resize": True, "feature_extractor_type": "ViTFeatureExtractor",
                       "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5], "resample": 2, "size": 224}


# torchvision vit_b_16 name parts and transformers' ViTForImageClassification ones, applied in this order one way and
# in reverse order the other way (the fused in_proj is split into query/key/value separately).
VIT_TRANSFORMERS_NAMES = [
    ("class_token", "vit.embeddings.cls_token"),
    ("encoder.pos_embedding", "vit.embeddings.position_embeddings"),
    ("conv_proj.", "vit.embeddings.patch_embeddings.projection."),
    ("encoder.layers.encoder_layer_", "vit.encoder.layer."),
    (".ln_1.", ".layernorm_before."),
    (".ln_2.", ".layernorm_after."),
    (".mlp.0.", ".intermediate.dense."),
    (".mlp.3.", ".output.dense."),
    (".self_attention.out_proj.", ".attention.output.dense."),  # after .output.dense., so the way back takes it first
    ("encoder.ln.", "vit.layernorm."),
    ("heads.head.", "classifier."),
]


def rename(key, pairs):
    for old, new in pairs:
        key = key.replace(old, new)
    return key


def vit_to_transformers(sd):
    """torchvision vit_b_16 keys -> transformers ViTForImageClassification keys (in_proj split into query, key, value)."""
    out = {}
    for k, v in sd.items():
        k = k.replace(".mlp.linear_1.", ".mlp.0.").replace(".mlp.linear_2.", ".mlp.3.")  # torchvision's older names
        if ".self_attention.in_proj_" in k:
            base = rename(k.split(".self_attention.")[0], VIT_TRANSFORMERS_NAMES)
            kind = k.rsplit("_", 1)[1]  # weight or bias
            for name, part in zip(("query", "key", "value"), v.chunk(3, dim=0)):
                out[f"{base}.attention.attention.{name}.{kind}"] = part.clone()
        else:
            out[rename(k, VIT_TRANSFORMERS_NAMES)] = v
    return out


def transformers_to_vit(sd):
    """The way back: transformers ViT keys -> torchvision vit_b_16 keys (query, key, value fused into in_proj)."""
    back = [(new, old) for old, new in reversed(VIT_TRANSFORMERS_NAMES)]
    out = {}
    for k, v in sd.items():
        if ".attention.attention.query." in k:
            base, kind = k.split(".attention.attention.query.")
            fused = torch.cat([sd[f"{base}.attention.attention.{n}.{kind}"] for n in ("query", "key", "value")], dim=0)
            out[rename(base, back) + f".self_attention.in_proj_{kind}"] = fused
        elif ".attention.attention." not in k:
            out[rename(k, back)] = v
    return out


def transformers_eps(model):
    """transformers' ViT LayerNorms use layer_norm_eps (1e-12 here), torchvision's 1e-6."""
    for m in model.modules():
        if isinstance(m, torch.nn.LayerNorm):
            m.eps = HF_VIT_CONFIG["layer_norm_eps"]
    return model


def transformers_vit_folder(folder, input_path, ref_path):
    """A folder as google/vit-base-patch16-224 lays it out (config.json, preprocessor_config.json, model.safetensors),
    holding seeded torchvision vit_b_16 weights, and PyTorch's logits for the input."""
    import os
    os.makedirs(folder, exist_ok=True)
    model = transformers_eps(randomise(torchvision.models.vit_b_16(), 110))
    save_safetensors(f"{folder}/model.safetensors", vit_to_transformers(model.state_dict()), {"format": "pt"})
    cfg = dict(HF_VIT_CONFIG, id2label={str(i): f"class_{i}" for i in range(1000)}, label2id={f"class_{i}": i for i in range(1000)})
    with open(f"{folder}/config.json", "w") as f:
        json.dump(cfg, f, indent=2)
    with open(f"{folder}/preprocessor_config.json", "w") as f:
        json.dump(HF_VIT_PREPROCESSOR, f, indent=2)
    with torch.no_grad():
        y = model(load_safetensors(input_path)["input"])
    save_safetensors(ref_path, {"logits": y})
    print(f"{folder}: transformers-layout ViT-B/16, reference logits {tuple(y.shape)}, max |ref| {y.abs().max().item():.3g}")


def transformers_vit_reload(folder, input_path, out_path):
    """An export Graft wrote: transformers' config.json fields, and weights that load strictly into vit_b_16 once the
    keys are mapped back."""
    with open(f"{folder}/config.json") as f:
        cfg = json.load(f)
    with open(f"{folder}/preprocessor_config.json") as f:
        pre = json.load(f)
    problems = [f"{k}={cfg.get(k)!r}, expected {v!r}" for k, v in HF_VIT_CONFIG.items()
                if k != "transformers_version" and cfg.get(k) != v]
    n = len(cfg.get("id2label", {}))
    if sorted(cfg.get("label2id", {}).values()) != list(range(n)):
        problems.append("label2id does not number id2label's names 0..n-1")
    if pre.get("image_mean") != [0.5, 0.5, 0.5] or pre.get("resample") != 2:
        problems.append(f"preprocessor_config.json lost the image preparation: {pre}")
    if problems:
        print(f"FAIL {folder}/config.json: " + "; ".join(problems))
        sys.exit(1)
    model = transformers_eps(torchvision.models.vit_b_16(num_classes=n))
    model.load_state_dict(transformers_to_vit(load_safetensors(f"{folder}/model.safetensors")), strict=True)
    with torch.no_grad():
        y = model.eval()(load_safetensors(input_path)["input"])
    save_safetensors(out_path, {"logits": y})
    print(f"{folder}: transformers' config ({n} labels) and weights that load strictly into torchvision vit_b_16")


def make(out):
    torch.manual_seed(0)
    x = torch.randn(2, 3, 224, 224, generator=torch.Generator().manual_seed(1))
    save_safetensors(f"{out}/input_224.safetensors", {"input": x})
    models = {
        "resnet18": (torchvision.models.resnet18(), None),
        "resnet50": (torchvision.models.resnet50(), None),
        "vit_base_patch16_224": (torchvision.models.vit_b_16(), lambda m: vit_to_timm(m.state_dict())),
        "convnext_tiny": (torchvision.models.convnext_tiny(), lambda m: convnext_to_timm(m.state_dict())),
        "efficientnet_b0": (torchvision.models.efficientnet_b0(), mbconv_to_timm),
        "mobilenetv3_large_100": (timm_batchnorm(torchvision.models.mobilenet_v3_large()), mbconv_to_timm),
    }
    for i, (name, (model, rename)) in enumerate(models.items()):
        randomise(model, 100 + i)
        sd = rename(model) if rename else model.state_dict()
        save_safetensors(f"{out}/{name}.safetensors", sd, {"format": "pt"})
        with torch.no_grad():
            y = model(x)
        save_safetensors(f"{out}/{name}_ref.safetensors", {"logits": y})
        print(f"{name}: reference logits {tuple(y.shape)}, max |ref| {y.abs().max().item():.3g}")


def halves(out):
    """After `make`: its resnet18 saved as F16 and as BF16 (as `model.half()` / `.bfloat16()` checkpoints ship); the
    reference runs the same rounded weights in float32, so only the loading is under test."""
    full = load_safetensors(f"{out}/resnet18.safetensors")  # the float32 weights `make` wrote
    x = load_safetensors(f"{out}/input_224.safetensors")["input"]
    for dtype, code in ((torch.float16, "f16"), (torch.bfloat16, "bf16")):
        sd = {k: v.to(dtype) if v.is_floating_point() else v for k, v in full.items()}
        save_safetensors(f"{out}/resnet18_{code}.safetensors", sd, {"format": "pt"})
        rounded = torchvision.models.resnet18()
        rounded.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in sd.items()}, strict=True)
        with torch.no_grad():
            y = rounded.eval()(x)
        save_safetensors(f"{out}/resnet18_{code}_ref.safetensors", {"logits": y})
        print(f"resnet18 as {code.upper()}: reference logits {tuple(y.shape)}, max |ref| {y.abs().max().item():.3g}")


def shards(out, max_shard_bytes=16 * 1024 * 1024):
    """transformers' sharding: tensors in state-dict order, a new shard when the next one would overflow."""
    import os
    full = load_safetensors(f"{out}/resnet18.safetensors")
    groups, current, size = [], {}, 0
    for name, t in full.items():
        n = t.numel() * t.element_size()
        if current and size + n > max_shard_bytes:
            groups.append(current)
            current, size = {}, 0
        current["module." + name] = t
        size += n
    groups.append(current)
    folder = f"{out}/resnet18-sharded"
    os.makedirs(folder, exist_ok=True)
    weight_map, total = {}, 0
    for i, g in enumerate(groups):
        shard = f"model-{i + 1:05d}-of-{len(groups):05d}.safetensors"
        save_safetensors(f"{folder}/{shard}", g, {"format": "pt"})
        for name, t in g.items():
            weight_map[name] = shard
            total += t.numel() * t.element_size()
    with open(f"{folder}/model.safetensors.index.json", "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2, sort_keys=True)
    print(f"resnet18 in {len(groups)} shards with prefix 'module.' ({total} bytes)")


def check(ref_path, got_path):
    refs = load_safetensors(ref_path)
    got_all = load_safetensors(got_path)
    status = 0
    for name, ref in refs.items():
        if name not in got_all:
            print(f"FAIL {got_path}: no tensor '{name}' (it has {sorted(got_all)})")
            status = 1
            continue
        got = got_all[name]
        if ref.shape != got.shape:
            print(f"FAIL {got_path} '{name}': shape {tuple(got.shape)} != reference {tuple(ref.shape)}")
            status = 1
            continue
        diff = (ref - got).abs()
        tol = 1e-4 * torch.clamp(ref.abs(), min=1.0)
        worst = (diff / tol).max().item()
        ok = bool((diff <= tol).all())
        print(f"{'ok  ' if ok else 'FAIL'} {got_path} '{name}': max|diff| {diff.max().item():.3g}, max|ref| {ref.abs().max().item():.3g}, "
              f"max rel. diff {(diff / torch.clamp(ref.abs(), min=1.0)).max().item():.3g}, worst diff/tolerance {worst:.3f}")
        status |= 0 if ok else 1
    return status


def load_folder_weights(folder):
    """model.safetensors, or as transformers' load_sharded_checkpoint reads it: the index, then every shard it names."""
    import os
    if os.path.exists(f"{folder}/model.safetensors"):
        return load_safetensors(f"{folder}/model.safetensors")
    with open(f"{folder}/model.safetensors.index.json") as f:
        index = json.load(f)
    sd, total = {}, 0
    for shard in sorted(set(index["weight_map"].values())):
        for name, t in load_safetensors(f"{folder}/{shard}").items():
            assert index["weight_map"][name] == shard, f"{name} in {shard}, index says {index['weight_map'][name]}"
            sd[name] = t
            total += t.numel() * t.element_size()
    assert sorted(sd) == sorted(index["weight_map"]), "the shards hold other tensors than the index lists"
    assert index["metadata"]["total_size"] == total, (index["metadata"]["total_size"], total)
    print(f"{folder}: {len(set(index['weight_map'].values()))} shards, {len(sd)} tensors, total_size {total}")
    return sd


def reload(folder, input_path, out_path):
    with open(f"{folder}/config.json") as f:
        cfg = json.load(f)
    assert cfg["architecture"] == "resnet18", cfg["architecture"]
    model = torchvision.models.resnet18(num_classes=cfg["num_classes"])
    model.load_state_dict(load_folder_weights(folder), strict=True)
    with torch.no_grad():
        y = model.eval()(load_safetensors(input_path)["input"])
    save_safetensors(out_path, {"logits": y})
    print(f"{folder}: loads strictly into torchvision resnet18 ({cfg['num_classes']} classes)")


# The timm architectures whose torchvision twin conformance builds, with the key mapping to timm's.
TIMM_TWINS = {
    "convnext_tiny": (torchvision.models.convnext_tiny, lambda m: convnext_to_timm(m.state_dict())),
    "efficientnet_b0": (torchvision.models.efficientnet_b0, mbconv_to_timm),
    "mobilenetv3_large_100": (lambda **kw: timm_batchnorm(torchvision.models.mobilenet_v3_large(**kw)), mbconv_to_timm),
}


def reload_timm(folder, input_path, out_path):
    """An export of a timm-keyed family: its config.json names the architecture and class count, and its weights,
    renamed back to torchvision's keys (the mapping of `make`, inverted), load strictly into the torchvision twin."""
    with open(f"{folder}/config.json") as f:
        cfg = json.load(f)
    make_model, to_timm = TIMM_TWINS[cfg["architecture"]]
    model = make_model(num_classes=cfg["num_classes"])
    tv = model.state_dict()
    back = dict(zip(to_timm(model).keys(), tv.keys()))  # the mapping keeps the state dict's order
    sd = {}
    for k, v in load_folder_weights(folder).items():
        name = back.get(k)
        if name is None:
            print(f"FAIL {folder}: key {k} is not one of timm's {cfg['architecture']} keys")
            sys.exit(1)
        sd[name] = v.reshape(tv[name].shape)  # gamma (C) -> layer_scale (C,1,1); 1x1 conv_head -> Linear
    model.load_state_dict(sd, strict=True)
    with torch.no_grad():
        y = model.eval()(load_safetensors(input_path)["input"])
    save_safetensors(out_path, {"logits": y})
    print(f"{folder}: loads strictly into torchvision's {cfg['architecture']} twin ({cfg['num_classes']} classes)")


# What timm's save_for_hf writes for a resnet18 (timm/resnet18.a1_in1k's config.json), with another
# input size, interpolation, crop and normalisation than Graft's resnet18 defaults.
TIMM_PRETRAINED_CFG = {
    "tag": "tiny_in1k",
    "custom_load": False,
    "input_size": [3, 32, 32],
    "test_input_size": [3, 36, 36],
    "fixed_input_size": False,
    "interpolation": "bicubic",
    "crop_pct": 0.95,
    "test_crop_pct": 1.0,
    "crop_mode": "center",
    "mean": [0.5, 0.4, 0.3],
    "std": [0.2, 0.25, 0.3],
    "num_classes": 10,
    "pool_size": [1, 1],
    "first_conv": "conv1",
    "classifier": "fc",
    "license": "apache-2.0",
    "paper_ids": "arXiv:2110.00476",
}
# The fields a fine-tune must carry over unchanged (it changes the classes, not what the input must be).
KEPT = ["input_size", "interpolation", "crop_pct", "crop_mode", "mean", "std", "first_conv", "classifier", "license",
        "test_input_size", "pool_size", "paper_ids"]


def timm_folder(folder):
    import os
    os.makedirs(folder, exist_ok=True)
    model = randomise(torchvision.models.resnet18(num_classes=10), 300)
    save_safetensors(f"{folder}/model.safetensors", model.state_dict(), {"format": "pt"})
    cfg = {
        "architecture": "resnet18",
        "num_classes": 10,
        "num_features": 512,
        "global_pool": "avg",
        "label_names": [f"n{i:02d}" for i in range(10)],
        "pretrained_cfg": TIMM_PRETRAINED_CFG,
    }
    with open(f"{folder}/config.json", "w") as f:
        json.dump(cfg, f, indent=2)
    x = torch.randn(2, 3, 32, 32, generator=torch.Generator().manual_seed(2))
    save_safetensors(f"{os.path.dirname(folder)}/input_32.safetensors", {"input": x})
    print(f"{folder}: timm's layout, torchvision resnet18 weights (seed 300), 3x32x32 input")


def timm_fields(src, folder):
    with open(f"{src}/config.json") as f:
        want = json.load(f)
    with open(f"{folder}/config.json") as f:
        got = json.load(f)
    problems = []
    for key in ("architecture", "num_features", "global_pool"):
        if got.get(key) != want[key]:
            problems.append(f"{key}: {got.get(key)!r}, want {want[key]!r}")
    pc = got.get("pretrained_cfg")
    if not isinstance(pc, dict):
        problems.append("no nested pretrained_cfg")
        pc = {}
    for key in KEPT:
        if pc.get(key) != want["pretrained_cfg"][key]:
            problems.append(f"pretrained_cfg.{key}: {pc.get(key)!r}, want {want['pretrained_cfg'][key]!r}")
    labels = got.get("label_names")
    if not isinstance(got.get("num_classes"), int) or pc.get("num_classes") != got.get("num_classes"):
        problems.append(f"num_classes {got.get('num_classes')!r} at the top, {pc.get('num_classes')!r} in pretrained_cfg")
    elif not isinstance(labels, list) or len(labels) != got["num_classes"]:
        problems.append(f"label_names {labels!r} for {got['num_classes']} classes")
    for key in ("mean", "std", "input_size", "interpolation", "crop_pct", "source", "provenance"):
        if key in got:
            problems.append(f"{key} at the top level, where timm does not look")
    if problems:
        print(f"FAIL {folder}/config.json: " + "; ".join(problems))
        return 1
    print(f"ok   {folder}/config.json: timm's layout, pretrained_cfg kept ({', '.join(KEPT)}), "
          f"{got['num_classes']} classes {labels[:3]}...")
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif sys.argv[1] == "shards":
        shards(sys.argv[2])
    elif sys.argv[1] == "halves":
        halves(sys.argv[2])
    elif sys.argv[1] == "reload-timm":
        reload_timm(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "reload":
        reload(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "timm":
        timm_folder(sys.argv[2])
    elif sys.argv[1] == "timm-fields":
        sys.exit(timm_fields(sys.argv[2], sys.argv[3]))
    elif sys.argv[1] == "transformers-vit":
        transformers_vit_folder(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "transformers-vit-reload":
        transformers_vit_reload(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3]))
    else:
        sys.exit("usage: zoo_reference.py make OUT | halves OUT | check REF GOT | reload DIR INPUT OUT | reload-timm DIR INPUT OUT | timm DIR | timm-fields SRC DIR"
                 " | transformers-vit DIR INPUT REF | transformers-vit-reload DIR INPUT OUT")
