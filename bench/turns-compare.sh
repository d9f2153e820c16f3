#!/usr/bin/env bash
# What the replicas' turns cost at 1 thread: alternates, in rounds, our 1-thread step split between two
# replicas that take turns (--data-parallel on, the default since runs stopped depending on their thread
# count) against the unsplit 1-thread step it replaced (--data-parallel off). Both are ours, so the ratio
# turns / unsplit is the price of thread independence (docs/SPEC.md, "Run identity").
#
#   bench/turns-compare.sh [--rounds 5] [--steps 100] [--datasets "mnist cifar10"] [--norms "bn"] [--batch-sizes "8 64"]
#
# NORMS_NO_BUILD=1 skips the Release build (use the one already there).
set -euo pipefail
rounds=5; steps=100; datasets="mnist cifar10"; norms="bn"; batches="8 64"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds=$2; shift 2;; --steps) steps=$2; shift 2;; --datasets) datasets=$2; shift 2;;
    --norms) norms=$2; shift 2;; --batch-sizes) batches=$2; shift 2;;
    *) echo "unknown argument $1" >&2; exit 2;;
  esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/lib.sh"
build_ours
ms() { /usr/bin/python3 -c "import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])['ms_per_step'])"; }
echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), 1 thread, steps $steps, rounds $rounds"
printf '%-8s %-3s %5s %6s %10s %10s %8s\n' dataset norm batch round turns_ms unsplit_ms ratio
for d in $datasets; do
  for n in $norms; do
    for b in $batches; do
      rs=()
      for r in $(seq 1 "$rounds"); do
        t=$(dotnet "$ours" bench "$d" --norm "$n" --batch-size "$b" --steps "$steps" --threads 1 --data-parallel on | ms)
        u=$(dotnet "$ours" bench "$d" --norm "$n" --batch-size "$b" --steps "$steps" --threads 1 --data-parallel off | ms)
        x=$(div "$t" "$u"); rs+=("$x")
        printf '%-8s %-3s %5s %6s %10s %10s %8s\n' "$d" "$n" "$b" "$r" "$t" "$u" "$x"
      done
      printf '%-8s %-3s %5s %6s %10s %10s %8s\n' "$d" "$n" "$b" median "" "" "$(median "${rs[@]}")"
    done
  done
done
