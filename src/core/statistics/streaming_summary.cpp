#include "core/statistics/streaming_summary.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <limits>
#include <numeric>
#include <span>

#include "core/errors/errors.hpp"
#include "core/statistics/quantile.hpp"
#include "core/statistics/selection.hpp"

namespace costsweep::stats {
namespace {

constexpr auto kState = static_cast<std::size_t>(ExactSum::kStateSize);
constexpr int kTopBits = 12;   // sign and exponent: one page per binade
constexpr int kPageBits = 12;  // streaming mode's page bins: the top 12 significand bits
// Paged hold mode's pages: the top 8 significand bits. Its pass 0 counts as the blocks of every
// dataset arrive in turn, so all the pages of all its datasets should stay in cache (2 KiB per
// binade); a wanted bin then still holds few enough keys to keep them in one read.
constexpr int kHeldPageBits = 8;
constexpr std::size_t kPages = std::size_t{1} << kTopBits;
constexpr std::size_t kPageBins = std::size_t{1} << kPageBits;
constexpr int kRefineBits = 12;  // bits a refining pass decides
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void pack(const ExactSum& sum, std::vector<std::int64_t>& packed) {
  const auto state = sum.state();
  packed.insert(packed.end(), state.begin(), state.end());
}

ExactSum unpack(const std::int64_t* state) {
  return ExactSum::from_state(std::span<const std::int64_t, kState>(state, kState));
}

/// Adds (x - mean)^2 over the values of held order keys, a cache-sized piece at a time.
void add_held_squares(std::span<const std::uint64_t> keys, double mean, ExactSum& sum) {
  std::array<double, 1024> piece;
  for (std::size_t begin = 0; begin < keys.size(); begin += piece.size()) {
    const std::size_t n = std::min(piece.size(), keys.size() - begin);
    for (std::size_t i = 0; i < n; ++i) piece[i] = from_order_key(keys[begin + i]);
    sum.add_squares(std::span<const double>(piece.data(), n), mean);
  }
}

/// A wanted order statistic: the rank-th smallest non-NaN value of a dataset, narrowed to the
/// keys that share `prefix` (its top `bits` bits), among which it is the `rank`-th.
struct Request {
  std::size_t dataset = 0;
  std::uint64_t prefix = 0;
  int bits = 0;
  std::uint64_t rank = 0;
  std::uint64_t count = 0;  ///< keys (over all processes) that share prefix
  bool resolved = false;
  double value = kNaN;
};

/// Requests of one dataset that share a prefix are searched together in a pass.
struct Group {
  std::size_t dataset = 0;
  std::uint64_t prefix = 0;
  int bits = 0;
  std::uint64_t count = 0;
  bool collect = false;  ///< keep the keys (else count their next bits)
  std::vector<std::uint64_t> keys;
  std::vector<std::uint64_t> hist;
};

/// Pass 0's counts of one dataset by the top 24 bits of the keys: a page per binade touched.
struct PageHistogram {
  std::vector<std::int32_t> page_of;  ///< kPages entries, -1 where no page
  std::vector<std::uint64_t> counts;  ///< 2^bits per page, in order of allocation

  /// Counts a key by its top kTopBits + bits bits.
  void add(std::uint64_t key, int bits) {
    const std::size_t page_bins = std::size_t{1} << bits;
    if (page_of.empty()) page_of.assign(kPages, -1);
    const std::size_t top = key >> (64 - kTopBits);
    std::int32_t page = page_of[top];
    if (page < 0) {
      page = static_cast<std::int32_t>(counts.size() / page_bins);
      page_of[top] = page;
      counts.resize(counts.size() + page_bins, 0);
    }
    ++counts[static_cast<std::size_t>(page) * page_bins +
             ((key >> (64 - kTopBits - bits)) & (page_bins - 1))];
  }

