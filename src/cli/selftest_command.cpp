// `costsweep selftest`: known-answer problems run through the whole pipeline (job text, MPI
// driver, result file, reader) on the ranks it is started on, each checked against its closed
// form: for checking an installation after a module, compiler or MPI change.
#include <stdlib.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/job_reader.hpp"
#include "core/errors/errors.hpp"
#include "driver/driver.hpp"
#include "io/h5_handle.hpp"
#include "io/output_file.hpp"
#include "io/result_reader.hpp"
#include "mpi/communicator.hpp"
#include "study/study.hpp"

namespace costsweep::cli {
namespace {

/// One problem: a job, and checks of its result (name, value, expected, tolerance).
struct Check {
  std::string what;
  double value, expected, tolerance;
};
struct Problem {
  std::string name;
  std::string job;
  std::function<std::vector<Check>(const io::ResultTables&)> checks;
};

double at(const std::vector<double>& v, std::size_t i) { return v.at(i); }

std::vector<Problem> problems() {
  // Ishigami (a = 7, b = 0.1; Ishigami & Homma 1990, Sobol' 2001): E = a/2, Var = 13.8446,
  // S = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437).
  Problem ishigami{
      "Ishigami moments and Sobol indices (2^20 draws)",
      "[job]\nmodel = ishigami\ndraws = 1048576\nseed = 7\nquantiles = 0.5\n"
      "[model]\na = 7\nb = 0.1\n[inputs]\nx1 = uniform(-pi, pi)\n"
      "x2 = uniform(-pi, pi)\nx3 = uniform(-pi, pi)\n[sensitivity]\nsobol = yes\n",
      [](const io::ResultTables& t) {
        const double se = at(t.se, 0);
        std::vector<Check> c = {{"mean", at(t.mean, 0), 3.5, 4 * se},
                                {"sd", at(t.sd, 0), std::sqrt(13.844588), 0.03}};
        const double first[] = {0.3139, 0.4424, 0.0}, total[] = {0.5576, 0.4424, 0.2437};
        for (std::size_t g = 0; g < 3; ++g) {
          const std::string x = "x" + std::to_string(g + 1);
          c.push_back({"S(" + x + ")", at(t.sobol_first, g), first[g],
                       2 * at(t.sobol_first_halfwidth, g) + 1e-3});
          c.push_back({"ST(" + x + ")", at(t.sobol_total, g), total[g],
                       2 * at(t.sobol_total_halfwidth, g) + 1e-3});
        }
        return c;
      }};
  // A product of lognormals is lognormal: median 2 x 3 = 6, sigma sqrt(0.5^2 + 0.3^2); mean
  // 6 exp(sigma^2 / 2), P95 6 exp(1.644854 sigma).
  const double sigma = std::sqrt(0.34);
  Problem product{"lognormal product (10^6 draws)",
                  "[job]\nmodel = formula\ndraws = 1000000\nseed = 11\nquantiles = 0.5 0.95\n"
                  "[model]\noutput.y = x1 * x2\nunit.y = 1\n[inputs]\n"
                  "x1 = lognormal(median=2, sigma=0.5)\nx2 = lognormal(median=3, sigma=0.3)\n",
                  [sigma](const io::ResultTables& t) {
                    return std::vector<Check>{
                        {"mean", at(t.mean, 0), 6 * std::exp(sigma * sigma / 2), 4 * at(t.se, 0)},
                        {"P50", at(t.quantiles, 0), 6.0, 0.02 * 6},
                        {"P95", at(t.quantiles, 1), 6 * std::exp(1.6448536 * sigma),
                         0.03 * 6 * std::exp(1.6448536 * sigma)}};
                  }};
  // y = x1 + 2 x2 with independent standard normals: Var = 5, S = (1/5, 4/5), ST = S.
  Problem linear{"linear model Sobol indices (2^18 draws)",
                 "[job]\nmodel = formula\ndraws = 262144\nseed = 13\nquantiles = 0.5\n"
                 "[model]\noutput.y = x1 + 2 * x2\nunit.y = 1\n[inputs]\n"
                 "x1 = normal(0, 1)\nx2 = normal(0, 1)\n[sensitivity]\nsobol = yes\n",
                 [](const io::ResultTables& t) {
                   std::vector<Check> c = {{"mean", at(t.mean, 0), 0.0, 4 * at(t.se, 0)},
                                           {"sd", at(t.sd, 0), std::sqrt(5.0), 0.02}};
                   for (std::size_t g = 0; g < 2; ++g) {
                     const double s = g == 0 ? 0.2 : 0.8;
                     c.push_back({"S(x" + std::to_string(g + 1) + ")", at(t.sobol_first, g), s,
                                  2 * at(t.sobol_first_halfwidth, g) + 1e-3});
                     c.push_back({"ST(x" + std::to_string(g + 1) + ")", at(t.sobol_total, g), s,
                                  2 * at(t.sobol_total_halfwidth, g) + 1e-3});
                   }
                   return c;
                 }};
  // Sobol' G-function, g = prod (|4 x_i - 2| + a_i) / (1 + a_i) with x_i ~ U(0, 1) and
  // a = (0, 1, 4.5, 9) (Saltelli et al. 2010): E = 1, V_i = 1 / (3 (1 + a_i)^2),
  // V = prod (1 + V_i) - 1, S_i = V_i / V, ST_i = V_i prod_{j != i} (1 + V_j) / V.
  Problem g_function{
      "Sobol' G-function indices (2^18 draws)",
      "[job]\nmodel = formula\ndraws = 262144\nseed = 17\nquantiles = 0.5\n"
      "[model]\noutput.g = (abs(4 * x1 - 2) + 0) / 1 * (abs(4 * x2 - 2) + 1) / 2 * "
      "(abs(4 * x3 - 2) + 4.5) / 5.5 * (abs(4 * x4 - 2) + 9) / 10\nunit.g = 1\n[inputs]\n"
      "x1 = uniform(0, 1)\nx2 = uniform(0, 1)\nx3 = uniform(0, 1)\nx4 = uniform(0, 1)\n"
      "[sensitivity]\nsobol = yes\n",
      [](const io::ResultTables& t) {
        const double a[] = {0, 1, 4.5, 9};
        double v[4], all = 1;  // prod (1 + V_i)
        for (std::size_t i = 0; i < 4; ++i) {
          v[i] = 1 / (3 * (1 + a[i]) * (1 + a[i]));
          all *= 1 + v[i];
        }
        const double variance = all - 1;
        std::vector<Check> c = {{"mean", at(t.mean, 0), 1.0, 4 * at(t.se, 0)},
                                {"sd", at(t.sd, 0), std::sqrt(variance), 0.01}};
        for (std::size_t g = 0; g < 4; ++g) {
          const std::string x = "x" + std::to_string(g + 1);
          c.push_back({"S(" + x + ")", at(t.sobol_first, g), v[g] / variance,
                       2 * at(t.sobol_first_halfwidth, g) + 1e-3});
          c.push_back({"ST(" + x + ")", at(t.sobol_total, g), v[g] * all / (1 + v[g]) / variance,
                       2 * at(t.sobol_total_halfwidth, g) + 1e-3});
        }
        return c;
      }};
  return {ishigami, product, linear, g_function};
}

}  // namespace

int command_selftest(int argc, char** argv) {
  if (argc > 1) {
    std::printf(
        "usage: costsweep selftest   (under mpirun or srun: on the ranks it is started on)\n"
        "Runs known-answer problems through the whole pipeline and checks each against its\n"
        "closed form; exit status 0 when all pass, 1 otherwise.\n");
    return std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" ? 0 : 2;
  }
  mpi::Environment environment(argc, argv);
  h5::silence_error_printing();  // costsweep reports HDF5 failures itself
  const auto comm = mpi::Communicator::world();
  std::string folder;
  if (comm.rank() == 0) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "costsweep-selftest-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw RuntimeError("cannot make a temporary folder");
    folder = pattern;
  }
  folder = comm.broadcast(folder);
  int failed = 0;
  for (const auto& problem : problems()) {
    const std::string job = folder + "/selftest.ini", out = folder + "/selftest.h5";
    auto source = parse_job(job, problem.job);
    source.entries.push_back({"job.output", out, "selftest", true});
    const auto study = study::build_study(source);
    driver::RunOptions options;
    options.show_progress = false;
    std::string partial = comm.rank() == 0 ? io::partial_name(out) : "";
    options.partial_path = comm.broadcast(partial);
    const auto report = driver::run(*study, comm, options);
    if (comm.rank() == 0) {
      const auto tables = io::read_result(out).tables;
      std::printf("%s on %d ranks, %.2f s\n", problem.name.c_str(), comm.size(),
                  report.wall_seconds);
      for (const auto& c : problem.checks(tables)) {
        const bool pass = std::abs(c.value - c.expected) <= c.tolerance;
        failed += pass ? 0 : 1;
        std::printf("  %-4s %-8s %.6g (expected %.6g, within %.2g)\n", pass ? "pass" : "FAIL",
                    c.what.c_str(), c.value, c.expected, c.tolerance);
      }
      std::filesystem::remove(out);
    }
  }
  if (comm.rank() == 0) {
    std::filesystem::remove_all(folder);
    std::printf("selftest: %s\n", failed == 0
                                      ? "all checks passed"
                                      : (std::to_string(failed) + " checks failed").c_str());
  }
  failed = static_cast<int>(comm.broadcast(static_cast<double>(failed)));
  return failed == 0 ? 0 : 1;
}

}  // namespace costsweep::cli
