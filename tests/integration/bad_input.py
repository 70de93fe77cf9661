"""Malformed jobs and command lines: each exits with status 2, prints a message naming the file,
line or key and what is allowed, and leaves no output file (not even a partial one)."""
import os
import stat
import subprocess
import sys
import tempfile

import harness

GOOD = """[job]
model = ishigami
draws = 1000
seed = 5
output = {out}
[inputs]
x1 = uniform(-pi, pi)
"""

# A lifecycle job on the repository's hardware table (its folder is filled in by main()).
LIFECYCLE = """[job]
model = lifecycle
draws = 1000
output = {out}
[model]
hardware_table = {configs}/hardware.csv
[inputs]
"""

# A training_cost job on the repository's Epoch tables: MFU, price and fractions have ranges.
TRAINING = """[job]
model = training_cost
draws = 1000
output = {out}
[model]
entries = {configs}/epoch-2026/entries.csv
companies = {configs}/epoch-2026/companies.csv
hardware = {configs}/hardware.csv
[inputs]
"""

# (name, job text or None for "no such file", extra args, expected message fragments)
FORMULA_BY_ZERO = """[job]
model = formula
draws = 1000
output = {out}
[model]
output.y = x1 / z
const.z = 0
[inputs]
x1 = uniform(1, 2)
"""

