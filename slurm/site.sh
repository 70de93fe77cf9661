# shellcheck shell=bash disable=SC2034 # sourced: the scripts use what it sets
# Site header of the costsweep Slurm scripts: everything a cluster may need changed, and nothing
# else. Sourced (bash) by run.sbatch, shard-array.sbatch, merge.sbatch and submit-sweep; each value
# below is a default that the environment variable of the same name replaces, e.g.
#   COSTSWEEP_PARTITION=short COSTSWEEP_ACCOUNT=proj42 slurm/submit-sweep job.ini out.h5 --shards 8
# Edit the defaults here for a site; set the variables for one submission.

# Repository root: this file lives in <root>/slurm/.
costsweep_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Partition (sbatch --partition) for every job submit-sweep submits. Empty: the cluster's default
# partition. Direct 'sbatch slurm/run.sbatch' uses sbatch's own -p or SBATCH_PARTITION instead.
: "${COSTSWEEP_PARTITION=${SBATCH_PARTITION:-}}"

# Account (sbatch --account) charged for the jobs submit-sweep submits. Empty: the user's default
# account. Direct 'sbatch' uses -A or SBATCH_ACCOUNT.
: "${COSTSWEEP_ACCOUNT=${SBATCH_ACCOUNT:-}}"

# Extra sbatch options for every job submit-sweep submits, split on spaces, e.g.
# "--time=02:00:00 --mem-per-cpu=2G --qos=normal". Options given here override the scripts'
# #SBATCH lines. Keep --export at its default (ALL): the scripts receive their settings that way.
: "${COSTSWEEP_SBATCH_OPTIONS=}"

# Environment modules loaded at the start of every job, space-separated, e.g.
# "gcc/12 openmpi/4.1 hdf5/1.10-mpi". Empty: load nothing (the Debian packages need none).
: "${COSTSWEEP_MODULES=}"

# The MPI launcher put before the costsweep command inside a job, split on spaces. srun starts
# one rank per task of the job; Debian's Open MPI speaks only PMIx to srun. "mpirun" also works
# inside an allocation. Empty or unset: the default.
: "${COSTSWEEP_LAUNCHER:=srun --mpi=pmix}"

# The costsweep binary, as seen from the compute nodes. Default: the Release build of this
# repository (tools/build), or, for scripts installed by `cmake --install` (in
# <prefix>/share/costsweep/slurm), <prefix>/bin/costsweep. Empty or unset: the default. The tests
# set it to the build under test.
if [[ -z ${COSTSWEEP:-} ]]; then
  if [[ ! -d $costsweep_root/src && -x $costsweep_root/../../bin/costsweep ]]; then
    COSTSWEEP=$(cd "$costsweep_root/../../bin" && pwd)/costsweep
  else
    COSTSWEEP=$costsweep_root/build/release/src/costsweep
  fi
fi

# ---- no settings below: helpers used by the scripts ----

# Loads COSTSWEEP_MODULES; fails if a module is asked for and there is no module command.
costsweep_load_modules() {
  [[ -n $COSTSWEEP_MODULES ]] || return 0
  if ! command -v module >/dev/null 2>&1; then
    echo "costsweep: error: cannot load modules '$COSTSWEEP_MODULES':" \
      "no 'module' command on $(hostname)" >&2
    return 2
  fi
  # shellcheck disable=SC2086 # one word per module
  module load $COSTSWEEP_MODULES
}

# Fills the array costsweep_launcher with COSTSWEEP_LAUNCHER's words and checks the binary.
costsweep_prepare() {
  costsweep_load_modules || return
  read -r -a costsweep_launcher <<<"$COSTSWEEP_LAUNCHER"
  if [[ ! -x $COSTSWEEP ]]; then
    echo "costsweep: error: cannot run '$COSTSWEEP': no such executable" \
      "(build it with tools/build, or set COSTSWEEP)" >&2
    return 2
  fi
}

# Runs costsweep (its arguments: the command after the launcher) and ends the job script: with
# costsweep's exit status, except status 4 (interrupted by Slurm's --signal or a preemption's
# SIGTERM after writing a checkpoint), where it requeues this job (or array task), which then
# runs again and resumes (the scripts always pass --resume), and exits 0.
costsweep_run_or_requeue() {
  local status=0
  "$@" || status=$?
  if ((status == 4)) && [[ -n ${SLURM_JOB_ID:-} ]]; then
    echo "costsweep: checkpoint written; requeueing job $SLURM_JOB_ID to resume" \
      "(restart ${SLURM_RESTART_COUNT:-0} so far)" >&2
    if scontrol requeue "$SLURM_JOB_ID"; then exit 0; fi
    echo "costsweep: error: scontrol requeue $SLURM_JOB_ID failed; resubmit to resume" >&2
  fi
  exit "$status"
}

# Fills the array costsweep_sbatch_options with the partition, account and extra options.
costsweep_site_sbatch_options() {
  costsweep_sbatch_options=()
  if [[ -n $COSTSWEEP_PARTITION ]]; then
    costsweep_sbatch_options+=("--partition=$COSTSWEEP_PARTITION")
  fi
  if [[ -n $COSTSWEEP_ACCOUNT ]]; then
    costsweep_sbatch_options+=("--account=$COSTSWEEP_ACCOUNT")
  fi
  local extra
  read -r -a extra <<<"$COSTSWEEP_SBATCH_OPTIONS"
  costsweep_sbatch_options+=("${extra[@]}")
}
