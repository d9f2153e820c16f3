# Shell helpers shared by the bench scripts (sourced, not run).

# The median of the numeric arguments (the mean of the middle two for an even count).
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# Builds ours in Release (unless NORMS_NO_BUILD=1) and sets $ours to its entry point; needs $root, the repository.
build_ours() {
  [[ ${NORMS_NO_BUILD:-0} == 1 ]] || dotnet build -c Release "$root/src/Experiments" -v quiet -nologo >/dev/null
  ours="$root/src/Experiments/bin/Release/net10.0/Norms.Experiments.dll"
}

# $1 / $2 to three decimals.
div() { /usr/bin/python3 -c "print(f'{$1/$2:.3f}')"; }
