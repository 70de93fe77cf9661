#pragma once
/// The sensitivity tables of `costsweep show`, one per measure family of the result layout
/// (io/layout.hpp Presence), listed once: its --stat name, its printed table and which of its
/// CSV rows it leaves out. show, its selection and its CSV iterate show_tables() and name no
/// measure. A measure's run lives in driver/measures, its datasets in io/layout.hpp.
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "io/layout.hpp"
#include "io/result.hpp"

namespace costsweep::cli {

/// A number as show prints it (6 significant digits).
std::string format_number(double x);

/// Rows as aligned columns: the first left-aligned, the others right-aligned.
void print_rows(const std::vector<std::vector<std::string>>& rows, std::FILE* out);

struct ShowTable {
  std::string_view name;  ///< its --stat name
  io::Presence family;    ///< its datasets in the layout
  /// Prints scenario s's table for the selected outputs (nothing when the file lacks it).
  void (*print)(const io::ResultTables& tables, std::size_t s,
                const std::vector<std::size_t>& outputs, std::FILE* out);
  /// For the CSV: whether the [S, O, X] rows of item x (group or input) of summary cell `cell`
  /// are left out; null: none are.
  bool (*leaves_out)(const io::ResultTables& tables, std::size_t cell, std::size_t x);
};

/// Every measure's table, in the order show prints them (Sobol, rank, tornado).
std::span<const ShowTable> show_tables();

}  // namespace costsweep::cli
