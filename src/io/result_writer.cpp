#include "io/result_writer.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <limits>
#include <map>
#include <span>

#include "core/text/text.hpp"
#include "io/layout.hpp"
#include "io/output_file.hpp"

namespace costsweep::io {
namespace {

constexpr hsize_t kSampleChunkDraws = hsize_t{1} << 17;  // 1 MiB of doubles per chunk

h5::Handle dataset_creation_plist() {
  auto dcpl = h5::own_plist(H5Pcreate(H5P_DATASET_CREATE), "create dataset property list");
  // No modification times in object headers: the same study gives the same bytes.
  h5::check(H5Pset_obj_track_times(dcpl.get(), 0), "disable dataset time tracking");
  return dcpl;
}

h5::Handle collective_transfer() {
  auto dxpl = h5::own_plist(H5Pcreate(H5P_DATASET_XFER), "create transfer property list");
  h5::check(H5Pset_dxpl_mpio(dxpl.get(), H5FD_MPIO_COLLECTIVE), "select collective transfer");
  return dxpl;
}

h5::Handle make_group(hid_t parent, const std::string& name) {
  auto gcpl = h5::own_plist(H5Pcreate(H5P_GROUP_CREATE), "create group property list");
  h5::check(H5Pset_obj_track_times(gcpl.get(), 0), "disable group time tracking");
  return h5::own_group(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT),
                       "create group '" + name + "'");
}

/// Creates a dataset and writes all of data (serial file access).
void write_whole(hid_t parent, const std::string& name, hid_t mem_type, hid_t file_type,
                 const std::vector<hsize_t>& dims, const void* data) {
  auto space = h5::own_space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                             "create dataspace for '" + name + "'");
  auto dcpl = dataset_creation_plist();
  auto dataset = h5::own_dataset(H5Dcreate2(parent, name.c_str(), file_type, space.get(),
                                            H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                                 "create dataset '" + name + "'");
  h5::check(H5Dwrite(dataset.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
            "write dataset '" + name + "'");
}

/// A [rows] or [rows, columns] dataset of variable-length UTF-8 strings (row-major values).
void write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& values,
                   std::vector<hsize_t> dims = {}) {
  if (dims.empty()) dims = {values.size()};
  std::vector<const char*> pointers;
  for (const auto& v : values) pointers.push_back(v.c_str());
  auto type = h5::utf8_string_type();
  write_whole(parent, name, type.get(), type.get(), dims, pointers.data());
}

void write_attribute(hid_t object, const std::string& name, const AttributeValue& value) {
  auto scalar = h5::own_space(H5Screate(H5S_SCALAR), "create scalar dataspace");
  auto create = [&](hid_t type) {
    return h5::own_attribute(
        H5Acreate2(object, name.c_str(), type, scalar.get(), H5P_DEFAULT, H5P_DEFAULT),
        "create attribute '" + name + "'");
  };
  if (const auto* text = std::get_if<std::string>(&value)) {
    auto type = h5::utf8_string_type();
    const char* pointer = text->c_str();
    h5::check(H5Awrite(create(type.get()).get(), type.get(), &pointer), "write attribute " + name);
  } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
    h5::check(H5Awrite(create(H5T_STD_I64LE).get(), H5T_NATIVE_INT64, i),
              "write attribute " + name);
  } else if (const auto* u = std::get_if<std::uint64_t>(&value)) {
    h5::check(H5Awrite(create(H5T_STD_U64LE).get(), H5T_NATIVE_UINT64, u),
              "write attribute " + name);
  } else {
    const double d = std::get<double>(value);
    h5::check(H5Awrite(create(H5T_IEEE_F64LE).get(), H5T_NATIVE_DOUBLE, &d),
              "write attribute " + name);
  }
}

/// Collective. Throws rank 0's error (empty: none) on every rank, so no rank goes on alone.
void agree(const mpi::Communicator& comm, const std::string& error) {
  const std::string shared = comm.broadcast(error);  // MpiError if the broadcast fails
  if (!shared.empty()) throw H5Error(comm.rank() == 0 ? shared : "rank 0 failed: " + shared);
}

std::vector<std::string> flatten(const std::vector<std::vector<std::string>>& table) {
  std::vector<std::string> flat;
  for (const auto& row : table) flat.insert(flat.end(), row.begin(), row.end());
  return flat;
}

