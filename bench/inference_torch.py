"""PyTorch side of bench/inference.sh: eager torchvision inference throughput, no_grad, eval mode."""
import json
import sys
import time

import torch
import torchvision

torch.set_num_threads(int(sys.argv[5]) if len(sys.argv) > 5 else 2)
name, batch, size, iters = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
torch.manual_seed(0)
model = getattr(torchvision.models, name)().eval()
x = torch.rand(batch, 3, size, size)
times = []
with torch.no_grad():
    for i in range(2 + iters):
        t0 = time.perf_counter()
        model(x)
        t = time.perf_counter() - t0
        if i >= 2:
            times.append(t)
times.sort()
median = times[len(times) // 2]
# Which BLAS the process really loaded (Debian picks libblas.so.3 through alternatives).
with open("/proc/self/maps") as maps:
    libs = sorted({line.split("/")[-1].strip() for line in maps if "blas" in line.lower()})
blas = ", ".join(libs) or "none loaded"
mkldnn = torch.backends.mkldnn.is_available()
print(json.dumps({"model": name, "images_per_s": batch / median, "median_s": median, "torch": torch.__version__,
                  "blas": blas, "mkldnn": mkldnn, "threads": torch.get_num_threads()}))
