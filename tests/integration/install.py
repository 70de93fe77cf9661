"""`cmake --install` into a fresh prefix gives a working costsweep: the installed binary runs the
flagship job from the installed jobs/ (its tables found beside it), the installed report tool
reads the result, and the installed Slurm scripts find the installed binary. Then the project
configures against an HDF5 laid out like a module's prefix (include/, lib/, no pkg-config file,
no compiler wrapper), found through HDF5_ROOT alone, and refuses the same prefix made serial."""
import glob
import os
import subprocess
import sys
import tempfile

import harness


def extra(parser):
    parser.add_argument("--build", required=True, help="the build folder to install from")
    parser.add_argument("--source", required=True, help="the source folder")


def main():
    args = harness.arguments(extra=extra)
    failures = []
    with tempfile.TemporaryDirectory() as work:
        prefix = os.path.join(work, "prefix")
        done = subprocess.run(["cmake", "--install", args.build, "--prefix", prefix],
                              capture_output=True, text=True)
        if done.returncode != 0:
            harness.finish("install", [f"cmake --install failed: {done.stderr[-800:]}"])
        costsweep = os.path.join(prefix, "bin", "costsweep")
        job = os.path.join(prefix, "share", "costsweep", "jobs", "epoch-2026-article.ini")
        out = os.path.join(work, "article.h5")
        done = subprocess.run([costsweep, "run", job, "-q", "-o", out, "--draws", "2000",
                               "--set", "sensitivity.sobol=no"], capture_output=True, text=True,
                              cwd=work)
        if done.returncode != 0 or not os.path.exists(out):
            failures.append(f"installed costsweep run: exit {done.returncode}, "
                            f"{done.stderr.strip()[-500:]!r}")
        else:
            report = os.path.join(work, "report")
            done = subprocess.run([os.path.join(prefix, "bin", "costsweep-report"), out,
                                   "-o", report], capture_output=True, text=True, cwd=work)
            if done.returncode != 0 or not os.path.exists(os.path.join(report, "report.md")):
                failures.append(f"installed costsweep-report: exit {done.returncode}, "
                                f"{done.stderr.strip()[-500:]!r}")
            elif "share[MiniMax]" not in open(os.path.join(report, "report.md")).read():
                failures.append("the installed report does not show share[MiniMax]")
        slurm = os.path.join(prefix, "share", "costsweep", "slurm")
        env = {k: v for k, v in os.environ.items() if k != "COSTSWEEP"}
        found = subprocess.run(["bash", "-c", f"source {slurm}/site.sh; echo $COSTSWEEP"],
                               capture_output=True, text=True, env=env).stdout.strip()
        if os.path.realpath(found) != os.path.realpath(costsweep):
            failures.append(f"the installed site.sh points at {found!r}, not {costsweep}")
        for script in ("run.sbatch", "shard-array.sbatch", "merge.sbatch", "submit-sweep"):
            if not os.access(os.path.join(slurm, script), os.X_OK):
                failures.append(f"{script} is not installed as a program")
        if glob.glob(os.path.join(prefix, "**", "__pycache__"), recursive=True):
            failures.append("a __pycache__ folder was installed")

        # A module-style HDF5 prefix: links to the parallel HDF5's headers and libraries only.
        hdf5 = os.path.join(work, "hdf5-mpi")
        os.makedirs(os.path.join(hdf5, "lib"))
        include = subprocess.run(["bash", "-c", "dirname $(ls /usr/include/hdf5/openmpi/H5pubconf.h "
                                  "2>/dev/null || echo /nonexistent/x)"],
                                 capture_output=True, text=True).stdout.strip()
        libdir = os.path.dirname(glob.glob("/usr/lib/*/hdf5/openmpi/libhdf5.so")[0]) \
            if glob.glob("/usr/lib/*/hdf5/openmpi/libhdf5.so") else None
        if os.path.isdir(include) and libdir:
            os.symlink(include, os.path.join(hdf5, "include"))
            for lib in glob.glob(os.path.join(libdir, "libhdf5*.so*")):
                os.symlink(lib, os.path.join(hdf5, "lib", os.path.basename(lib)))
            build = os.path.join(work, "configure")
            env = dict(os.environ, PATH="/usr/sbin:/usr/bin:/sbin:/bin", PKG_CONFIG_PATH="/nonexistent")
            done = subprocess.run(["cmake", "-S", args.source, "-B", build,
                                   f"-DHDF5_ROOT={hdf5}", "-DHDF5_C_COMPILER_EXECUTABLE=",
                                   "-DHDF5_NO_FIND_PACKAGE_CONFIG_FILE=ON",
                                   "-DCOSTSWEEP_BUILD_TESTS=OFF", "-DCOSTSWEEP_BUILD_BENCHMARKS=OFF"],
                                  capture_output=True, text=True, env=env)
            cache = open(os.path.join(build, "CMakeCache.txt")).read() \
                if os.path.exists(os.path.join(build, "CMakeCache.txt")) else ""
            library = f"HDF5_hdf5_LIBRARY_RELEASE:FILEPATH={hdf5}/lib/libhdf5.so"
            if done.returncode != 0:
                failures.append(f"configure with HDF5_ROOT={hdf5} failed: {done.stderr[-800:]}")
            elif library not in cache or "HDF5_IS_PARALLEL:BOOL=TRUE" not in cache:
                failures.append(f"configure did not take the parallel HDF5 of HDF5_ROOT={hdf5}")

            # The same prefix with a serial H5pubconf.h (no H5_HAVE_PARALLEL): refused.
            serial = os.path.join(work, "hdf5-serial")
            os.makedirs(os.path.join(serial, "include"))
            os.symlink(os.path.join(hdf5, "lib"), os.path.join(serial, "lib"))
            for header in os.listdir(include):
                if header != "H5pubconf.h":
                    os.symlink(os.path.join(include, header),
                               os.path.join(serial, "include", header))
            with open(os.path.join(include, "H5pubconf.h")) as src, \
                    open(os.path.join(serial, "include", "H5pubconf.h"), "w") as dst:
                dst.writelines(line for line in src if "H5_HAVE_PARALLEL" not in line)
            done = subprocess.run(["cmake", "-S", args.source, "-B", os.path.join(work, "serial"),
                                   f"-DHDF5_ROOT={serial}", "-DHDF5_C_COMPILER_EXECUTABLE=",
                                   "-DHDF5_NO_FIND_PACKAGE_CONFIG_FILE=ON",
                                   "-DCOSTSWEEP_BUILD_TESTS=OFF", "-DCOSTSWEEP_BUILD_BENCHMARKS=OFF"],
                                  capture_output=True, text=True, env=env)
            if done.returncode == 0 or "needs a parallel (MPI) HDF5" not in done.stderr:
                failures.append("a serial HDF5 was not refused at configure time: exit "
                                f"{done.returncode}, {done.stderr[-400:]!r}")
        else:
            print("install: no Debian parallel HDF5 layout to imitate; module-style check skipped")
    harness.finish("install", failures)


if __name__ == "__main__":
    main()