  /// add(key, bits) for every key: the same counts, with the tables' addresses held in
  /// registers while no new page is needed.
  void add(std::span<const std::uint64_t> keys, int bits) {
    if (page_of.empty()) page_of.assign(kPages, -1);
    const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
    const std::int32_t* page = page_of.data();
    std::uint64_t* count = counts.data();
    for (const std::uint64_t key : keys) {
      const std::int32_t p = page[key >> (64 - kTopBits)];
      if (p < 0) [[unlikely]] {
        add(key, bits);
        count = counts.data();
        continue;
      }
      ++count[(static_cast<std::uint64_t>(p) << bits) | ((key >> (64 - kTopBits - bits)) & mask)];
    }
  }
};

}  // namespace

Reductions local_reductions() {
  return {[](std::vector<std::int64_t>&) {}, [](std::vector<double>&) {},
          [](std::vector<double>&) {}, [](std::vector<std::uint64_t>&) {}};
}

struct StreamingSummary::Impl {
  std::vector<DatasetShape> shapes;
  std::vector<double> levels;
  bool hold;
  /// Hold mode that also counts the keys by their top 24 bits as they arrive (see kPagedHold).
  bool paged = false;
  std::uint64_t budget;
  int pass = 0;
  bool done = false;

  std::vector<FirstPass> value, diff;
  std::vector<ExactSum> dev_value, dev_diff;
  std::vector<double> mean_value, mean_diff;
  std::vector<std::vector<std::uint64_t>> held_keys;
  std::vector<std::vector<double>> held_diffs;
  std::vector<PageHistogram> pages;
  std::vector<Request> requests;
  std::vector<Group> groups;
  std::vector<std::vector<std::size_t>> groups_of;  ///< per dataset, its open groups
  std::vector<double> scratch;

  Impl(std::vector<DatasetShape> s, std::vector<double> l, bool h, std::uint64_t b)
      : shapes(std::move(s)), levels(std::move(l)), hold(h), budget(b) {
    const std::size_t n = shapes.size();
    value.resize(n);
    diff.resize(n);
    dev_value.resize(n);
    dev_diff.resize(n);
    paged = hold && std::all_of(shapes.begin(), shapes.end(), [](const DatasetShape& shape) {
              return StreamingSummary::paged_hold(shape.n_total);
            });
    if (!hold || paged) pages.resize(n);
    if (hold) {
      held_keys.resize(n);
      held_diffs.resize(n);
      for (std::size_t d = 0; d < n; ++d) {
        held_keys[d].reserve(shapes[d].n_local);
        if (shapes[d].paired) held_diffs[d].reserve(shapes[d].n_local);
      }
    }
    groups_of.resize(n);
  }

  bool has_nan(std::size_t d) const { return value[d].n_nan > 0; }

  void add_first(std::size_t d, const double* values, const double* baseline, std::size_t n) {
    using Map = Eigen::Map<const Eigen::ArrayXd>;
    const Map x(values, static_cast<Eigen::Index>(n));
    value[d].add(x);
    if (shapes[d].paired) {
      scratch.resize(n);
      for (std::size_t i = 0; i < n; ++i) scratch[i] = values[i] - baseline[i];
      diff[d].add(Map(scratch.data(), static_cast<Eigen::Index>(n)));
      if (hold) held_diffs[d].insert(held_diffs[d].end(), scratch.begin(), scratch.end());
    }
    // NaN values are left out: the dataset gets no quantiles.
    if (!hold) {
      for (std::size_t i = 0; i < n; ++i) {
        if (values[i] == values[i]) pages[d].add(order_key(values[i]), kPageBits);
      }
      return;
    }
    auto& keys = held_keys[d];
    const std::size_t start = keys.size();
    for (std::size_t i = 0; i < n; ++i) {
      if (values[i] == values[i]) keys.push_back(order_key(values[i]));
    }
    // The keys just appended are still in cache.
    if (paged) pages[d].add(std::span<const std::uint64_t>(keys).subspan(start), kHeldPageBits);
  }

  void add_later(std::size_t d, const double* values, const double* baseline, std::size_t n) {
    if (pass == 1) {
      dev_value[d].add_squares({values, n}, mean_value[d]);
      if (shapes[d].paired) {
        scratch.resize(n);
        for (std::size_t i = 0; i < n; ++i) scratch[i] = values[i] - baseline[i];
        dev_diff[d].add_squares(scratch, mean_diff[d]);
      }
    }
    if (groups_of[d].empty()) return;
    for (std::size_t i = 0; i < n; ++i) {
      if (values[i] != values[i]) continue;
      route(d, order_key(values[i]));
    }
  }

