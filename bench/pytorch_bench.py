#!/usr/bin/python3
"""The reference's bench (pytorch_reference.py: its make_model and step, same seed, inputs, optimizer,
warm-up) timed by wall clock AND by process CPU time, so ratios can be read on a loaded machine too.
   /usr/bin/python3 bench/pytorch_bench.py --dataset mnist --norm bn --threads 2 --batches 40"""
import argparse, importlib.util, json, os, time, torch
ap = argparse.ArgumentParser()
ap.add_argument("--dataset", default="mnist"); ap.add_argument("--norm", default="bn")
ap.add_argument("--threads", type=int, default=os.cpu_count()); ap.add_argument("--batches", type=int, default=100)
ap.add_argument("--warmup", type=int, default=10); ap.add_argument("--batch-size", type=int, default=64)
ap.add_argument("--reference", default=os.environ.get("NORMS_REFERENCE", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench", "pytorch_reference.py")))
a = ap.parse_args()
spec = importlib.util.spec_from_file_location("ref", a.reference); ref = importlib.util.module_from_spec(spec); spec.loader.exec_module(ref)
torch.manual_seed(1); torch.set_num_threads(a.threads)
model = ref.make_model(a.dataset, a.norm, 0.03 if a.dataset == "mnist" else 0.05)
c, hw = (1, 28) if a.dataset == "mnist" else (3, 32)
x = torch.randn(a.batch_size, c, hw, hw); y = torch.randint(0, 10, (a.batch_size,))
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
model.train()
for _ in range(a.warmup): ref.step(model, opt, x, y, 0.0)
t, cpu = time.perf_counter(), time.process_time()
for _ in range(a.batches): ref.step(model, opt, x, y, 0.0)
ms, cpu_ms = (time.perf_counter() - t) * 1000 / a.batches, (time.process_time() - cpu) * 1000 / a.batches
print(json.dumps({"engine": f"pytorch {torch.__version__}", "dataset": a.dataset, "norm": a.norm,
                  "params": sum(p.numel() for p in model.parameters()), "batch_size": a.batch_size, "threads": a.threads,
                  "steps": a.batches, "ms_per_step": round(ms, 3), "cpu_ms_per_step": round(cpu_ms, 3)}))
