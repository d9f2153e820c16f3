#!/usr/bin/env bash
# Real epoch time, ours vs the PyTorch reference, alternating in one run: one full epoch on the real data,
# batch 64, same threads. Ours: `run NAME --epochs 1`; Reference: `pytorch_reference.py train --epochs 1`.
# train_r compares like with like: each side's training loop (`train_seconds`: batches built and trained,
# ours with augmentation, the reference without), no test pass. epoch_r is stricter on us: our whole
# epoch (`seconds`: training plus the test pass) against the reference's training loop. wall_r: the whole
# processes (start-up and reading the dataset included).
#
#   bench/epoch-compare.sh [--rounds 2] [--threads 2] [--datasets "mnist cifar10"] [--norm bn]
#
# NORMS_NO_BUILD=1 skips the Release build. Needs NORMS_DATA (or ../shared/data) and /usr/bin/python3 with python3-torch.
set -euo pipefail
rounds=2; threads=2; datasets="mnist cifar10"; norm=bn
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds=$2; shift 2;; --threads) threads=$2; shift 2;; --datasets) datasets=$2; shift 2;; --norm) norm=$2; shift 2;;
    *) echo "unknown argument $1" >&2; exit 2;;
  esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
data=${NORMS_DATA:-$root/../shared/data}
reference=${NORMS_REFERENCE:-$root/../shared/bench/pytorch_reference.py}
source "$root/bench/lib.sh"
build_ours
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
py() { /usr/bin/python3 -c "$1"; }
echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), threads $threads, norm $norm, rounds $rounds"
printf '%-8s %5s %9s %9s %9s %9s %9s %7s %7s %7s %6s %6s\n' dataset round ours_tr_s ours_ep_s torch_tr_s ours_wall torch_wall train_r epoch_r wall_r ours% torch%
for d in $datasets; do
  tr=(); er=(); wr=()
  for r in $(seq 1 "$rounds"); do
    rm -rf "$out"/*
    t0=$(date +%s.%N)
    dotnet "$ours" run "$d-$norm" --epochs 1 --threads "$threads" --data-dir "$data" --out "$out" --no-progress >/dev/null
    t1=$(date +%s.%N)
    read -r otr os oacc < <(py "import json; e=json.load(open('$out/$d-$norm/result.json'))['epochs'][0]; print(e['train_seconds'], e['seconds'], e['test_acc'])")
    line=$(/usr/bin/python3 "$reference" train --dataset "$d" --norm "$norm" --epochs 1 --threads "$threads" --data-dir "$data" | tail -n 1)
    t2=$(date +%s.%N)
    read -r ts tacc < <(py "import json; e=json.loads('''$line'''); print(e['train_seconds'], e['test_acc'])")
    ow=$(py "print(f'{$t1-$t0:.1f}')"); tw=$(py "print(f'{$t2-$t1:.1f}')")
    t=$(py "print(f'{$otr/$ts:.3f}')"); e=$(py "print(f'{$os/$ts:.3f}')"); w=$(py "print(f'{$ow/$tw:.3f}')")
    tr+=("$t"); er+=("$e"); wr+=("$w")
    printf '%-8s %5s %9.1f %9.1f %9.1f %9s %9s %7s %7s %7s %6s %6s\n' "$d" "$r" "$otr" "$os" "$ts" "$ow" "$tw" "$t" "$e" "$w" "$oacc" "$tacc"
  done
  printf '%-8s %5s %9s %9s %9s %9s %9s %7s %7s %7s\n' "$d" median "" "" "" "" "" "$(median "${tr[@]}")" "$(median "${er[@]}")" "$(median "${wr[@]}")"
done