  /// Keeps a key of dataset d, or counts its next bits, in every open group whose prefix it
  /// shares.
  void route(std::size_t d, std::uint64_t key) {
    for (const std::size_t g : groups_of[d]) {
      Group& group = groups[g];
      if ((key >> (64 - group.bits)) != group.prefix) continue;
      if (group.collect) {
        group.keys.push_back(key);
      } else {
        const int width = std::min(kRefineBits, 64 - group.bits);
        ++group.hist[(key >> (64 - group.bits - width)) & ((std::uint64_t{1} << width) - 1)];
      }
    }
  }

  /// Sums the first passes across processes, as the in-memory code always has.
  void reduce_first(const Reductions& reduce) {
    std::vector<std::int64_t> packed;
    std::vector<double> mins, maxs;
    for (std::size_t d = 0; d < shapes.size(); ++d) {
      pack(value[d].sum, packed);
      pack(diff[d].sum, packed);
      packed.insert(packed.end(), {value[d].count, value[d].n_nan, diff[d].n_nan, value[d].n_inf});
      mins.push_back(value[d].min);
      maxs.push_back(value[d].max);
    }
    reduce.sum(packed);
    reduce.min(mins);
    reduce.max(maxs);
    for (std::size_t d = 0; d < shapes.size(); ++d) {
      const std::int64_t* at = packed.data() + d * (2 * kState + 4);
      value[d].sum = unpack(at);
      diff[d].sum = unpack(at + kState);
      value[d].count = diff[d].count = at[2 * kState];
      value[d].n_nan = at[2 * kState + 1];
      diff[d].n_nan = at[2 * kState + 2];
      value[d].n_inf = at[2 * kState + 3];
      value[d].min = mins[d];
      value[d].max = maxs[d];
      mean_value.push_back(mean_of(value[d]));
      mean_diff.push_back(mean_of(diff[d]));
    }
  }

  void reduce_deviations(const Reductions& reduce) {
    std::vector<std::int64_t> packed;
    for (std::size_t d = 0; d < shapes.size(); ++d) {
      pack(dev_value[d], packed);
      pack(dev_diff[d], packed);
    }
    reduce.sum(packed);
    for (std::size_t d = 0; d < shapes.size(); ++d) {
      dev_value[d] = unpack(packed.data() + 2 * d * kState);
      dev_diff[d] = unpack(packed.data() + (2 * d + 1) * kState);
    }
  }

  /// Two requests (lower and upper position) per level of every dataset without NaN.
  void make_requests() {
    for (std::size_t d = 0; d < shapes.size(); ++d) {
      if (has_nan(d) || value[d].count == 0) continue;
      const auto n = static_cast<std::uint64_t>(value[d].count);
      for (const double p : levels) {
        const auto position = quantile_position(n, p);
        for (const std::uint64_t rank : {position.lower, position.upper}) {
          Request r;
          r.dataset = d;
          r.rank = rank;
          r.count = n;
          requests.push_back(r);
        }
      }
    }
  }

  void finish_hold(const Reductions& reduce) {
    for (std::size_t d = 0; d < shapes.size(); ++d) {
      add_held_squares(held_keys[d], mean_value[d], dev_value[d]);
      dev_diff[d].add_squares(held_diffs[d], mean_diff[d]);
      held_diffs[d] = {};
      if (has_nan(d)) held_keys[d].clear();
    }
    reduce_deviations(reduce);
    std::vector<OrderRequest> wanted;
    for (const auto& r : requests) wanted.push_back({r.dataset, r.rank});
    const auto values = select_order_statistics(std::move(held_keys), wanted, reduce.sum_counts);
    for (std::size_t i = 0; i < requests.size(); ++i) {
      requests[i].value = values[i];
      requests[i].resolved = true;
    }
    held_keys = {};
    done = true;
  }

