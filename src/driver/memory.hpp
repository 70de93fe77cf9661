#pragma once
/// What a run needs in memory per rank, from the same formula the run sizes itself by, and what
/// a rank may use.
#include <cstdint>
#include <string>
#include <vector>

#include "study/study.hpp"

namespace costsweep::driver {

/// The memory a rank may use, and where that figure comes from.
struct MemoryLimit {
  std::uint64_t bytes = 0;
  std::string source;  ///< e.g. "job.memory_limit", "Slurm (SLURM_MEM_PER_CPU)", "MemAvailable"
};

/// job.memory_limit if set; else Slurm's grant (SLURM_MEM_PER_CPU x SLURM_CPUS_PER_TASK, or
/// SLURM_MEM_PER_NODE over the node's tasks); else the smaller of the cgroup's limit and the
/// available memory, shared by the node's ranks (ranks_on_node).
MemoryLimit memory_limit(const study::Scenario& base, int ranks_on_node);

/// The ranks of this node under mpirun or srun (OMPI_COMM_WORLD_LOCAL_SIZE, SLURM_NTASKS_PER_NODE
/// ...), else `fallback`.
int ranks_on_node(int fallback);

/// One part of a rank's need, with the job key that drives it.
struct MemoryPart {
  std::string name;
  std::string key;
  std::uint64_t bytes = 0;
};

/// The shape of a run as the memory formula sees it (the busiest rank's share).
struct MemoryShape {
  const study::Study& study;
  std::uint64_t n_draws;      ///< draws per scenario
  std::uint64_t ranks;        ///< at least 1
  std::uint64_t batch_rows;   ///< scenario rows a rank works on at once
  std::uint64_t local_draws;  ///< draws of a row one rank evaluates
  std::uint64_t n_inputs, n_outputs;
  std::uint64_t n_input_union;  ///< inputs of the file (every scenario's)
};

/// A measure's share of a rank's memory: per block of draws (its extra evaluations), per summary
/// row (its results), and parts of its own (e.g. the draws it keeps).
struct MeasureMemory {
  std::uint64_t block_bytes = 0;
  std::uint64_t row_bytes = 0;
  std::vector<MemoryPart> parts;
};

/// A rank's need for a run (the busiest rank): its parts, the statistics mode chosen, and
/// whether the draws are kept in memory (one pass) or regenerated.
struct MemoryNeed {
  std::vector<MemoryPart> parts;
  std::uint64_t total = 0;
  std::uint64_t hold_budget = 0;  ///< held draws per rank above which they are regenerated
  bool holds_all = true;          ///< every row keeps its draws (else regenerated, 2+ passes)
};

/// The most draws a run of base may reach: its draws, or the stopping rule's max_draws.
std::uint64_t largest_draws(const study::Scenario& base);

/// The need of scenarios [first, last) of plan at n_draws on `ranks` ranks within limit.
MemoryNeed memory_need(const study::Study& study, std::size_t first, std::size_t last, int ranks,
                       std::uint64_t n_draws, const MemoryLimit& limit);

/// "" when need fits limit; else the refusal: `cannot run <job>: ...` naming the largest part's
/// key and by how much the need exceeds the limit.
std::string memory_refusal(const study::Scenario& base, const MemoryNeed& need,
                           const MemoryLimit& limit, int ranks);

/// Bytes as "12.3 MiB" / "1.50 GiB".
std::string format_bytes(std::uint64_t bytes);

}  // namespace costsweep::driver
