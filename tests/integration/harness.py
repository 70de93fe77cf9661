"""What every integration test script shares: the command line ctest passes it."""
import argparse


def arguments(description=None, extra=None):
    """--costsweep BINARY --mpiexec MPIEXEC --jobs JOBS_DIR (plus extra(parser) options)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--costsweep", required=True, help="the costsweep binary under test")
    parser.add_argument("--mpiexec", required=True, help="mpiexec of the MPI it was built with")
    parser.add_argument("--jobs", required=True, help="the repository's jobs/ folder")
    if extra:
        extra(parser)
    return parser.parse_args()