  /// Hold mode with pages: the streaming passes, each over the held keys instead of regenerated
  /// draws. The first also sums the squared deviations; with pass 0's counts it usually keeps
  /// only the keys in the wanted statistics' bins, so one read of the held keys suffices.
  void finish_paged(const Reductions& reduce) {
    reduce_pages(reduce);
    plan_groups();
    std::array<double, 1024> piece;
    for (bool first = true; first || !done; first = false) {
      for (std::size_t d = 0; d < shapes.size(); ++d) {
        const auto& keys = held_keys[d];
        // Open groups of the dataset that share one prefix length (all of them in the first
        // read): a key is tested against their prefixes before it is routed.
        std::array<std::uint64_t, 16> prefixes{};
        std::size_t n_prefixes = 0;
        int bits = 0;
        bool uniform = groups_of[d].size() <= prefixes.size();
        for (const std::size_t g : groups_of[d]) {
          if (bits != 0 && groups[g].bits != bits) uniform = false;
          bits = groups[g].bits;
          if (n_prefixes < prefixes.size()) prefixes[n_prefixes++] = groups[g].prefix;
        }
        for (std::size_t begin = 0; begin < keys.size(); begin += piece.size()) {
          const std::size_t m = std::min(piece.size(), keys.size() - begin);
          if (uniform && n_prefixes > 0) {
            for (std::size_t i = 0; i < m; ++i) {
              const std::uint64_t top = keys[begin + i] >> (64 - bits);
              bool hit = false;
              for (std::size_t k = 0; k < n_prefixes; ++k) hit |= top == prefixes[k];
              if (hit) [[unlikely]]
                route(d, keys[begin + i]);
            }
          } else if (!groups_of[d].empty()) {
            for (std::size_t i = 0; i < m; ++i) route(d, keys[begin + i]);
          }
          if (!first) continue;
          for (std::size_t i = 0; i < m; ++i) piece[i] = from_order_key(keys[begin + i]);
          dev_value[d].add_squares(std::span<const double>(piece.data(), m), mean_value[d]);
        }
        if (first) {
          dev_diff[d].add_squares(held_diffs[d], mean_diff[d]);
          held_diffs[d] = {};
        }
      }
      if (first) reduce_deviations(reduce);
      finish_groups(reduce);
    }
    held_keys = {};
    done = true;
  }

  /// Sums pass 0's page histograms across processes and narrows every request to its bin.
  void reduce_pages(const Reductions& reduce) {
    const std::size_t n = shapes.size();
    const int page_bits = paged ? kHeldPageBits : kPageBits;
    const std::size_t page_bins = std::size_t{1} << page_bits;
    std::vector<std::uint64_t> present(n * kPages, 0);
    for (std::size_t d = 0; d < n; ++d) {
      if (pages[d].page_of.empty()) continue;
      for (std::size_t t = 0; t < kPages; ++t) present[d * kPages + t] = pages[d].page_of[t] >= 0;
    }
    reduce.sum_counts(present);
    std::vector<std::uint64_t> packed;
    for (std::size_t d = 0; d < n; ++d) {
      for (std::size_t t = 0; t < kPages; ++t) {
        if (present[d * kPages + t] == 0) continue;
        const auto at = packed.size();
        packed.resize(at + page_bins, 0);
        if (pages[d].page_of.empty() || pages[d].page_of[t] < 0) continue;
        const auto from =
            pages[d].counts.begin() + static_cast<std::ptrdiff_t>(pages[d].page_of[t]) *
                                          static_cast<std::ptrdiff_t>(page_bins);
        std::copy(from, from + static_cast<std::ptrdiff_t>(page_bins), packed.begin() + at);
      }
    }
    pages = {};
    reduce.sum_counts(packed);
    // Walk each dataset's bins in key order; requests of a dataset are in ascending rank order
    // per level, not overall, so each walks on its own (datasets have few requests).
    std::size_t offset = 0;
    for (std::size_t d = 0; d < n; ++d) {
      std::vector<std::pair<std::uint64_t, std::size_t>> bins;  // (top bits, packed index)
      for (std::size_t t = 0; t < kPages; ++t) {
        if (present[d * kPages + t] == 0) continue;
        for (std::size_t b = 0; b < page_bins; ++b)
          bins.emplace_back((t << page_bits) | b, offset++);
      }
      for (auto& r : requests) {
        if (r.dataset != d) continue;
        std::uint64_t below = 0;
        for (const auto& [prefix, at] : bins) {
          if (below + packed[at] > r.rank) {
            r.prefix = prefix;
            r.bits = kTopBits + page_bits;
            r.rank -= below;
            r.count = packed[at];
            break;
          }
          below += packed[at];
        }
      }
    }
  }

