"""PyTorch reference for bench/training.sh: training images/s of the same models and loop settings
(SGD momentum 0.9, weight decay 5e-4, label smoothing 0.1, gradient clipping at 5) on synthetic data."""
import json, resource, sys, time
import torch, torch.nn as nn, torchvision

torch.set_num_threads(2)
torch.manual_seed(1)


def conv_bn_act(i, o, s):
    return nn.Sequential(nn.Conv2d(i, o, 3, s, 1, bias=False), nn.BatchNorm2d(o), nn.ReLU(inplace=True))


class SmallCnn(nn.Module):
    """The same layers as Graft's small_cnn: a 16-channel stem, three stride-2 stages (32, 64, 128), pool, fc."""
    def __init__(self, n=10):
        super().__init__()
        self.stem = conv_bn_act(1, 16, 1)
        self.stage1, self.stage2, self.stage3 = conv_bn_act(16, 32, 2), conv_bn_act(32, 64, 2), conv_bn_act(64, 128, 2)
        self.fc = nn.Linear(128, n)

    def forward(self, x):
        x = self.stage3(self.stage2(self.stage1(self.stem(x))))
        return self.fc(x.mean((2, 3)))


name, batch, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 3
model = SmallCnn() if name == "small_cnn" else torchvision.models.resnet18(num_classes=10)
shape = (1, 28, 28) if name == "small_cnn" else (3, 224, 224)
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
model.train()
xs = torch.randn(steps, batch, *shape)
ys = torch.randint(0, 10, (steps, batch))


def run(n):
    """Seconds for n training steps, as Graft's loop does them: zero, forward, loss, backward, clip, step, read the loss."""
    total = 0.0
    for s in range(n):
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = loss_fn(model(xs[s]), ys[s])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        loss.item()
        total += time.perf_counter() - t0
    return total


run(3)  # warm-up
per_round = sorted(steps * batch / run(steps) for _ in range(rounds))
print(json.dumps({"model": name, "batch": batch, "steps": steps, "rounds": rounds,
                  "torch_images_per_s": round(per_round[len(per_round) // 2], 2), "torch_rounds": [round(v, 1) for v in per_round],
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "torch": torch.__version__,
                  "blas": torch.__config__.show().split("BLAS_INFO=")[1].split(",")[0] if "BLAS_INFO=" in torch.__config__.show() else "?"}))
