#include "core/statistics/selection.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "core/statistics/quantile.hpp"

namespace costsweep::stats {
namespace {

// Round 0 decides sign and exponent (12 bits) at once, and round 1 the top 12 significand bits,
// so that from round 2 on only a few keys (those within 1/4096 of a wanted binade) are read; the
// remaining 40 bits follow a byte at a time, which keeps those summed histograms small.
constexpr std::array<int, 7> kDigitBits = {12, 12, 8, 8, 8, 8, 8};

/// The decided high bytes of a wanted key, and the rank still sought among keys that share them.
struct Search {
  std::uint64_t prefix = 0;
  std::uint64_t rank = 0;
};

/// Requests of one dataset that share a prefix use one histogram.
struct Group {
  std::size_t dataset;
  std::uint64_t prefix;
};

std::vector<Group> group_searches(std::span<const OrderRequest> requests,
                                  const std::vector<Search>& searches,
                                  std::vector<std::size_t>& group_of) {
  std::vector<Group> groups;
  for (std::size_t r = 0; r < requests.size(); ++r) {
    const Group g{requests[r].dataset, searches[r].prefix};
    auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& x) {
      return x.dataset == g.dataset && x.prefix == g.prefix;
    });
    if (it == groups.end()) it = groups.insert(groups.end(), g);
    group_of[r] = static_cast<std::size_t>(it - groups.begin());
  }
  return groups;
}

/// Counts the next digit of every key that shares a group's prefix (the `decided` high bits),
/// and drops the keys that share none: they cannot hold any wanted statistic any more.
void count_digits(std::vector<std::uint64_t>& keys, std::size_t dataset,
                  const std::vector<Group>& groups, int decided, int width,
                  std::vector<std::uint64_t>& hist) {
  const std::size_t bins = std::size_t{1} << width;
  const int shift = 64 - decided - width;
  std::vector<std::pair<std::uint64_t, std::size_t>> mine;  // (prefix, group) of this dataset
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (groups[g].dataset == dataset) mine.emplace_back(groups[g].prefix, g);
  }
  if (mine.empty()) return keys.clear();
  if (decided == 0) {  // one group, every key belongs to it
    std::uint64_t* h = hist.data() + mine.front().second * bins;
    for (const std::uint64_t key : keys) ++h[key >> shift];
    return;
  }
  // Few groups and, after round 1, few keys: a linear search is cheap; round 1's 12-bit prefixes
  // are looked up in a table instead, since it still reads every key.
  std::vector<std::int32_t> table;
  if (decided == kDigitBits[0]) {
    table.assign(std::size_t{1} << decided, -1);
    for (const auto& [prefix, g] : mine) table[prefix] = static_cast<std::int32_t>(g);
  }
  std::size_t kept = 0;
  for (const std::uint64_t key : keys) {
    const std::uint64_t prefix = key >> (shift + width);
    std::int64_t g = -1;
    if (!table.empty()) {
      g = table[prefix];
    } else {
      for (const auto& m : mine) {
        if (m.first == prefix) g = static_cast<std::int64_t>(m.second);
      }
    }
    if (g < 0) continue;
    ++hist[static_cast<std::size_t>(g) * bins + ((key >> shift) & (bins - 1))];
    keys[kept++] = key;
  }
  keys.resize(kept);
}

/// Decides the next digit of a search from its group's summed histogram.
void choose_digit(Search& search, const std::uint64_t* bins, int width) {
  std::uint64_t below = 0;
  for (std::size_t digit = 0; digit < (std::size_t{1} << width); ++digit) {
    if (below + bins[digit] > search.rank) {
      search.prefix = (search.prefix << width) | digit;
      search.rank -= below;
      return;
    }
    below += bins[digit];
  }
  throw std::invalid_argument("select_order_statistics: a rank is not below the dataset's size");
}

/// select_order_statistics over one chunk of datasets.
std::vector<double> select_chunk(std::vector<std::vector<std::uint64_t>> keys,
                                 std::span<const OrderRequest> requests,
                                 const SumAcrossProcesses& sum) {
  std::vector<Search> searches(requests.size());
  for (std::size_t r = 0; r < requests.size(); ++r) searches[r].rank = requests[r].rank;
  std::vector<std::size_t> group_of(requests.size());
  int decided = 0;
  for (const int width : kDigitBits) {
    const auto groups = group_searches(requests, searches, group_of);
    const std::size_t bins = std::size_t{1} << width;
    std::vector<std::uint64_t> hist(groups.size() * bins, 0);
    for (std::size_t d = 0; d < keys.size(); ++d) {
      count_digits(keys[d], d, groups, decided, width, hist);
    }
    sum(hist);
    for (std::size_t r = 0; r < requests.size(); ++r) {
      choose_digit(searches[r], hist.data() + group_of[r] * bins, width);
    }
    decided += width;
  }
  std::vector<double> values;
  for (const auto& search : searches) values.push_back(from_order_key(search.prefix));
  return values;
}

}  // namespace

std::vector<double> select_order_statistics(std::vector<std::vector<std::uint64_t>> keys,
                                            std::span<const OrderRequest> requests,
                                            const SumAcrossProcesses& sum) {
  // A round's histograms take 2^12 counts per dataset: datasets are taken kChunkDatasets at a
  // time (8 MiB of histograms), so a batch of many rows and outputs stays small.
  std::vector<double> values(requests.size());
  for (std::size_t first = 0; first < keys.size(); first += kChunkDatasets) {
    const std::size_t last = std::min(keys.size(), first + kChunkDatasets);
    std::vector<std::vector<std::uint64_t>> chunk;
    for (std::size_t d = first; d < last; ++d) chunk.push_back(std::move(keys[d]));
    std::vector<OrderRequest> wanted;
    std::vector<std::size_t> where;
    for (std::size_t r = 0; r < requests.size(); ++r) {
      if (requests[r].dataset >= first && requests[r].dataset < last) {
        wanted.push_back({requests[r].dataset - first, requests[r].rank});
        where.push_back(r);
      }
    }
    const auto chosen = select_chunk(std::move(chunk), wanted, sum);
    for (std::size_t i = 0; i < where.size(); ++i) values[where[i]] = chosen[i];
  }
  return values;
}

}  // namespace costsweep::stats
