#!/usr/bin/env bash
# Same job and seed at 1, 2 and 3 ranks and two block sizes, and on 2 ranks of which one runs the
# portable kernels: every dataset must be byte-identical (h5diff, provenance excluded), samples
# included. The odd block size also
# regenerates the draws (job.statistics = streaming) where the others keep them in memory.
# usage: determinism.sh COSTSWEEP MPIEXEC JOB.ini[:DRAWS[:KEY=VALUE[+KEY=VALUE...]]]...
#        (DRAWS default 200003; each KEY=VALUE is passed as --set, e.g. job.plan=lhs)
# DETERMINISM_CONFIGS=light (the sanitizer build): 1 rank in memory, 2 ranks streaming, 3 ranks
# in memory, instead of every rank count with both block sizes.
set -euo pipefail
costsweep=$1 mpiexec=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for spec in "$@"; do
IFS=: read -r job draws setting <<<"$spec"
draws=${draws:-200003}
extra=()
if [[ -n ${setting:-} ]]; then
  IFS=+ read -ra settings <<<"$setting"
  for one in "${settings[@]}"; do extra+=(--set "$one"); done
fi
reference=""
configs=(1:4096 1:777 2:4096 2:777 3:4096 3:777)
if [[ ${DETERMINISM_CONFIGS:-} == light ]]; then configs=(1:4096 2:777 3:4096); fi
for config in "${configs[@]}"; do
  IFS=: read -r np block <<<"$config"
  mode=memory
  if [[ $block == 777 ]]; then mode=streaming; fi
  out="$work/$(basename "$job" .ini)-np${np}-b${block}.h5"
  "$mpiexec" --oversubscribe -np "$np" "$costsweep" run "$job" -q -o "$out" \
    --draws "$draws" --set job.save_samples=yes --set job.block_size="$block" \
    --set job.statistics="$mode" "${extra[@]}" >/dev/null
  if [[ -z $reference ]]; then
    reference=$out
    continue
  fi
  if ! h5diff --exclude-path /provenance "$reference" "$out"; then
    echo "FAIL: $out differs from $reference" >&2
    h5diff -r --exclude-path /provenance "$reference" "$out" | head -20 >&2
    exit 1
  fi
  echo "identical: $(basename "$job") np=$np block_size=$block statistics=$mode"
done
# A cluster whose nodes differ in instruction set: rank 0 on the portable kernels, rank 1 on
# AVX2 where this CPU has it (simd::active_isa).
args=(run "$job" -q --draws "$draws" --set job.save_samples=yes --set job.block_size=4096
      --set job.statistics=memory "${extra[@]}")
"$mpiexec" --oversubscribe -np 1 env COSTSWEEP_KERNELS=portable "$costsweep" "${args[@]}" \
  -o "$work/mixed.h5" : -np 1 "$costsweep" "${args[@]}" -o "$work/mixed.h5" >/dev/null
if ! h5diff --exclude-path /provenance "$reference" "$work/mixed.h5"; then
  echo "FAIL: portable + AVX2 ranks differ from $reference" >&2
  exit 1
fi
echo "identical: $(basename "$job") np=2 with rank 0 on the portable kernels"
# The comparison must be able to fail: another seed gives different data.
"$costsweep" run "$job" -q -o "$work/other-seed.h5" --draws "$draws" --seed 987654321 \
  --set job.save_samples=yes "${extra[@]}" >/dev/null
if h5diff -q --exclude-path /provenance "$reference" "$work/other-seed.h5"; then
  echo "FAIL: a different seed gave identical results; the check is blind" >&2
  exit 1
fi
echo "determinism: $(basename "$job") ${setting:-}: all $((${#configs[@]} + 1)) runs identical"
done