  /// Groups the open requests for the next pass; the smallest groups keep their keys while
  /// they fit the budget, the others are refined by counting.
  void plan_groups() {
    groups.clear();
    for (auto& mine : groups_of) mine.clear();
    for (const auto& r : requests) {
      if (r.resolved) continue;
      auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& g) {
        return g.dataset == r.dataset && g.prefix == r.prefix && g.bits == r.bits;
      });
      if (it == groups.end()) {
        Group g;
        g.dataset = r.dataset;
        g.prefix = r.prefix;
        g.bits = r.bits;
        g.count = r.count;
        it = groups.insert(groups.end(), std::move(g));
      }
    }
    std::vector<std::size_t> order(groups.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return groups[a].count < groups[b].count;
    });
    std::uint64_t kept = 0;
    for (const std::size_t g : order) {
      if (kept + groups[g].count <= budget) {
        groups[g].collect = true;
        kept += groups[g].count;
      } else {
        groups[g].hist.assign(std::size_t{1} << std::min(kRefineBits, 64 - groups[g].bits), 0);
      }
    }
    for (std::size_t g = 0; g < groups.size(); ++g) groups_of[groups[g].dataset].push_back(g);
    done = groups.empty();
  }

  std::size_t group_of(const Request& r) const {
    for (std::size_t g = 0; g < groups.size(); ++g) {
      if (groups[g].dataset == r.dataset && groups[g].prefix == r.prefix &&
          groups[g].bits == r.bits)
        return g;
    }
    return groups.size();
  }

  void finish_groups(const Reductions& reduce) {
    // Refined groups: the summed counts of their next bits narrow each request further.
    std::vector<std::uint64_t> packed;
    for (const auto& g : groups) packed.insert(packed.end(), g.hist.begin(), g.hist.end());
    if (!packed.empty()) reduce.sum_counts(packed);
    std::vector<std::size_t> offset(groups.size(), 0);
    for (std::size_t g = 0, at = 0; g < groups.size(); ++g) {
      offset[g] = at;
      at += groups[g].hist.size();
    }
    // Collected groups: exact selection among their keys, one dataset per group.
    std::vector<std::vector<std::uint64_t>> keys;
    std::vector<std::size_t> dataset_of_group(groups.size(), groups.size());
    for (std::size_t g = 0; g < groups.size(); ++g) {
      if (!groups[g].collect) continue;
      dataset_of_group[g] = keys.size();
      keys.push_back(std::move(groups[g].keys));
    }
    std::vector<OrderRequest> wanted;
    std::vector<std::size_t> wanted_request;
    for (std::size_t i = 0; i < requests.size(); ++i) {
      auto& r = requests[i];
      if (r.resolved) continue;
      const std::size_t g = group_of(r);
      if (groups[g].collect) {
        wanted.push_back({dataset_of_group[g], r.rank});
        wanted_request.push_back(i);
        continue;
      }
      const auto& hist = groups[g].hist;
      const int width = std::min(kRefineBits, 64 - r.bits);
      std::uint64_t below = 0;
      for (std::size_t digit = 0; digit < hist.size(); ++digit) {
        const std::uint64_t c = packed[offset[g] + digit];
        if (below + c > r.rank) {
          r.prefix = (r.prefix << width) | digit;
          r.bits += width;
          r.rank -= below;
          r.count = c;
          break;
        }
        below += c;
      }
      if (r.bits == 64) {
        r.value = from_order_key(r.prefix);
        r.resolved = true;
      }
    }
    if (!keys.empty()) {
      const auto values = select_order_statistics(std::move(keys), wanted, reduce.sum_counts);
      for (std::size_t k = 0; k < wanted.size(); ++k) {
        requests[wanted_request[k]].value = values[k];
        requests[wanted_request[k]].resolved = true;
      }
    }
    plan_groups();
  }
};