CASES = [
    ("bad_spec", GOOD + "x2 = gamma(1, 2)\n", [], ["unknown", "gamma", "line 8", "inputs.x2"]),
    ("p10_above_p90", GOOD + "x2 = lognormal(p10=0.4, p90=0.35)\n", [],
     ["p10 (0.4) must be below p90 (0.35)", "line 8"]),
    ("negative_sigma", GOOD + "x2 = lognormal(median=1, sigma=-0.5)\n", [], ["sigma", "line 8"]),
    ("unknown_key", GOOD.replace("seed = 5", "sead = 5"), [],
     ["key 'job.sead': unknown key", "line 4", "job.seed"]),
    ("unknown_model", GOOD.replace("ishigami", "ishigamy"), [],
     ["unknown model", "ishigamy", "models: formula, ishigami, lifecycle, training_cost", "line 2"]),
    ("zero_draws", GOOD.replace("draws = 1000", "draws = 0"), [], ["draws '0'", "line 3", "1 to 2^53"]),
    ("negative_draws", GOOD.replace("draws = 1000", "draws = -5"), [], ["draws '-5'", "line 3"]),
    ("fractional_draws", GOOD.replace("draws = 1000", "draws = 10.5"), [], ["draws '10.5'"]),
    ("missing_file", None, [], ["no such file"]),
    ("duplicate_key", GOOD + "x1 = uniform(0, 1)\n", [], ["duplicate key 'inputs.x1'", "line 8", "line 7"]),
    ("non_number_seed", GOOD.replace("seed = 5", "seed = five"), [], ["seed 'five'", "line 4"]),
    ("missing_folder", GOOD, ["-o", "{work}/no/such/folder/out.h5"], ["folder", "does not exist"]),
    ("unknown_input", GOOD + "x9 = uniform(0, 1)\n", [], ["key 'inputs.x9': unknown key", "x1, x2, x3"]),
    ("bad_quantile", GOOD + "[job]\nquantiles = 0.5 1.5\n", [], ["quantile level '1.5'", "[0, 1]"]),
    ("no_equals_line", GOOD + "this line is wrong\n", [], ["line 8", "not 'key = value'"]),
    ("bad_model_parameter", GOOD + "[model]\na = seven\n", [], ["model.a 'seven'", "finite number"]),
    ("bad_block_size", GOOD, ["--set", "job.block_size=0"], ["block_size '0'", "--set"]),
    ("bad_override_syntax", GOOD, ["--set", "job.draws"], ["expected key=value"]),
    ("unknown_flag", GOOD, ["--drawz", "5"], ["drawz", "command line"]),
    ("unknown_section", GOOD + "[grids]\nx = 1\n", [], ["key 'grids.x': unknown key", "sections"]),
    ("axis_over_unknown_key", GOOD + "[grid]\naxis.inputs.x9 = uniform(0, 1) | uniform(0, 2)\n", [],
     ["key 'inputs.x9': unknown key", "(scenario 'inputs.x9=uniform(0, 1)')"]),
    ("axis_value_fails", GOOD + "[grid]\naxis.inputs.x2 = ok: uniform(0, 1) | bad: uniform(2, 1)\n", [],
     ["uniform", "scenario 'inputs.x2=bad'"]),
    ("axis_over_job_key", GOOD + "[grid]\naxis.job.draws = 10 | 20\n", [], ["cannot sweep 'job.draws'"]),
    ("zip_of_unequal_axes", GOOD + "[grid]\naxis.inputs.x2 = uniform(0, 1) | uniform(0, 2)\n"
     "axis.inputs.x3 = uniform(0, 1)\nzip = inputs.x2 inputs.x3\n", [], ["zipped axes need as many values"]),
    ("shard_beyond_count", GOOD, ["--shard", "3/2"], ["--shard '3/2'", "0 <= I < N"]),
    ("group_of_unknown_assumption", GOOD + "[sensitivity]\ngroup.g = x1, mfu\n", [],
     ["cannot group 'mfu'", "line 9", "sensitivity.group.g"]),
    ("unknown_plan", GOOD.replace("seed = 5", "seed = 5\nplan = halton"), [],
     ["sampling plan 'halton'", "mc, lhs or sobol", "line 5"]),
    ("sobol_draws_not_power_of_two", GOOD.replace("seed = 5", "seed = 5\nplan = sobol"), [],
     ["draws '1000' with the sobol plan", "powers of two"]),
    ("unknown_grid_key", GOOD + "[grid]\nx = 1\n", [], ["key 'grid.x': unknown", "axis.<job key>"]),
    ("truncate_without_mass", GOOD + "x2 = truncate(uniform(0, 1), 2, 3)\n", [], ["inputs.x2", "mass"]),
    # Plan/method mismatches: the stopping rule adds draws, which a Latin hypercube cannot, and
    # watches Sobol intervals, which must be asked for.
    ("stopping_rule_with_lhs", GOOD.replace("seed = 5", "seed = 5\nplan = lhs") +
     "[sensitivity]\nsobol = yes\ntarget_halfwidth = 0.02\n", [],
     ["stopping rule with the lhs plan", "use job.plan = mc or sobol", "line 11"]),
    ("stopping_rule_without_sobol", GOOD + "[sensitivity]\ntarget_halfwidth = 0.02\n", [],
     ["stopping rule without Sobol indices", "sensitivity.sobol = yes", "line 9"]),
    ("target_out_of_range", GOOD + "[sensitivity]\nsobol = yes\ntarget_halfwidth = 2\n", [],
     ["target_halfwidth '2'", "(0, 1)", "line 10"]),
    ("max_draws_below_draws", GOOD + "[sensitivity]\nsobol = yes\ntarget_halfwidth = 0.1\n"
     "max_draws = 10\n", [], ["max_draws '10'", "below job.draws (1000)", "line 11"]),
    ("max_draws_without_target", GOOD + "[sensitivity]\nmax_draws = 5000\n", [],
     ["max_draws without a stopping rule", "target_halfwidth"]),
    ("bad_rank_flag", GOOD + "[sensitivity]\nrank = maybe\n", [], ["rank 'maybe'", "yes or no"]),
    ("rank_draws_too_few", GOOD + "[sensitivity]\nrank = yes\nrank_draws = 3\n", [],
     ["rank_draws '3'", "10 to 10000000"]),
    ("lifecycle_utilization_above_one", LIFECYCLE + "compute_utilization = uniform(0.3, 1.2)\n", [],
     ["inputs.compute_utilization 'uniform(0.3, 1.2)': its values reach 1.2, outside (0, 1]",
      "line 8"]),
    ("lifecycle_zero_utilization", LIFECYCLE, ["--set", "inputs.bandwidth_utilization=0"],
     ["inputs.bandwidth_utilization '0': the value 0, outside (0, 1]", "--set"]),
    ("lifecycle_zero_lifetime", LIFECYCLE + "lifetime_months = 0\n", [],
     ["inputs.lifetime_months '0': the value 0, outside (0, 600]", "line 8"]),
    ("lifecycle_precision_hardware_lacks",
     LIFECYCLE.replace("[inputs]", "hardware = NVIDIA V100 SXM2 32GB\nprecision = fp8\n[inputs]"), [],
     ["NVIDIA V100 SXM2 32GB has no fp8 peak in", "hardware.csv row 2 (line 3), column 'fp8_dense_flops'",
      "key model.precision"]),
    ("lifecycle_unknown_hardware", LIFECYCLE.replace("[inputs]", "hardware = TPU v9\n[inputs]"), [],
     ["model.hardware 'TPU v9': no such row", "NVIDIA H100 SXM5 80GB", "line 7"]),
    ("lifecycle_too_big_for_replica", LIFECYCLE.replace("[inputs]", "max_gpus_per_replica = 8\n[inputs]"),
     [], ["cannot fit the model in a replica", "more than max_gpus_per_replica = 8", "line 7"]),
    ("lifecycle_unbounded_params", LIFECYCLE + "total_params = lognormal(p10=1e12, p90=2e12)\n", [],
     ["cannot fit the model in a replica", "inf GPUs"]),
    ("training_mfu_normal", TRAINING + "mfu.pretrain = normal(0.3, 0.2)\n", [],
     ["inputs.mfu.pretrain 'normal(0.3, 0.2)': its values reach -inf, outside (0, 1]", "line 10"]),
    ("training_mfu_above_one", TRAINING + "mfu.rl = 1.2\n", [],
     ["inputs.mfu.rl '1.2': the value 1.2, outside (0, 1]", "line 10"]),
    ("training_mfu_tail_above_one", TRAINING + "mfu.pretrain = lognormal(p10=0.5, p90=0.9)\n", [],
     ["P(value > 1) = 0.04", "truncate(lognormal(p10=0.5, p90=0.9), 0, 1)", "line 10"]),
    ("training_negative_price", TRAINING + "price = normal(2, 1)\n", [],
     ["inputs.price 'normal(2, 1)': its values reach -inf, outside (0, inf)"]),
    ("training_fraction_above_one", TRAINING + "sft_fraction = uniform(0.5, 1.5)\n", [],
     ["inputs.sft_fraction 'uniform(0.5, 1.5)': its values reach 1.5, outside [0, 1]"]),
    ("shard_beyond_scenarios", GOOD, ["--shard", "1/2"], ["--shard 1/2", "1 scenario"]),
    ("empty_quantiles", GOOD + "[job]\nquantiles =\n", [], ["at least one level", "line 9"]),
    ("job_not_utf8", GOOD.encode() + b"[job]\ntitle = caf\xe9\n", [],
     ["line 9, byte 12: byte 0xE9 is not UTF-8"]),
    ("job_nul_byte", GOOD.encode() + b"[job]\ntitle = a\x00b\n", [],
     ["line 9, byte 10: control character 0x00"]),
    ("job_bom_then_unknown_key", b"\xef\xbb\xbf" + GOOD.replace("seed", "sead").encode(), [],
     ["key 'job.sead': unknown key", "line 4"]),
    ("set_control_character", GOOD, ["--set", "job.title=a\x01b"],
     ["cannot apply --set: control character 0x01"]),
    ("key_before_any_section", "model = ishigami\n" + GOOD.replace("model = ishigami\n", ""), [],
     ["line 1: 'model' comes before any [section]", "[job]"]),
    ("group_named_like_an_input", GOOD + "[sensitivity]\ngroup.x1 = x2\n", [],
     ["cannot name group 'x1'", "line 9", "sensitivity.group.x1"]),
    ("empty_group", GOOD + "[sensitivity]\ngroup.g =\n", [], ["group 'g'", "lists no inputs"]),
    ("empty_axis", GOOD + "[grid]\naxis.inputs.x2 =\n", [],
     ["cannot sweep 'inputs.x2': value 1 is empty", "line 9"]),
    ("empty_axis_value", GOOD + "[grid]\naxis.inputs.x2 = uniform(0, 1) | | uniform(0, 2)\n", [],
     ["value 2 is empty"]),
    ("empty_scenario_section", GOOD + "[scenario.a]\ninputs.x2 = uniform(0, 1)\n[scenario.b]\n"
     "[scenario.c]\ninputs.x2 = uniform(0, 2)\n", [],
     ["line 10: section [scenario.b] is empty"]),
    # Memory: refused before any compute, naming the key that drives the need.
    ("too_big_for_memory", GOOD + "[sensitivity]\nrank = yes\nrank_draws = 10000000\n",
     ["--draws", "1e7", "--set", "job.memory_limit=200M"],
     ["cannot run", "per rank", "more than the 200.0 MiB a rank may use (job.memory_limit)",
      "rank measures' first draws", "driven by sensitivity.rank_draws"]),
    ("bad_memory_limit", GOOD, ["--set", "job.memory_limit=lots"],
     ["memory_limit 'lots'", "4G, 512M", "--set"]),
    ("memory_limit_below_1M", GOOD, ["--set", "job.memory_limit=100K"], ["memory_limit '100K'"]),
    ("bad_statistics_mode", GOOD, ["--set", "job.statistics=fast"],
     ["statistics 'fast'", "auto, memory or streaming"]),
    # A divisor that is the constant 0, or constants that give an infinity, fail before any draw.
    ("division_by_zero_constant", FORMULA_BY_ZERO, [],
     ["model.output.y", "divides by zero: 'z' is 0", "line 6"]),
    ("division_by_zero_in_a_grid", FORMULA_BY_ZERO.replace("const.z = 0", "const.z = 2") +
     "[grid]\naxis.model.const.z = 1 | 0\n", [], ["divides by zero: 'z' is 0", "model.const.z=0"]),
    ("division_by_zero_number", FORMULA_BY_ZERO.replace("x1 / z", "x1 / (2 - 2)"), [],
     ["divides by zero: '2 - 2' is 0"]),
    ("constant_log_of_zero", FORMULA_BY_ZERO.replace("x1 / z", "x1 + log(z)"), [],
     ["'log(z)' is -inf", "model.output.y"]),
]


