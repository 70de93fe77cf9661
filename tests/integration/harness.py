"""What every integration test script shares: the command line ctest passes it."""
import argparse
import sys


def arguments(description=None, extra=None):
    """--costsweep BINARY --mpiexec MPIEXEC --jobs JOBS_DIR (plus extra(parser) options)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--costsweep", required=True, help="the costsweep binary under test")
    parser.add_argument("--mpiexec", required=True, help="mpiexec of the MPI it was built with")
    parser.add_argument("--jobs", required=True, help="the repository's jobs/ folder")
    if extra:
        extra(parser)
    return parser.parse_args()


def finish(name, failures):
    """Prints each failure to stderr and a one-line verdict; exits 1 if anything failed."""
    for failure in failures:
        print("FAIL:", failure, file=sys.stderr)
    print(f"{name}:", "ok" if not failures else f"{len(failures)} failures")
    sys.exit(1 if failures else 0)