std::vector<double> as_numbers(const std::vector<std::string>& texts) {
  std::vector<double> numbers;
  for (const auto& text : texts) {
    // The same rule as every number of a job (not strtod's, which depends on the locale).
    numbers.push_back(text::parse_number(text).value_or(std::numeric_limits<double>::quiet_NaN()));
  }
  return numbers;
}

void write_scenarios(hid_t file, const ResultHeader& h) {
  auto group = make_group(file, "scenarios");
  const hsize_t n_s = h.n_scenarios(), n_a = h.axis_keys.size();
  write_strings(group.get(), "name", h.scenario_names);
  write_strings(group.get(), "axis", h.axis_keys);
  const auto text = flatten(h.value_text);
  write_strings(group.get(), "value_text", text, {n_s, n_a});
  write_strings(group.get(), "value_label", flatten(h.value_label), {n_s, n_a});
  const auto numbers = as_numbers(text);
  write_whole(group.get(), "value_number", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {n_s, n_a},
              numbers.data());
  write_attribute(group.get(), "baseline", AttributeValue{h.baseline});
  write_attribute(group.get(), "first_scenario", AttributeValue{h.first_scenario});
  write_attribute(group.get(), "total_scenarios", AttributeValue{h.total_scenarios});
}

void write_variables(hid_t file, const ResultHeader& h) {
  auto outputs = make_group(file, "outputs");
  write_strings(outputs.get(), "name", h.output_names);
  write_strings(outputs.get(), "unit", h.output_units);
  write_strings(outputs.get(), "description", h.output_descriptions);
  auto inputs = make_group(file, "inputs");
  write_strings(inputs.get(), "name", h.input_names);
  write_strings(inputs.get(), "spec", flatten(h.input_specs),
                {h.n_scenarios(), h.input_names.size()});
  auto summary = h5::own_group(H5Gopen2(file, "summary", H5P_DEFAULT), "open summary");
  write_whole(summary.get(), "quantile_levels", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE,
              {h.quantile_levels.size()}, h.quantile_levels.data());
}

h5::Handle open_or_make_group(hid_t parent, const std::string& name) {
  if (H5Lexists(parent, name.c_str(), H5P_DEFAULT) > 0) {
    return h5::own_group(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), "open group '" + name + "'");
  }
  return make_group(parent, name);
}

/// The group at path ("sensitivity/rank"), made with its parents where they are missing.
h5::Handle open_or_make_groups(hid_t file, const std::string& path) {
  h5::Handle group;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    group = open_or_make_group(group.valid() ? group.get() : file, path.substr(start, end - start));
    start = end + 1;
  }
  return group;
}

void write_tornado(hid_t file, const ResultHeader& h) {
  if (!h.sobol_groups.empty()) {
    auto sobol = h5::own_group(H5Gopen2(file, "sensitivity/sobol", H5P_DEFAULT), "open sobol");
    write_strings(sobol.get(), "group", h.sobol_groups);
  }
  if (h.rank_draws > 0) {
    auto rank = h5::own_group(H5Gopen2(file, "sensitivity/rank", H5P_DEFAULT), "open rank");
    write_attribute(rank.get(), "draws", AttributeValue{h.rank_draws});
  }
  const auto& t = h.tornado;
  if (t.groups.empty()) return;
  auto sensitivity = open_or_make_group(file, "sensitivity");
  auto group = make_group(sensitivity.get(), "tornado");
  const hsize_t n_s = h.n_scenarios(), n_o = h.n_outputs(), n_g = t.groups.size();
  write_strings(group.get(), "group", t.groups);
  write_whole(group.get(), "base", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {n_s, n_o}, t.base.data());
  write_whole(group.get(), "low", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {n_s, n_o, n_g}, t.low.data());
  write_whole(group.get(), "high", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {n_s, n_o, n_g},
              t.high.data());
  write_attribute(group.get(), "low_level", AttributeValue{t.low_level});
  write_attribute(group.get(), "high_level", AttributeValue{t.high_level});
}

