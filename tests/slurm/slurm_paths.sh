#!/usr/bin/env bash
# The Slurm scripts on a real one-node Slurm (tools/slurm-local, started and always stopped here):
#  (a) sbatch --wait slurm/run.sbatch at 2 tasks gives the datasets of a plain 'mpirun -np 2' run,
#      and passes costsweep's exit status on (2 for a missing job file);
#  (b) slurm/submit-sweep with 3 shards in arrays of at most 2 (so the second array runs with
#      SHARD_OFFSET=2) gives, once merged, the datasets of a plain 'mpirun -np 2' run;
#  (c) a run.sbatch job signalled mid-run as --signal does before the time limit (scancel
#      --signal=USR1 to its tasks) checkpoints, requeues itself, resumes, and its file equals a
#      plain 'mpirun -np 2' run's.
# Compared with h5diff, provenance excluded. Every sbatch and mpirun runs under timeout, the
# timeouts adding up to well under ctest's 600 s, so the trap always gets to stop Slurm.
# usage: slurm_paths.sh COSTSWEEP MPIEXEC REPO        (exit 77: cannot run here, skipped)
set -euo pipefail
costsweep=$1 mpiexec=$2 repo=$3

if [[ $(id -u) -ne 0 ]] || ! command -v slurmctld >/dev/null || ! command -v sbatch >/dev/null; then
  echo "SKIP: needs root and Slurm (tools/setup installs slurm-wlm and munge)"
  exit 77
fi