# Models whose outputs cannot be summarised: exit 1 (a runtime failure), naming output, scenario
# and how many draws, and nothing written.
FORMULA = """[job]
model = formula
draws = 1000
output = {out}
[model]
output.y = exp(1000 * x1)
[inputs]
x1 = uniform(1, 2)
"""
RUNTIME_CASES = [
    ("overflow_to_infinity", FORMULA, [],
     ["output 'y' of scenario 'baseline'", "an infinite value (e.g. a division by zero) for 1000 draws"]),
    ("overflow_in_a_grid", FORMULA.replace("exp(1000 * x1)", "exp(k * x1)\nconst.k = 1") +
     "[grid]\naxis.model.const.k = 1 | 1000\n", [],
     ["output 'y' of scenario 'model.const.k=1000'", "an infinite value", "for 1000 draws"]),
]


def run_case(costsweep, mpiexec, work, name, text, extra, fragments, ranks, status=2):
    case_dir = os.path.join(work, f"{name}-np{ranks}")
    os.makedirs(case_dir)
    out = os.path.join(case_dir, "result.h5")
    job = os.path.join(case_dir, "job.ini")
    if isinstance(text, bytes):  # raw bytes: encodings, byte-order marks
        with open(job, "wb") as f:
            f.write(text.replace(b"{out}", out.encode()))
    elif text is not None:
        with open(job, "w") as f:
            f.write(text.format(out=out, configs=CONFIGS))
    args = [a.format(work=case_dir) for a in extra]
    command = [costsweep, "run", job, "-q"] + args
    if ranks > 1:
        command = [mpiexec, "--oversubscribe", "-np", str(ranks)] + command
    done = subprocess.run(command, capture_output=True, text=True, cwd=case_dir, timeout=120)
    problems = []
    if done.returncode != status:
        problems.append(f"exit status {done.returncode}, expected {status}")
    for fragment in fragments:
        if fragment not in done.stderr:
            problems.append(f"message lacks {fragment!r}")
    if "error" not in done.stderr:
        problems.append("no error message")
    left = [n for n in os.listdir(case_dir) if n.endswith((".h5", ".partial"))]
    if left:
        problems.append(f"left files {left}")
    if problems:
        print(f"FAIL {name} (np {ranks}): {'; '.join(problems)}\n  stderr: {done.stderr.strip()}")
    return not problems