/// Marks the name lists as HDF5 dimension scales and attaches them to every dimension of every
/// dataset they index (kDatasets), so xarray and HDFView label the axes.
void attach_scales(hid_t file) {
  const auto exists = [&](std::string_view path) {
    const std::string name(path);
    const std::string parent = name.substr(0, name.rfind('/'));
    return H5Lexists(file, parent.c_str(), H5P_DEFAULT) > 0 &&
           H5Lexists(file, name.c_str(), H5P_DEFAULT) > 0;
  };
  const auto open = [&](std::string_view path) {
    const std::string name(path);
    return h5::own_dataset(H5Dopen2(file, name.c_str(), H5P_DEFAULT), "open " + name);
  };
  std::map<Dim, h5::Handle> scales;
  for (const Dim dim : {Dim::kScenario, Dim::kAxis, Dim::kOutput, Dim::kInput, Dim::kLevel,
                        Dim::kSobolGroup, Dim::kTornadoGroup}) {
    if (!exists(scale_of(dim))) continue;
    auto scale = open(scale_of(dim));
    h5::check(H5DSset_scale(scale.get(), std::string(dim_name(dim)).c_str()),
              "make " + std::string(scale_of(dim)) + " a dimension scale");
    scales.emplace(dim, std::move(scale));
  }
  for (const auto& spec : kDatasets) {
    if (!exists(spec.path)) continue;
    auto dataset = open(spec.path);
    for (unsigned d = 0; d < spec.rank; ++d) {
      const Dim dim = spec.dim_list[d];
      const auto scale = scales.find(dim);
      if (scale == scales.end() || scale_of(dim) == spec.path) continue;
      h5::check(H5DSattach_scale(dataset.get(), scale->second.get(), d),
                "attach the " + std::string(dim_name(dim)) + " scale to " + std::string(spec.path));
    }
  }
}

/// Every object's path (H5Lvisit's callback only collects names: nothing may throw through
/// HDF5's C code).
herr_t collect_dataset_names(hid_t /*group*/, const char* name, const H5L_info_t* /*info*/,
                             void* data) noexcept {
  try {
    static_cast<std::vector<std::string>*>(data)->push_back(name);
    return 0;
  } catch (...) {
    return -1;
  }
}

/// A `sha256` attribute on every numeric dataset: the digest of its values as doubles (floating
/// point) or 64-bit integers, which the reader checks (a damaged summary is then reported, not
/// shown). /samples, written block by block by every rank, is read back here in pieces (about
/// the time its writing took).
void add_checksums(hid_t file) {
  std::vector<std::string> names;
  h5::check(H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, collect_dataset_names, &names),
            "list the datasets");
  for (const auto& name : names) {
    H5O_info_t info{};
    if (H5Oget_info_by_name(file, name.c_str(), &info, H5P_DEFAULT) < 0 ||
        info.type != H5O_TYPE_DATASET) {
      H5Eclear2(H5E_DEFAULT);
      continue;
    }
    auto dataset = h5::own_dataset(H5Dopen2(file, name.c_str(), H5P_DEFAULT), "open " + name);
    const std::string digest = h5::dataset_digest(dataset.get(), name);
    if (!digest.empty()) write_attribute(dataset.get(), "sha256", AttributeValue{digest});
  }
}

/// Rank 0's serial part of finish(): everything with strings, then the rename.
void write_serial_part(const std::string& partial, const std::string& final_path,
                       const ResultHeader& header, const Provenance& provenance,
                       const std::function<std::string()>& refuse_publish) {
  auto file = h5::own_file(H5Fopen(partial.c_str(), H5F_ACC_RDWR, H5P_DEFAULT),
                           "reopen result file '" + partial + "'");
  write_attribute(file.get(), "costsweep_layout", AttributeValue{kLayoutVersion});
  write_scenarios(file.get(), header);
  write_variables(file.get(), header);
  write_tornado(file.get(), header);
  attach_scales(file.get());
  add_checksums(file.get());
  auto group = make_group(file.get(), "provenance");
  for (const auto& [name, value] : provenance) write_attribute(group.get(), name, value);
  group.close();
  file.close();
  if (refuse_publish) {
    if (const auto why = refuse_publish(); !why.empty()) {
      throw RuntimeError("not publishing " + final_path + ": " + why);
    }
  }
  publish(partial, final_path);
}

