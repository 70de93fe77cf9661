#!/usr/bin/env bash
# Every job in jobs/ validates, runs at 2 ranks with few draws (2048: a power of two, as the
# sobol plan needs), and shows, so examples never rot.
# usage: every_job_runs.sh COSTSWEEP MPIEXEC JOBS_DIR
set -euo pipefail
costsweep=$1 mpiexec=$2 jobs=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
count=0
for job in "$jobs"/*.ini; do
  name=$(basename "$job" .ini)
  "$costsweep" validate "$job" >"$work/$name.validate"
  (cd "$work" && "$mpiexec" --oversubscribe -np 2 "$costsweep" run "$job" -q --draws 2048 \
    -o "$work/$name.h5" >"$work/$name.run")
  "$costsweep" show "$work/$name.h5" >"$work/$name.show"
  grep -q "count" "$work/$name.show"
  ! compgen -G "$work/$name.h5.*partial" >/dev/null
  [[ ! -e "$work/$name.h5.lock" ]]
  echo "ok: $name"
  count=$((count + 1))
done
((count > 0)) || { echo "FAIL: no jobs found in $jobs" >&2; exit 1; }
echo "every job runs: $count jobs"