StreamingSummary::StreamingSummary(std::vector<DatasetShape> datasets, std::vector<double> levels,
                                   bool hold, std::uint64_t candidate_budget)
    : impl_(
          std::make_unique<Impl>(std::move(datasets), std::move(levels), hold, candidate_budget)) {}
StreamingSummary::~StreamingSummary() = default;
StreamingSummary::StreamingSummary(StreamingSummary&&) noexcept = default;
StreamingSummary& StreamingSummary::operator=(StreamingSummary&&) noexcept = default;

bool StreamingSummary::needs_pass() const noexcept { return !impl_->done; }
int StreamingSummary::pass() const noexcept { return impl_->pass; }

void StreamingSummary::add(std::size_t d, const double* values, const double* baseline,
                           std::size_t n) {
  if (impl_->pass == 0) {
    impl_->add_first(d, values, baseline, n);
  } else {
    impl_->add_later(d, values, baseline, n);
  }
}

void StreamingSummary::end_pass(const Reductions& reduce) {
  Impl& s = *impl_;
  if (s.pass == 0) {
    s.reduce_first(reduce);
    s.make_requests();
    if (s.paged) {
      s.finish_paged(reduce);
    } else if (s.hold) {
      s.finish_hold(reduce);
    } else {
      s.reduce_pages(reduce);
      s.plan_groups();
      // Pass 1 is needed for the deviations even when no quantile is wanted.
      s.done = false;
    }
  } else {
    if (s.pass == 1) s.reduce_deviations(reduce);
    s.finish_groups(reduce);
  }
  ++s.pass;
}

std::vector<DatasetSummary> StreamingSummary::results() const {
  const Impl& s = *impl_;
  std::vector<DatasetSummary> out(s.shapes.size());
  for (std::size_t d = 0; d < s.shapes.size(); ++d) {
    out[d].value = finish_moments(s.value[d], s.dev_value[d]);
    out[d].diff = finish_moments(s.diff[d], s.dev_diff[d]);
    out[d].n_nan = s.value[d].n_nan > 0 ? s.value[d].n_nan : s.diff[d].n_nan;
    out[d].n_inf = s.value[d].n_inf;
    out[d].quantiles.assign(s.levels.size(), kNaN);
  }
  // Requests come in (dataset, level, lower/upper) order for datasets with quantiles.
  for (std::size_t i = 0; i + 1 < s.requests.size(); i += 2) {
    const auto& lower = s.requests[i];
    const std::size_t d = lower.dataset;
    const std::size_t level = (i / 2) % s.levels.size();
    const auto position =
        quantile_position(static_cast<std::uint64_t>(s.value[d].count), s.levels[level]);
    out[d].quantiles[level] = lerp(lower.value, s.requests[i + 1].value, position.weight);
  }
  return out;
}

namespace {

void save_first(const FirstPass& f, serial::ByteWriter& out) {
  out.i64(f.count);
  out.i64(f.n_nan);
  out.i64(f.n_inf);
  const auto state = f.sum.state();
  out.raw(state.data(), sizeof state);
  out.f64(f.min);
  out.f64(f.max);
}

ExactSum load_sum(serial::ByteReader& in) {
  std::array<std::int64_t, kState> state{};
  in.raw(state.data(), sizeof state);
  return ExactSum::from_state(state);
}

FirstPass load_first(serial::ByteReader& in) {
  FirstPass f;
  f.count = in.i64();
  f.n_nan = in.i64();
  f.n_inf = in.i64();
  f.sum = load_sum(in);
  f.min = in.f64();
  f.max = in.f64();
  return f;
}

void save_sum(const ExactSum& sum, serial::ByteWriter& out) {
  const auto state = sum.state();
  out.raw(state.data(), sizeof state);
}

}  // namespace

bool StreamingSummary::can_save() const noexcept { return !impl_->hold; }