work=$(mktemp -d /tmp/costsweep-slurm-test.XXXXXX)
chmod 0755 "$work" # munged runs as the munge user and must reach its socket inside
slurm_dir=$work/slurm
finish() {
  local status=$?
  if ((status != 0)); then
    echo "---- FAIL (exit $status): job logs and Slurm logs" >&2
    tail -n 30 "$work"/*.out "$work"/shards/*.out "$slurm_dir"/log/*.log >&2 2>/dev/null || true
  fi
  "$repo/tools/slurm-local" stop --dir "$slurm_dir" || true
  rm -rf "$work"
  exit "$status"
}
trap finish EXIT
trap 'exit 143' TERM INT

# A free slurmctld/slurmd port pair, so a Slurm already running here is left alone.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=$((20000 + (RANDOM % 2000) * 2))
until port_free "$port" && port_free $((port + 1)); do port=$((port + 2)); done
export COSTSWEEP_SLURM_PORT=$port SLURM_CONF=$slurm_dir/slurm.conf COSTSWEEP=$costsweep

# Runs a command and prints its wall time; returns the command's status.
timed() {
  local label=$1 began=$SECONDS status=0
  shift
  "$@" || status=$?
  echo "time: $label: $((SECONDS - began)) s (exit $status)"
  return "$status"
}
quiet() { "$@" >/dev/null; }

timed "slurm-local start" "$repo/tools/slurm-local" start --dir "$slurm_dir"
cd "$work"

same_datasets() {
  if ! h5diff --exclude-path /provenance "$1" "$2"; then
    echo "FAIL: $2 differs from $1" >&2
    h5diff -r --exclude-path /provenance "$1" "$2" | head -20 >&2
    return 1
  fi
  echo "identical: $(basename "$2") and $(basename "$1")"
}

echo "== (a) slurm/run.sbatch"
article=$repo/jobs/epoch-2026-article.ini
timed "sbatch --wait run.sbatch (2 tasks)" timeout 90 sbatch --wait --ntasks=2 \
  --output="$work/run-%j.out" "$repo/slurm/run.sbatch" "$article" "$work/slurm-run.h5" \
  --draws 20000 -q
timed "mpirun -np 2" quiet timeout 60 "$mpiexec" -np 2 "$costsweep" run "$article" \
  -o "$work/plain-run.h5" --draws 20000 -q
same_datasets "$work/plain-run.h5" "$work/slurm-run.h5"
status=0
timed "sbatch --wait run.sbatch (missing job)" timeout 60 sbatch --wait --ntasks=1 \
  --output="$work/bad-%j.out" "$repo/slurm/run.sbatch" "$work/no-such-job.ini" "$work/bad.h5" ||
  status=$?
if ((status != 2)); then
  echo "FAIL: run.sbatch of a missing job file: exit $status, expected costsweep's 2" >&2
  exit 1
fi
echo "exit status passed on: 2"

echo "== (b) slurm/submit-sweep"
sweep=$repo/jobs/epoch-2026-sweep.ini
if [[ ! -f $sweep ]]; then
  echo "FAIL (b): no grid job $sweep" >&2
  exit 1
else
  began=$SECONDS
  submitted=$(timeout 180 "$repo/slurm/submit-sweep" "$sweep" "$work/sweep.h5" --shards 3 \
    --max-array-size 2 --shard-dir "$work/shards" --wait -- --draws 2000 -q)
  echo "$submitted"
  echo "time: submit-sweep --wait (3 shards, 2 arrays, merge): $((SECONDS - began)) s"
  arrays=$(grep -c 'array job' <<<"$submitted")
  if ((arrays != 2)); then
    echo "FAIL: 3 shards at --max-array-size 2 went in $arrays arrays, expected 2" >&2
    exit 1
  fi
  for i in 0 1 2; do
    [[ -f $work/shards/shard-$i-of-3.h5 ]] || { echo "FAIL: no shard-$i-of-3.h5" >&2; exit 1; }
  done
  timed "mpirun -np 2 (sweep)" quiet timeout 60 "$mpiexec" -np 2 "$costsweep" run "$sweep" \
    -o "$work/plain-sweep.h5" --draws 2000 -q
  same_datasets "$work/plain-sweep.h5" "$work/sweep.h5"
fi
echo "== (c) checkpoint, requeue, resume"
ck_args=(--draws 60000 -q --set job.checkpoint_interval=0.2)
id=$(timeout 30 sbatch --parsable --ntasks=2 --output="$work/ck-%j.out" --open-mode=append \
  "$repo/slurm/run.sbatch" "$sweep" "$work/ck.h5" "${ck_args[@]}")
began=$SECONDS
until compgen -G "$work/ck.h5.checkpoint/*.ckpt" >/dev/null; do
  if ((SECONDS - began > 90)) || [[ -f $work/ck.h5 ]]; then
    echo "FAIL (c): job $id wrote no checkpoint piece in $((SECONDS - began)) s" >&2
    exit 1
  fi
  sleep 0.1
done
timeout 30 scancel --signal=USR1 "$id"
echo "signalled job $id after $((SECONDS - began)) s"
state='' ended=''
until [[ $state == COMPLETED ]]; do
  # While the job is requeued, scontrol may not know it for a moment ("Invalid job id").
  if ! show=$(scontrol show job "$id" 2>/dev/null); then
    if ((SECONDS - began > 240)); then
      echo "FAIL (c): job $id unknown to scontrol after $((SECONDS - began)) s" >&2
      exit 1
    fi
    sleep 0.5
    continue
  fi
  state=$(sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' <<<"$show")
  # While it is requeued the job may show an end state for a moment: only a lasting one fails.
  if [[ $state =~ ^(FAILED|CANCELLED|TIMEOUT|NODE_FAIL)$ ]]; then
    ended=${ended:-$SECONDS}
  else
    ended=''
  fi
  if ((SECONDS - began > 240)) || { [[ -n $ended ]] && ((SECONDS - ended > 15)); }; then
    echo "FAIL (c): job $id is $state after $((SECONDS - began)) s" >&2
    scontrol show job "$id" >&2 || true
    exit 1
  fi
  sleep 0.5
done
restarts=$(sed -n 's/.*Restarts=\([0-9]*\).*/\1/p' <<<"$show")
echo "time: checkpoint, requeue, resume of job $id: $((SECONDS - began)) s ($restarts restart)"
grep -q "requeueing job $id" "$work"/ck-"$id".out ||
  { echo "FAIL (c): the log does not say the job was requeued" >&2; exit 1; }
grep -q "resuming from" "$work"/ck-"$id".out ||
  { echo "FAIL (c): the log does not say the rerun resumed" >&2; exit 1; }
if ((restarts < 1)) || [[ -e $work/ck.h5.checkpoint ]]; then
  echo "FAIL (c): restarts $restarts, checkpoint left: $(ls "$work/ck.h5.checkpoint" 2>&1)" >&2
  exit 1
fi
timed "mpirun -np 2 (checkpointed sweep)" quiet timeout 90 "$mpiexec" -np 2 "$costsweep" run \
  "$sweep" -o "$work/plain-ck.h5" "${ck_args[@]}"
same_datasets "$work/plain-ck.h5" "$work/ck.h5"
timed "slurm-local stop" "$repo/tools/slurm-local" stop --dir "$slurm_dir"
echo "slurm paths: ok"
