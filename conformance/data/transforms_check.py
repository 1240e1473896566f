"""Compares Graft's image transforms with PyTorch / torchvision on the cases TransformsDump wrote."""
import json
import sys

import torch
import torch.nn.functional as F
import torchvision.transforms.functional as TF

torch.set_num_threads(2)
cases = json.load(open(sys.argv[1]))
worst = 0.0
failed = False
for c in cases:
    x = torch.tensor(c["input"], dtype=torch.float32).reshape(c["shape"])
    p = c["params"]
    op = c["op"]
    if op == "resize":
        kw = {} if p[2] == "nearest" else {"align_corners": False}
        ref = F.interpolate(x[None], size=(p[0], p[1]), mode=p[2], **kw)[0]
    elif op == "resize_shorter":
        ref = TF.resize(x, p[0], interpolation=TF.InterpolationMode.BILINEAR, antialias=False)
    elif op == "center_crop":
        ref = TF.center_crop(x, [p[0], p[1]])
    elif op == "hflip":
        ref = TF.hflip(x)
    elif op == "normalize":
        ref = TF.normalize(x, p[0], p[1])
    else:
        raise SystemExit("unknown op " + op)
    got = torch.tensor(c["output"], dtype=torch.float32).reshape(c["output_shape"])
    if list(ref.shape) != list(got.shape):
        print(f"FAIL {op} {p}: shape {list(got.shape)} vs torch {list(ref.shape)}")
        failed = True
        continue
    diff = (ref - got).abs().max().item()
    worst = max(worst, diff)
    status = "ok  " if diff < 1e-5 else "FAIL"
    failed |= diff >= 1e-5
    print(f"{status} {op:15s} {str(c['shape']):12s} -> {str(list(ref.shape)):12s} {str(p):45s} max |diff| {diff:.2e}")
print(f"torch {torch.__version__}, torchvision transforms; worst max |diff| {worst:.2e}")
sys.exit(1 if failed else 0)