/// Collective. Creates a [n_rows, columns...] dataset in group and writes rows
/// [first_row, first_row + data.size() / columns) of it from this rank.
void write_rows(hid_t group, const std::string& name, hid_t mem_type, hid_t file_type,
                std::vector<hsize_t> dims, std::uint64_t first_row, const void* data,
                std::size_t n_values) {
  auto space = h5::own_space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                             "create dataspace for '" + name + "'");
  auto dcpl = dataset_creation_plist();
  auto dataset = h5::own_dataset(
      H5Dcreate2(group, name.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
      "create dataset '" + name + "'");
  hsize_t per_row = 1;
  for (std::size_t d = 1; d < dims.size(); ++d) per_row *= dims[d];
  const hsize_t n_rows = per_row == 0 ? 0 : n_values / per_row;
  std::vector<hsize_t> start(dims.size(), 0), count = dims;
  start[0] = first_row;
  count[0] = n_rows;
  const hsize_t n_memory = std::max<hsize_t>(n_values, 1);
  auto mem_space = h5::own_space(H5Screate_simple(1, &n_memory, nullptr), "create memory space");
  if (n_values == 0) {
    h5::check(H5Sselect_none(space.get()), "select nothing");
    h5::check(H5Sselect_none(mem_space.get()), "select nothing");
  } else {
    h5::check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                                  nullptr),
              "select this rank's rows of '" + name + "'");
  }
  auto dxpl = collective_transfer();
  h5::check(H5Dwrite(dataset.get(), mem_type, mem_space.get(), space.get(), dxpl.get(), data),
            "write '" + name + "'");
}

}  // namespace

void SummaryRows::append(const SummaryRows& o) {
  for (const auto& spec : kDatasets) {
    if (spec.doubles != nullptr) {
      auto& to = this->*spec.doubles;
      const auto& from = o.*spec.doubles;
      to.insert(to.end(), from.begin(), from.end());
    }
    if (spec.integers != nullptr) {
      auto& to = this->*spec.integers;
      const auto& from = o.*spec.integers;
      to.insert(to.end(), from.begin(), from.end());
    }
  }
}

ResultWriter::ResultWriter(const mpi::Communicator& comm, std::string final_path,
                           std::string partial_path)
    : comm_(comm), final_path_(std::move(final_path)), partial_path_(std::move(partial_path)) {
  rank_ = comm_.rank();
  auto fapl = h5::own_plist(H5Pcreate(H5P_FILE_ACCESS), "create file access property list");
  h5::check(H5Pset_fapl_mpio(fapl.get(), comm_.get(), MPI_INFO_NULL), "select the MPI-IO driver");
  h5::check(H5Pset_all_coll_metadata_ops(fapl.get(), true), "select collective metadata reads");
  h5::check(H5Pset_coll_metadata_write(fapl.get(), true), "select collective metadata writes");
  file_ = h5::own_file(H5Fcreate(partial_path_.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, fapl.get()),
                       "create result file '" + partial_path_ + "'");
}

ResultWriter::~ResultWriter() {
  if (finished_) return;
  if (comm_.size() > 1 && std::uncaught_exceptions() > 0) {
    // Unwinding on this rank alone (e.g. it was interrupted): closing the file is collective
    // and the other ranks may be in another collective call, so leave it to the abort.
    for (auto& [kind, dataset] : samples_) dataset.abandon();
    file_.abandon();
    if (rank_ == 0) std::remove(partial_path_.c_str());
    return;
  }
  samples_.clear();
  file_ = h5::Handle();  // closes, ignoring errors
  if (rank_ == 0) std::remove(partial_path_.c_str());
}

void ResultWriter::write_summary(const Extents& extents, std::uint64_t first_row,
                                 const SummaryRows& rows) {
  for (const auto& spec : kDatasets) {
    if (!spec.is_row_data() || !extents.has(spec.presence)) continue;
    const std::string path(spec.path);
    auto group = open_or_make_groups(file_.get(), path.substr(0, path.rfind('/')));
    const auto shape = extents.shape(spec);
    const std::vector<hsize_t> dims(shape.begin(), shape.end());
    if (spec.integers != nullptr) {
      const auto& data = rows.*spec.integers;
      write_rows(group.get(), std::string(spec.leaf()), H5T_NATIVE_INT64, H5T_STD_I64LE, dims,
                 first_row, data.data(), data.size());
    } else {
      const auto& data = rows.*spec.doubles;
      write_rows(group.get(), std::string(spec.leaf()), H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, dims,
                 first_row, data.data(), data.size());
    }
  }
}

