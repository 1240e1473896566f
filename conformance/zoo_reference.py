"""Reference outputs for conformance/zoo.sh: torchvision models with seeded random weights.

`python3 zoo_reference.py make OUT` writes, for resnet18, resnet50 and vit_b_16, the state dict as
safetensors (torchvision's ViT keys renamed to timm's vit_base_patch16_224 names), a fixed input and
the reference logits. `python3 zoo_reference.py check REF.safetensors GOT.safetensors` compares
tensor 'output' with max |diff| <= 1e-4 * max(1, |ref|) and exits non-zero on failure.
`python3 zoo_reference.py reload DIR INPUT OUT` loads a folder Graft exported (`graft models create`)
into torchvision's resnet18 with strict=True (every key, num_batches_tracked included, and no other)
and writes its logits on INPUT to OUT.
The safetensors files are written by hand (struct + json) so only torch is needed.
"""
import json
import struct
import sys

import torch
import torchvision

torch.set_num_threads(2)

DTYPES = {torch.float32: ("F32", 4), torch.int64: ("I64", 8)}


def save_safetensors(path, tensors, metadata=None):
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    offset = 0
    blobs = []
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        code, size = DTYPES[t.dtype]
        data = t.numpy().tobytes()
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
    import numpy as np
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        assert e["dtype"] in ("F32", "I64"), e["dtype"]
        b, end = e["data_offsets"]
        dtype = "<f4" if e["dtype"] == "F32" else "<i8"
        out[name] = torch.from_numpy(np.frombuffer(data[b:end], dtype=dtype).copy()).reshape(e["shape"])
    return out


def randomise(model, seed):
    """Seeded weights everywhere, including non-trivial BatchNorm statistics and a non-zero ViT head."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.state_dict().items():
            if name.endswith("num_batches_tracked"):
                continue
            if name.endswith("running_var"):
                p.copy_(torch.rand(p.shape, generator=g) * 0.5 + 0.75)
            elif name.endswith("running_mean"):
                p.copy_(torch.randn(p.shape, generator=g) * 0.1)
            elif p.dim() <= 1 and ("bn" in name or "downsample.1" in name or "ln" in name):
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


def make(out):
    torch.manual_seed(0)
    x = torch.randn(2, 3, 224, 224, generator=torch.Generator().manual_seed(1))
    save_safetensors(f"{out}/input_224.safetensors", {"input": x})
    models = {
        "resnet18": (torchvision.models.resnet18(), None),
        "resnet50": (torchvision.models.resnet50(), None),
        "vit_base_patch16_224": (torchvision.models.vit_b_16(), vit_to_timm),
    }
    for i, (name, (model, rename)) in enumerate(models.items()):
        randomise(model, 100 + i)
        sd = model.state_dict()
        save_safetensors(f"{out}/{name}.safetensors", rename(sd) if rename else sd, {"format": "pt"})
        with torch.no_grad():
            y = model(x)
        save_safetensors(f"{out}/{name}_ref.safetensors", {"output": y})
        print(f"{name}: reference logits {tuple(y.shape)}, max |ref| {y.abs().max().item():.3g}")


def check(ref_path, got_path):
    ref = load_safetensors(ref_path)["output"]
    got = load_safetensors(got_path)["output"]
    if ref.shape != got.shape:
        print(f"FAIL {got_path}: shape {tuple(got.shape)} != reference {tuple(ref.shape)}")
        return 1
    diff = (ref - got).abs()
    tol = 1e-4 * torch.clamp(ref.abs(), min=1.0)
    worst = (diff / tol).max().item()
    ok = bool((diff <= tol).all())
    print(f"{'ok  ' if ok else 'FAIL'} {got_path}: max|diff| {diff.max().item():.3g}, max|ref| {ref.abs().max().item():.3g}, "
          f"worst diff/tolerance {worst:.3f}")
    return 0 if ok else 1


def reload(folder, input_path, out_path):
    with open(f"{folder}/config.json") as f:
        cfg = json.load(f)
    assert cfg["architecture"] == "resnet18", cfg["architecture"]
    model = torchvision.models.resnet18(num_classes=cfg["num_classes"])
    model.load_state_dict(load_safetensors(f"{folder}/model.safetensors"), strict=True)
    with torch.no_grad():
        y = model.eval()(load_safetensors(input_path)["input"])
    save_safetensors(out_path, {"output": y})
    print(f"{folder}: loads strictly into torchvision resnet18 ({cfg['num_classes']} classes)")


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif sys.argv[1] == "reload":
        reload(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3]))
    else:
        sys.exit("usage: zoo_reference.py make OUT | check REF GOT | reload DIR INPUT OUT")
