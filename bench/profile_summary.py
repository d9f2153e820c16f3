#!/usr/bin/env python3
"""Self time per op from a Chrome trace written by `bench --profile PATH` (libtorch's legacy profiler).

    /usr/bin/python3 bench/profile_summary.py TRACE.json [--steps N] [--top 25]

Self time = an event's duration minus its direct children's (events nest by time on one thread). Time on
the thread outside every recorded event (our shim's own kernels between ops, .NET, waits) is reported as
"(outside any op)". With --steps, times are per step.
"""
import argparse
import collections
import json

parser = argparse.ArgumentParser()
parser.add_argument("trace")
parser.add_argument("--steps", type=int, default=1)
parser.add_argument("--top", type=int, default=25)
args = parser.parse_args()

events = [e for e in json.load(open(args.trace)) if e.get("ph") == "X"]
by_thread = collections.defaultdict(list)
for e in events:
    by_thread[e["tid"]].append(e)

self_time = collections.Counter()
calls = collections.Counter()
window = 0.0
outside = 0.0
for tid, evs in by_thread.items():
    evs.sort(key=lambda e: (e["ts"], -e["dur"]))
    stack = []  # (end, name)
    top_level = 0.0
    for e in evs:
        start, end = e["ts"], e["ts"] + e["dur"]
        while stack and stack[-1][0] <= start:
            stack.pop()
        self_time[e["name"]] += e["dur"]
        calls[e["name"]] += 1
        if stack:
            self_time[stack[-1][1]] -= e["dur"]
        else:
            top_level += e["dur"]
        stack.append((end, e["name"]))
    span = max(e["ts"] + e["dur"] for e in evs) - min(e["ts"] for e in evs)
    window += span
    outside += span - top_level

total = window
print(f"{'op':60s} {'calls':>7s} {'ms/step':>9s} {'share':>7s}")
rows = list(self_time.items()) + [("(outside any op)", outside)]
for name, t in sorted(rows, key=lambda r: -r[1])[: args.top]:
    print(f"{name[:60]:60s} {calls.get(name, 0) // args.steps:7d} {t / 1000 / args.steps:9.3f} {100 * t / total:6.1f}%")
print(f"{'total (recorded thread span)':60s} {'':7s} {total / 1000 / args.steps:9.3f}")