void ResultWriter::create_samples(const std::string& kind, std::uint64_t n_scenarios,
                                  std::uint64_t n_variables, std::uint64_t n_draws) {
  const htri_t exists = H5Lexists(file_.get(), "samples", H5P_DEFAULT);
  h5::check(exists, "look up group 'samples'");
  auto samples = exists > 0
                     ? h5::own_group(H5Gopen2(file_.get(), "samples", H5P_DEFAULT), "open samples")
                     : make_group(file_.get(), "samples");
  const hsize_t dims[3] = {n_scenarios, n_variables, n_draws};
  const hsize_t chunk[3] = {1, 1,
                            std::max<hsize_t>(1, std::min<hsize_t>(n_draws, kSampleChunkDraws))};
  const hsize_t max_dims[3] = {n_scenarios, n_variables, H5S_UNLIMITED};
  auto space = h5::own_space(H5Screate_simple(3, dims, max_dims), "create samples dataspace");
  auto dcpl = dataset_creation_plist();
  h5::check(H5Pset_chunk(dcpl.get(), 3, chunk), "set sample chunking");
  h5::check(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER), "skip sample fill");
  samples_[kind] = h5::own_dataset(H5Dcreate2(samples.get(), kind.c_str(), H5T_IEEE_F64LE,
                                              space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                                   "create samples dataset '" + kind + "'");
}

void ResultWriter::write_samples(const std::string& kind, const std::vector<SamplePiece>& pieces) {
  const hid_t dataset = samples_.at(kind).get();
  auto file_space = h5::own_space(H5Dget_space(dataset), "get samples dataspace");
  // One selection for all pieces, filled from one buffer in the file's [row][variable][draw]
  // order, so a rank makes a single collective write whatever it holds.
  std::vector<double> buffer;
  h5::check(H5Sselect_none(file_space.get()), "select nothing");
  for (const auto& piece : pieces) {
    const auto& values = *piece.values;
    const hsize_t rows = static_cast<hsize_t>(values.rows()),
                  cols = static_cast<hsize_t>(values.cols());
    if (rows == 0 || cols == 0) continue;
    const hsize_t start[3] = {piece.row, 0, piece.first_draw}, count[3] = {1, cols, rows};
    h5::check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_OR, start, nullptr, count, nullptr),
              "select this rank's draws");
    buffer.insert(buffer.end(), values.data(), values.data() + values.size());
  }
  const hsize_t n = std::max<hsize_t>(buffer.size(), 1);
  auto mem_space = h5::own_space(H5Screate_simple(1, &n, nullptr), "create memory space");
  if (buffer.empty()) h5::check(H5Sselect_none(mem_space.get()), "select nothing");
  auto dxpl = collective_transfer();
  h5::check(H5Dwrite(dataset, H5T_NATIVE_DOUBLE, mem_space.get(), file_space.get(), dxpl.get(),
                     buffer.data()),
            "write samples '" + kind + "'");
}

void ResultWriter::extend_samples(const std::string& kind, std::uint64_t n_draws) {
  const hid_t dataset = samples_.at(kind).get();
  auto space = h5::own_space(H5Dget_space(dataset), "get samples dataspace");
  hsize_t dims[3];
  h5::check(H5Sget_simple_extent_dims(space.get(), dims, nullptr), "read samples extent");
  dims[2] = n_draws;
  h5::check(H5Dset_extent(dataset, dims), "extend samples '" + kind + "'");
}

void ResultWriter::write_sample_block(const std::string& kind, const SamplePiece& piece) {
  const hid_t dataset = samples_.at(kind).get();
  const auto& values = *piece.values;
  const hsize_t rows = static_cast<hsize_t>(values.rows()),
                cols = static_cast<hsize_t>(values.cols());
  if (rows == 0 || cols == 0) return;
  auto file_space = h5::own_space(H5Dget_space(dataset), "get samples dataspace");
  const hsize_t start[3] = {piece.row, 0, piece.first_draw}, count[3] = {1, cols, rows};
  h5::check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr),
            "select a block of draws");
  const hsize_t n = rows * cols;
  auto mem_space = h5::own_space(H5Screate_simple(1, &n, nullptr), "create memory space");
  auto dxpl = h5::own_plist(H5Pcreate(H5P_DATASET_XFER), "create transfer property list");
  h5::check(H5Pset_dxpl_mpio(dxpl.get(), H5FD_MPIO_INDEPENDENT), "select independent transfer");
  h5::check(H5Dwrite(dataset, H5T_NATIVE_DOUBLE, mem_space.get(), file_space.get(), dxpl.get(),
                     values.data()),
            "write samples '" + kind + "'");
}

void ResultWriter::finish(const ResultHeader& header, const Provenance& provenance,
                          const std::function<std::string()>& refuse_publish) {
  samples_.clear();
  file_.close();  // Collective.
  std::string error;
  if (rank_ == 0) {
    try {
      write_serial_part(partial_path_, final_path_, header, provenance, refuse_publish);
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  agree(comm_, error);
  finished_ = true;
}

}  // namespace costsweep::io