CONFIGS = ""


def main():
    global CONFIGS
    args = harness.arguments()
    CONFIGS = os.path.abspath(os.path.join(args.jobs, "..", "configs"))
    failures = 0
    with tempfile.TemporaryDirectory() as work:
        # The good job itself must pass, or every case below proves nothing.
        assert run_good(args.costsweep, work), "the reference job failed"
        for ranks in (1, 2):
            for name, text, extra, fragments in CASES:
                if ranks == 2 and name not in ("p10_above_p90", "missing_file", "duplicate_key"):
                    continue
                if not run_case(args.costsweep, args.mpiexec, work, name, text, extra, fragments, ranks):
                    failures += 1
        for name, text, extra, fragments in RUNTIME_CASES:
            failures += not run_case(args.costsweep, args.mpiexec, work, name, text, extra,
                                     fragments, 1, status=1)
        failures += not out_of_memory(args.costsweep, work)
        if os.geteuid() != 0:  # root reads anything, so unreadable files are tested as a user only
            unreadable = os.path.join(work, "unreadable.ini")
            with open(unreadable, "w") as f:
                f.write(GOOD)
            os.chmod(unreadable, 0)
            done = subprocess.run([args.costsweep, "run", unreadable], capture_output=True, text=True)
            failures += done.returncode != 2
    print(f"bad input: {len(CASES)} malformed jobs, {len(RUNTIME_CASES)} failing models, "
          f"{failures} failures")
    sys.exit(1 if failures else 0)


