#!/usr/bin/python3
"""Op-level profile of the reference's bench step (torch.autograd.profiler), to see where a step goes.
   /usr/bin/python3 bench/profile_reference.py --dataset mnist --norm bn --threads 1 --steps 10 [--fused-like]"""
import argparse, importlib.util, os, sys, torch
import torch.nn.functional as F
ap = argparse.ArgumentParser()
ap.add_argument("--dataset", default="mnist"); ap.add_argument("--norm", default="bn")
ap.add_argument("--threads", type=int, default=1); ap.add_argument("--steps", type=int, default=10)
ap.add_argument("--reference", default=os.environ.get("NORMS_REFERENCE", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench", "pytorch_reference.py")))
a = ap.parse_args()
spec = importlib.util.spec_from_file_location("ref", a.reference); ref = importlib.util.module_from_spec(spec); spec.loader.exec_module(ref)
torch.manual_seed(1); torch.set_num_threads(a.threads)
model = ref.make_model(a.dataset, a.norm, 0.03 if a.dataset == "mnist" else 0.05)
c, hw = (1, 28) if a.dataset == "mnist" else (3, 32)
x = torch.randn(64, c, hw, hw); y = torch.randint(0, 10, (64,))
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
for _ in range(5): ref.step(model, opt, x, y, 0.0)
with torch.autograd.profiler.profile() as prof:
    for _ in range(a.steps): ref.step(model, opt, x, y, 0.0)
print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=22))
