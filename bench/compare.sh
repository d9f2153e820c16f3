#!/usr/bin/env bash
# Alternates our bench and PyTorch's on the same workload, several rounds, and prints per-round
# ratios ours/PyTorch plus their medians. Alternation matters on a shared, noisy machine: each pair of
# measurements sees roughly the same background load, so the ratio is far steadier than either time.
# Two ratios per pair: wall clock (ms_per_step) and process CPU time (cpu_ms_per_step, all threads),
# the latter less sensitive to other processes taking the cores.
#
#   bench/compare.sh [--rounds 3] [--steps 40] [--threads 2] [--datasets "mnist cifar10"] [--norms "bn gn ln"] [--batch-sizes "64"] [--stock]
#
# --batch-sizes "2 8 32" times each workload at each batch size (the small-batch steps of docs/PERFORMANCE.md).
#
# NORMS_NO_BUILD=1 skips the Release build (use the one already there).
# --torch-env "VAR=VALUE ..." runs PyTorch with those variables (e.g. OMP_WAIT_POLICY=PASSIVE, which our
#   binding sets for itself, to see how much of the gap is the thread wait policy).
# --stock also times our stock path (NORMS_FUSED=0: no fused kernel, no channels-last) in each round.
# PyTorch side: bench/pytorch_bench.py, which runs pytorch_reference.py's own model and step
# (identical workload) and adds the CPU-time measurement. Needs /usr/bin/python3 with python3-torch.
set -euo pipefail
rounds=3; steps=40; threads=2; datasets="mnist cifar10"; norms="bn gn ln"; batches="64"; stock=0; torch_env=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds=$2; shift 2;; --steps) steps=$2; shift 2;; --threads) threads=$2; shift 2;;
    --datasets) datasets=$2; shift 2;; --norms) norms=$2; shift 2;; --batch-sizes) batches=$2; shift 2;;
    --stock) stock=1; shift;; --torch-env) torch_env=$2; shift 2;;
    *) echo "unknown argument $1" >&2; exit 2;;
  esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/lib.sh"
build_ours
# ms, cpu ms, and (ours only) the step's fraction of the machine's peak in percent ("-" where the line has none).
field() { /usr/bin/python3 -c "import json,sys; d=json.loads(sys.stdin.read().strip().splitlines()[-1]); f=d.get('fraction_of_peak'); print(d['ms_per_step'], d['cpu_ms_per_step'], '-' if f is None else f'{100*f:.1f}')"; }
echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), threads $threads, steps $steps, rounds $rounds, batch sizes $batches, torch env '$torch_env'"
printf '%-8s %-3s %5s %6s %9s %9s %9s %9s %9s %9s %7s %7s %7s %7s %6s\n' dataset norm batch round ours_ms ours_cpu torch_ms torch_cpu stock_ms stock_cpu wall_r cpu_r stock_w stock_c peak%
for d in $datasets; do
  for n in $norms; do
   for b in $batches; do
    wr=(); cr=(); sw=(); sc=()
    for r in $(seq 1 "$rounds"); do
      read -r o oc pk < <(NORMS_FUSED=1 dotnet "$ours" bench "$d" --norm "$n" --batch-size "$b" --steps "$steps" --threads "$threads" | field)
      read -r p pc _ < <(env $torch_env /usr/bin/python3 "$root/bench/pytorch_bench.py" --dataset "$d" --norm "$n" --batch-size "$b" --batches "$steps" --threads "$threads" | field)
      s=-; scpu=-; s_w=-; s_c=-
      if [[ $stock == 1 ]]; then
        read -r s scpu _ < <(NORMS_FUSED=0 dotnet "$ours" bench "$d" --norm "$n" --batch-size "$b" --steps "$steps" --threads "$threads" | field)
        s_w=$(div "$s" "$p"); s_c=$(div "$scpu" "$pc"); sw+=("$s_w"); sc+=("$s_c")
      fi
      w=$(div "$o" "$p"); c=$(div "$oc" "$pc"); wr+=("$w"); cr+=("$c")
      printf '%-8s %-3s %5s %6s %9s %9s %9s %9s %9s %9s %7s %7s %7s %7s %6s\n' "$d" "$n" "$b" "$r" "$o" "$oc" "$p" "$pc" "$s" "$scpu" "$w" "$c" "$s_w" "$s_c" "$pk"
    done
    ms=-; mc=-
    [[ $stock == 1 ]] && { ms=$(median "${sw[@]}"); mc=$(median "${sc[@]}"); }
    printf '%-8s %-3s %5s %6s %9s %9s %9s %9s %9s %9s %7s %7s %7s %7s %6s\n' "$d" "$n" "$b" median "" "" "" "" "" "" "$(median "${wr[@]}")" "$(median "${cr[@]}")" "$ms" "$mc" ""
   done
  done
done
