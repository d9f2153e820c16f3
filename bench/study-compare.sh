#!/usr/bin/env bash
# A K-seed study of one epoch each, ours against PyTorch's best way of running the same K trainings on this machine,
# alternating in one run (issue 18's bar). Each round times, as whole processes (start-up and data loading included):
#   ours_seq   `study run` of a study of mnist-bn (or cifar10-bn) over K seeds, one run after another at --threads T
#   ours_jobs  the same study with --jobs 2: two runs at once, T/2 threads each
#   torch_seq  K runs of bench/pytorch_train.py --epochs 1, one after another at T threads
#   torch_par  the same K runs, two processes at a time at T/2 threads each
# and prints ratio = min(ours) / min(torch) per round, then the median. Each study goes to a fresh folder, so nothing
# is skipped as already done.
#
#   bench/study-compare.sh [--rounds 3] [--seeds 5] [--threads 2] [--dataset mnist] [--limit-train N] [--overrides JSON] [--ours-only]
#
# --overrides adds fields to the study's overrides (e.g. '"norm": {"kind": "batch", "ghost_batch": 8}'); PyTorch has no such
# fields, so use it with --ours-only, which times ours_seq and ours_jobs alone (what the --jobs auto rule is checked with).
#
# NORMS_NO_BUILD=1 skips the Release build. Needs NORMS_DATA (or ../shared/data) and /usr/bin/python3 with python3-torch.
set -euo pipefail
rounds=3; seeds=5; threads=2; dataset=mnist; limit=0; overrides=""; ours_only=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds=$2; shift 2;; --seeds) seeds=$2; shift 2;; --threads) threads=$2; shift 2;;
    --dataset) dataset=$2; shift 2;; --limit-train) limit=$2; shift 2;;
    --overrides) overrides=", $2"; shift 2;; --ours-only) ours_only=1; shift;;
    *) echo "unknown argument $1" >&2; exit 2;;
  esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
export NORMS_DATA=${NORMS_DATA:-$root/../shared/data}
source "$root/bench/lib.sh"
build_ours
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
base=$([[ $dataset == mnist ]] && echo mnist-bn || echo cifar10-bn)
half=$(( threads / 2 > 0 ? threads / 2 : 1 ))
ours_limit=(); torch_limit=()
[[ $limit -gt 0 ]] && { ours_limit=(--limit-train "$limit"); torch_limit=(--limit-train "$limit"); }
# bench/pytorch_train.py trains CIFAR-10 with crop and flip and dropout 0.05 (the seeds' first recipe): ours the same work,
# not the built-in's flip-only, dropout-0 recipe that cifar10-recipe chose.
same_work=$([[ $dataset == mnist ]] && echo "" || echo ', "crop_padding": null, "dropout": null')
echo "{ \"name\": \"bench-seeds\", \"base\": \"$base\", \"seeds\": $seeds, \"overrides\": { \"epochs\": 1$same_work$overrides } }" > "$out/study.json"
seconds() { local t=$(date +%s.%N); "$@" > "$out/last.log" 2>&1 || { cat "$out/last.log" >&2; exit 1; }; /usr/bin/python3 -c "import time; print(f'{time.time() - $t:.1f}')"; }
ours_study() { rm -rf "$out/ours"; dotnet "$ours" study run "$out/study.json" --out "$out/ours" --no-progress "${ours_limit[@]}" "$@"; }
# torch_one SEED THREADS [EXTRA...]: one PyTorch training of one epoch.
torch_one() { local seed=$1 th=$2; shift 2; /usr/bin/python3 "$root/bench/pytorch_train.py" --dataset "$dataset" --norm bn --epochs 1 --seed "$seed" --threads "$th" "$@"; }
torch_seq() { for s in $(seq 1 "$seeds"); do torch_one "$s" "$threads" "${torch_limit[@]}" || return 1; done; }
torch_par() { export -f torch_one; export root dataset; seq 1 "$seeds" | xargs -P 2 -I{} bash -c "torch_one {} $half ${torch_limit[*]:-}" ; }
echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $dataset, $seeds seeds x 1 epoch, threads $threads, limit-train $limit, rounds $rounds, overrides '${overrides#, }'"
[[ $ours_only == 1 ]] && echo "# --ours-only: the last column is ours_jobs / ours_seq"
printf '%6s %9s %9s %9s %9s %7s\n' round ours_seq ours_jobs torch_seq torch_par ratio
ratios=()
for r in $(seq 1 "$rounds"); do
  os=$(seconds ours_study --threads "$threads" --jobs 1)
  oj=$(seconds ours_study --threads "$threads" --jobs 2)
  if [[ $ours_only == 1 ]]; then
    ratio=$(/usr/bin/python3 -c "print(f'{$oj / $os:.3f}')"); ratios+=("$ratio")
    printf '%6s %9s %9s %9s %9s %7s\n' "$r" "$os" "$oj" - - "$ratio"
    continue
  fi
  ts=$(seconds torch_seq)
  tp=$(seconds torch_par)
  ratio=$(/usr/bin/python3 -c "print(f'{min($os, $oj) / min($ts, $tp):.3f}')")
  ratios+=("$ratio")
  printf '%6s %9s %9s %9s %9s %7s\n' "$r" "$os" "$oj" "$ts" "$tp" "$ratio"
done
printf '%6s %9s %9s %9s %9s %7s\n' median "" "" "" "" "$(median "${ratios[@]}")"
