#!/usr/bin/env python3
"""Does one grouped convolution (groups = K) beat K separate convolutions at our networks' widths?

The vectorized-seeds lever (issue 18) stacks K seeded models along channels, so each conv becomes one grouped conv.
This times forward + backward of every 3x3 conv of Mnist8k and Cifar50k at batch 64, K separate convs against one conv
with groups = K on the K-times-wider input, alternating in rounds, on libtorch 1.13's oneDNN (Debian's python3-torch is
the same build as our engine's). Usage: bench/grouped_conv.py [--threads 1] [--rounds 15] [--layout channels_last|contiguous]
"""
import argparse, statistics, time
import torch

LAYERS = {
    "mnist8k": [(1, 8, 28, 1), (8, 8, 28, 1), (8, 12, 14, 0), (12, 12, 12, 0), (12, 12, 10, 0), (12, 12, 8, 0), (12, 16, 6, 0)],
    "cifar50k": [(3, 16, 32, 1), (16, 24, 32, 1), (16, 24, 16, 1), (24, 24, 16, 1), (24, 24, 16, 1), (16, 32, 8, 1), (32, 32, 8, 1), (32, 32, 8, 1)],
}

def step(convs, xs):
    for conv, x in zip(convs, xs):
        y = conv(x)
        y.sum().backward()

def timed(fn, reps):
    t = time.perf_counter()
    for _ in range(reps):
        fn()
    return (time.perf_counter() - t) / reps * 1e3

def main():
    a = argparse.ArgumentParser()
    a.add_argument("--threads", type=int, default=1)
    a.add_argument("--rounds", type=int, default=15)
    a.add_argument("--batch", type=int, default=64)
    a.add_argument("--layout", default="channels_last")
    args = a.parse_args()
    torch.set_num_threads(args.threads)
    fmt = torch.channels_last if args.layout == "channels_last" else torch.contiguous_format
    print(f"torch {torch.__version__}, {args.threads} thread(s), batch {args.batch}, {args.layout}, median of {args.rounds} alternating rounds")
    print("model     K  separate ms  grouped ms  grouped/separate (median of the rounds' ratios)")
    for model, layers in LAYERS.items():
        for k in (1, 3, 5):
            sep_convs, sep_x, grp_convs, grp_x = [], [], [], []
            for cin, cout, size, pad in layers:
                for _ in range(k):
                    sep_convs.append(torch.nn.Conv2d(cin, cout, 3, padding=pad, bias=False).to(memory_format=fmt))
                    sep_x.append(torch.randn(args.batch, cin, size, size).to(memory_format=fmt).requires_grad_())
                grp_convs.append(torch.nn.Conv2d(k * cin, k * cout, 3, padding=pad, bias=False, groups=k).to(memory_format=fmt))
                grp_x.append(torch.randn(args.batch, k * cin, size, size).to(memory_format=fmt).requires_grad_())
            sep = lambda: step(sep_convs, sep_x)
            grp = lambda: step(grp_convs, grp_x)
            for f in (sep, grp):
                f(); f()
            reps = 3
            s, g = [], []
            for _ in range(args.rounds):
                s.append(timed(sep, reps))
                g.append(timed(grp, reps))
            ms, mg = statistics.median(s), statistics.median(g)
            ratio = statistics.median(b / a for a, b in zip(s, g))
            print(f"{model:9} {k}  {ms:11.2f}  {mg:10.2f}  {ratio:16.2f}")

if __name__ == "__main__":
    main()
