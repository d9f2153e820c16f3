#!/usr/bin/env bash
# Alternates our bench and PyTorch's on the same workload, several rounds, and prints per-round
# ratios ours/PyTorch plus their median. Alternation matters on a shared, noisy machine: each pair of
# measurements sees roughly the same background load, so the ratio is far steadier than either time.
#
#   bench/compare.sh [--rounds 3] [--steps 40] [--threads 2] [--datasets "mnist cifar10"] [--norms "bn gn ln"] [--unfused]
#
# --unfused also times our stock path (NORMS_FUSED=0) in each round, so fused/unfused shows too.
# Run from the repository root; builds Release once. Needs /usr/bin/python3 with python3-torch.
set -euo pipefail
rounds=3; steps=40; threads=2; datasets="mnist cifar10"; norms="bn gn ln"; unfused=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds=$2; shift 2;; --steps) steps=$2; shift 2;; --threads) threads=$2; shift 2;;
    --datasets) datasets=$2; shift 2;; --norms) norms=$2; shift 2;; --unfused) unfused=1; shift;;
    *) echo "unknown argument $1" >&2; exit 2;;
  esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
reference=${NORMS_REFERENCE:-$root/../../shared/bench/pytorch_reference.py}
[[ -f $reference ]] || reference=/work/shared/bench/pytorch_reference.py
dotnet build -c Release "$root/src/Experiments" -v quiet -nologo >/dev/null
ours="$root/src/Experiments/bin/Release/net10.0/Norms.Experiments.dll"
ms() { /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])["ms_per_step"])'; }
echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), threads $threads, steps $steps, rounds $rounds"
printf '%-8s %-3s %5s %10s %10s %10s %8s %8s\n' dataset norm round ours_ms torch_ms stock_ms ratio stock_r
for d in $datasets; do
  for n in $norms; do
    ratios=(); stock_ratios=()
    for r in $(seq 1 "$rounds"); do
      o=$(NORMS_FUSED=1 dotnet "$ours" bench "$d" --norm "$n" --steps "$steps" --threads "$threads" | ms)
      p=$(/usr/bin/python3 "$reference" bench --dataset "$d" --norm "$n" --batches "$steps" --threads "$threads" | ms)
      s=-; sr=-
      if [[ $unfused == 1 ]]; then
        s=$(NORMS_FUSED=0 dotnet "$ours" bench "$d" --norm "$n" --steps "$steps" --threads "$threads" | ms)
        sr=$(/usr/bin/python3 -c "print(f'{$s/$p:.3f}')"); stock_ratios+=("$sr")
      fi
      ratio=$(/usr/bin/python3 -c "print(f'{$o/$p:.3f}')"); ratios+=("$ratio")
      printf '%-8s %-3s %5s %10s %10s %10s %8s %8s\n' "$d" "$n" "$r" "$o" "$p" "$s" "$ratio" "$sr"
    done
    med=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
    smed=-
    [[ $unfused == 1 ]] && smed=$(printf '%s\n' "${stock_ratios[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
    printf '%-8s %-3s %5s %10s %10s %10s %8s %8s\n' "$d" "$n" median "" "" "" "$med" "$smed"
  done
done