StreamingSummary::StreamingSummary(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

void StreamingSummary::save(serial::ByteWriter& out) const {
  const Impl& s = *impl_;
  if (s.hold) throw RuntimeError("a summary that holds its values cannot be saved");
  out.u64(s.shapes.size());
  for (const auto& shape : s.shapes) {
    out.u64(shape.n_total);
    out.u64(shape.paired ? 1 : 0);
    out.u64(shape.n_local);
  }
  out.vec(s.levels);
  out.u64(s.budget);
  out.i64(s.pass);
  out.u64(s.done ? 1 : 0);
  for (std::size_t d = 0; d < s.shapes.size(); ++d) {
    save_first(s.value[d], out);
    save_first(s.diff[d], out);
    save_sum(s.dev_value[d], out);
    save_sum(s.dev_diff[d], out);
  }
  out.vec(s.mean_value);
  out.vec(s.mean_diff);
  out.u64(s.pages.size());
  for (const auto& page : s.pages) {
    out.vec(page.page_of);
    out.vec(page.counts);
  }
  out.u64(s.requests.size());
  for (const auto& r : s.requests) {
    out.u64(r.dataset);
    out.u64(r.prefix);
    out.i64(r.bits);
    out.u64(r.rank);
    out.u64(r.count);
    out.u64(r.resolved ? 1 : 0);
    out.f64(r.value);
  }
  out.u64(s.groups.size());
  for (const auto& g : s.groups) {
    out.u64(g.dataset);
    out.u64(g.prefix);
    out.i64(g.bits);
    out.u64(g.count);
    out.u64(g.collect ? 1 : 0);
    out.vec(g.keys);
    out.vec(g.hist);
  }
  for (const auto& mine : s.groups_of) {
    std::vector<std::uint64_t> groups(mine.begin(), mine.end());
    out.vec(groups);
  }
}

StreamingSummary StreamingSummary::load(serial::ByteReader& in) {
  const auto n = in.u64();
  if (n > in.left() / 24) in.fail("its summary has an impossible size (damaged)");
  std::vector<DatasetShape> shapes(n);
  for (auto& shape : shapes) {
    shape.n_total = in.u64();
    shape.paired = in.u64() != 0;
    shape.n_local = in.u64();
  }
  auto levels = in.vec<double>();
  const auto budget = in.u64();
  auto impl = std::make_unique<Impl>(std::move(shapes), std::move(levels), false, budget);
  Impl& s = *impl;
  s.pass = static_cast<int>(in.i64());
  s.done = in.u64() != 0;
  for (std::size_t d = 0; d < n; ++d) {
    s.value[d] = load_first(in);
    s.diff[d] = load_first(in);
    s.dev_value[d] = load_sum(in);
    s.dev_diff[d] = load_sum(in);
  }
  s.mean_value = in.vec<double>();
  s.mean_diff = in.vec<double>();
  const auto n_pages = in.u64();
  if (n_pages != 0 && n_pages != n) in.fail("its summary's histograms do not match (damaged)");
  s.pages.resize(n_pages);
  for (auto& page : s.pages) {
    page.page_of = in.vec<std::int32_t>();
    page.counts = in.vec<std::uint64_t>();
  }
  const auto n_requests = in.u64();
  if (n_requests > in.left() / 56) in.fail("its summary has an impossible size (damaged)");
  s.requests.resize(n_requests);
  for (auto& r : s.requests) {
    r.dataset = in.u64();
    r.prefix = in.u64();
    r.bits = static_cast<int>(in.i64());
    r.rank = in.u64();
    r.count = in.u64();
    r.resolved = in.u64() != 0;
    r.value = in.f64();
  }
  const auto n_groups = in.u64();
  if (n_groups > in.left() / 56) in.fail("its summary has an impossible size (damaged)");
  s.groups.resize(n_groups);
  for (auto& g : s.groups) {
    g.dataset = in.u64();
    g.prefix = in.u64();
    g.bits = static_cast<int>(in.i64());
    g.count = in.u64();
    g.collect = in.u64() != 0;
    g.keys = in.vec<std::uint64_t>();
    g.hist = in.vec<std::uint64_t>();
  }
  for (auto& mine : s.groups_of) {
    const auto groups = in.vec<std::uint64_t>();
    for (const auto g : groups) {
      if (g >= n_groups) in.fail("its summary names a group it does not hold (damaged)");
      mine.push_back(static_cast<std::size_t>(g));
    }
  }
  return StreamingSummary(std::move(impl));
}

void StreamingSummary::merge(const StreamingSummary& other) {
  Impl& s = *impl_;
  const Impl& o = *other.impl_;
  const bool same = !s.hold && !o.hold && s.pass == o.pass && s.done == o.done &&
                    s.shapes.size() == o.shapes.size() && s.groups.size() == o.groups.size() &&
                    s.pages.size() == o.pages.size();
  if (!same) throw InputError("cannot merge summaries of different passes or datasets");
  const std::size_t n = s.shapes.size();
  if (s.pass == 0) {
    for (std::size_t d = 0; d < n; ++d) {
      s.value[d].merge(o.value[d]);
      s.diff[d].merge(o.diff[d]);
      const auto& from = o.pages[d];
      if (from.page_of.empty()) continue;
      for (std::size_t t = 0; t < kPages; ++t) {
        if (from.page_of[t] < 0) continue;
        // Adding each count through add() would allocate the page here; add the bins directly.
        auto& to = s.pages[d];
        if (to.page_of.empty()) to.page_of.assign(kPages, -1);
        if (to.page_of[t] < 0) {
          to.page_of[t] = static_cast<std::int32_t>(to.counts.size() / kPageBins);
          to.counts.resize(to.counts.size() + kPageBins, 0);
        }
        const auto src = static_cast<std::size_t>(from.page_of[t]) * kPageBins;
        const auto dst = static_cast<std::size_t>(to.page_of[t]) * kPageBins;
        for (std::size_t b = 0; b < kPageBins; ++b) to.counts[dst + b] += from.counts[src + b];
      }
    }
    return;
  }
  if (s.pass == 1) {
    for (std::size_t d = 0; d < n; ++d) {
      s.dev_value[d].merge(o.dev_value[d]);
      s.dev_diff[d].merge(o.dev_diff[d]);
    }
  }
  for (std::size_t g = 0; g < s.groups.size(); ++g) {
    auto& to = s.groups[g];
    const auto& from = o.groups[g];
    if (to.prefix != from.prefix || to.bits != from.bits || to.hist.size() != from.hist.size()) {
      throw InputError("cannot merge summaries of different passes or datasets");
    }
    to.keys.insert(to.keys.end(), from.keys.begin(), from.keys.end());
    for (std::size_t b = 0; b < to.hist.size(); ++b) to.hist[b] += from.hist[b];
  }
}

void StreamingSummary::clear_pass() {
  Impl& s = *impl_;
  const std::size_t n = s.shapes.size();
  if (s.pass == 0) {
    s.value.assign(n, FirstPass{});
    s.diff.assign(n, FirstPass{});
    s.pages.assign(s.pages.size(), PageHistogram{});
    return;
  }
  if (s.pass == 1) {
    s.dev_value.assign(n, ExactSum{});
    s.dev_diff.assign(n, ExactSum{});
  }
  for (auto& g : s.groups) {
    g.keys.clear();
    std::fill(g.hist.begin(), g.hist.end(), 0);
  }
}

std::uint64_t StreamingSummary::state_bytes() const noexcept {
  const Impl& s = *impl_;
  std::uint64_t bytes = s.shapes.size() * (4 * sizeof(ExactSum) + 2 * sizeof(FirstPass));
  for (const auto& k : s.held_keys) bytes += k.capacity() * sizeof(std::uint64_t);
  for (const auto& k : s.held_diffs) bytes += k.capacity() * sizeof(double);
  for (const auto& p : s.pages) {
    bytes += p.page_of.capacity() * sizeof(std::int32_t) + p.counts.capacity() * 8;
  }
  for (const auto& g : s.groups) bytes += (g.keys.capacity() + g.hist.capacity()) * 8;
  return bytes;
}

std::uint64_t StreamingSummary::streaming_bytes_per_dataset(std::uint64_t binades) noexcept {
  return 4 * sizeof(ExactSum) + 2 * sizeof(FirstPass) + kPages * sizeof(std::int32_t) +
         binades * kPageBins * sizeof(std::uint64_t);
}

}  // namespace costsweep::stats
