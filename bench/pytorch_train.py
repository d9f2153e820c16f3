#!/usr/bin/python3
"""The PyTorch reference's `train` (../shared/bench/pytorch_reference.py: its data loading, models, L1 term and
recipe) with the augmentation our experiments use, so accuracies can be compared on the same recipe:
MNIST random rotation in [-15, 15] degrees (bilinear, black background); CIFAR-10 4-pixel zero padding, random
32x32 crop and horizontal flip with probability 0.5. Augmentation draws from its own generator (seed + 1), so the
batch order is the reference's. One JSON line per epoch, then one with the best test accuracy.
   /usr/bin/python3 bench/pytorch_train.py --dataset cifar10 --norm bn --epochs 20 [--l1 1e-5] [--l2 1e-4] [--no-augment]"""
import argparse, importlib.util, json, math, os, time, torch
import torch.nn.functional as F

ap = argparse.ArgumentParser()
ap.add_argument("--dataset", choices=["mnist", "cifar10"], default="mnist"); ap.add_argument("--norm", default="bn")
ap.add_argument("--l1", type=float, default=0.0); ap.add_argument("--l2", type=float, default=0.0)
ap.add_argument("--epochs", type=int, default=20); ap.add_argument("--batch-size", type=int, default=64)
ap.add_argument("--threads", type=int, default=os.cpu_count()); ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--no-augment", action="store_true")
ap.add_argument("--limit-train", type=int, default=0, help="train on the first N images only (0: all), as our --limit-train")
ap.add_argument("--data-dir", default=os.environ.get("NORMS_DATA", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data")))
ap.add_argument("--reference", default=os.environ.get("NORMS_REFERENCE", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench", "pytorch_reference.py")))
a = ap.parse_args()
spec = importlib.util.spec_from_file_location("ref", a.reference); ref = importlib.util.module_from_spec(spec); spec.loader.exec_module(ref)

torch.manual_seed(a.seed); torch.set_num_threads(a.threads)
model = ref.make_model(a.dataset, a.norm, 0.03 if a.dataset == "mnist" else 0.05)
xtr, ytr, xte, yte = ref.load(a.dataset, a.data_dir)
if a.limit_train > 0: xtr, ytr = xtr[:a.limit_train], ytr[:a.limit_train]
# The inputs are already normalized; black (0 in [0, 1]) is -mean/std there, and both transforms are affine in the
# pixel values, so augmenting (x - black) with zero fill and adding black back equals augmenting in [0, 1] first.
mean, std = ((0.1307,), (0.3081,)) if a.dataset == "mnist" else ((0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616))
black = (-torch.tensor(mean) / torch.tensor(std)).view(1, -1, 1, 1)
aug = torch.Generator().manual_seed(a.seed + 1)


def rotate(x):
    angles = (torch.rand(len(x), generator=aug) * 2 - 1) * math.radians(15)
    c, s = torch.cos(angles), torch.sin(angles)
    theta = torch.stack([torch.stack([c, -s, torch.zeros_like(c)], 1), torch.stack([s, c, torch.zeros_like(c)], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x - black, grid, mode="bilinear", padding_mode="zeros", align_corners=False) + black


def crop_flip(x):
    padded = F.pad(x - black, (4, 4, 4, 4)) + black
    ox = torch.randint(0, 9, (len(x),), generator=aug); oy = torch.randint(0, 9, (len(x),), generator=aug)
    flip = torch.rand(len(x), generator=aug) < 0.5
    out = torch.stack([padded[i, :, oy[i]:oy[i] + 32, ox[i]:ox[i] + 32] for i in range(len(x))])
    return torch.where(flip.view(-1, 1, 1, 1), out.flip(3), out)


augment = (lambda x: x) if a.no_augment else (rotate if a.dataset == "mnist" else crop_flip)
steps = (len(xtr) + a.batch_size - 1) // a.batch_size
max_lr = 0.1 if a.dataset == "mnist" else 0.05
opt = torch.optim.SGD(model.parameters(), lr=max_lr / 10, momentum=0.9, weight_decay=a.l2)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=max_lr, epochs=a.epochs, steps_per_epoch=steps)
g = torch.Generator().manual_seed(a.seed)
best = 0.0
for epoch in range(1, a.epochs + 1):
    model.train(); t = time.perf_counter()
    perm = torch.randperm(len(xtr), generator=g); tot, correct = 0.0, 0
    for b in range(steps):
        idx = perm[b * a.batch_size:(b + 1) * a.batch_size]
        x, y = augment(xtr[idx]), ytr[idx]
        opt.zero_grad(set_to_none=True)
        out = model(x); loss = F.nll_loss(out, y)
        (loss + a.l1 * ref.l1_penalty(model) if a.l1 > 0 else loss).backward()
        opt.step(); sched.step()
        tot += loss.item() * len(y); correct += (out.argmax(1) == y).sum().item()
    train_s = time.perf_counter() - t
    model.eval(); te_loss, te_correct = 0.0, 0
    with torch.no_grad():
        for b in range(0, len(xte), 1000):
            out = model(xte[b:b + 1000])
            te_loss += F.nll_loss(out, yte[b:b + 1000], reduction="sum").item()
            te_correct += (out.argmax(1) == yte[b:b + 1000]).sum().item()
    test_acc = 100 * te_correct / len(xte); best = max(best, test_acc)
    print(json.dumps({"engine": f"pytorch {torch.__version__}", "dataset": a.dataset, "norm": a.norm, "l1": a.l1, "l2": a.l2,
                      "augment": not a.no_augment, "epoch": epoch, "train_loss": round(tot / len(xtr), 5),
                      "train_acc": round(100 * correct / len(xtr), 3), "test_loss": round(te_loss / len(xte), 5),
                      "test_acc": round(test_acc, 3), "train_seconds": round(train_s, 2),
                      "epoch_seconds": round(time.perf_counter() - t, 2)}), flush=True)
print(json.dumps({"dataset": a.dataset, "norm": a.norm, "l1": a.l1, "l2": a.l2, "augment": not a.no_augment,
                  "epochs": a.epochs, "best_test_acc": round(best, 3)}), flush=True)