def out_of_memory(costsweep, work):
    """A run allowed more memory than the process gets (job.memory_limit set too high) fails with
    a message saying so and what to change, not a bare std::bad_alloc, and writes nothing."""
    import resource
    job = os.path.join(work, "oom.ini")
    out = os.path.join(work, "oom.h5")
    with open(job, "w") as f:
        f.write(GOOD.format(out=out))
    limit = lambda: resource.setrlimit(resource.RLIMIT_AS, (600 << 20, 600 << 20))
    done = subprocess.run([costsweep, "run", job, "-q", "--draws", "1e8", "--set",
                           "job.memory_limit=100G", "--set", "job.statistics=memory"],
                          capture_output=True, text=True, preexec_fn=limit, timeout=120)
    ok = (done.returncode == 1 and "out of memory on rank 0" in done.stderr and
          "job.statistics = streaming" in done.stderr and
          not [p for p in os.listdir(work) if p.startswith("oom.h5")])
    if not ok:
        print(f"FAIL out_of_memory: exit {done.returncode}, {done.stderr.strip()[:300]!r}")
    return ok


def run_good(costsweep, work):
    out = os.path.join(work, "good.h5")
    job = os.path.join(work, "good.ini")
    with open(job, "w") as f:
        f.write(GOOD.format(out=out))
    done = subprocess.run([costsweep, "run", job, "-q"], capture_output=True, text=True)
    ok = done.returncode == 0 and os.path.exists(out)
    os.remove(out) if ok else print(done.stderr)
    return ok


if __name__ == "__main__":
    main()
