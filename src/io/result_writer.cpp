#include "io/result_writer.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

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

void write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& values) {
  std::vector<const char*> pointers;
  for (const auto& v : values) pointers.push_back(v.c_str());
  auto type = h5::utf8_string_type();
  write_whole(parent, name, type.get(), type.get(), {values.size()}, pointers.data());
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
void agree(MPI_Comm comm, int rank, std::string error) {
  unsigned long length = error.size();
  MPI_Bcast(&length, 1, MPI_UNSIGNED_LONG, 0, comm);
  error.resize(length);
  MPI_Bcast(error.data(), static_cast<int>(length), MPI_CHAR, 0, comm);
  if (!error.empty()) throw H5Error(rank == 0 ? error : "rank 0 failed: " + error);
}

}  // namespace

ResultWriter::ResultWriter(MPI_Comm comm, std::string final_path)
    : comm_(comm), final_path_(std::move(final_path)), partial_path_(final_path_ + ".partial") {
  MPI_Comm_rank(comm_, &rank_);
  auto fapl = h5::own_plist(H5Pcreate(H5P_FILE_ACCESS), "create file access property list");
  h5::check(H5Pset_fapl_mpio(fapl.get(), comm_, MPI_INFO_NULL), "select the MPI-IO driver");
  h5::check(H5Pset_all_coll_metadata_ops(fapl.get(), true), "select collective metadata reads");
  h5::check(H5Pset_coll_metadata_write(fapl.get(), true), "select collective metadata writes");
  file_ = h5::own_file(H5Fcreate(partial_path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()),
                       "create result file '" + partial_path_ + "'");
}

ResultWriter::~ResultWriter() {
  if (finished_) return;
  file_ = h5::Handle();  // closes, ignoring errors
  if (rank_ == 0) std::remove(partial_path_.c_str());
}

namespace {

void write_tables(hid_t file, const ResultTables& t) {
  const hsize_t n_scen = t.n_scenarios(), n_out = t.n_outputs(), n_q = t.quantile_levels.size();
  {
    auto group = make_group(file, "scenarios");
    write_strings(group.get(), "name", t.scenario_names);
  }
  {
    auto group = make_group(file, "outputs");
    write_strings(group.get(), "name", t.output_names);
    write_strings(group.get(), "unit", t.output_units);
    write_strings(group.get(), "description", t.output_descriptions);
  }
  {
    auto group = make_group(file, "inputs");
    write_strings(group.get(), "name", t.input_names);
    write_strings(group.get(), "spec", t.input_specs);
  }
  auto group = make_group(file, "summary");
  const hid_t g = group.get();
  write_whole(g, "count", H5T_NATIVE_INT64, H5T_STD_I64LE, {n_scen, n_out}, t.count.data());
  const std::pair<const char*, const std::vector<double>*> columns[] = {
      {"mean", &t.mean}, {"sd", &t.sd}, {"se", &t.se}, {"min", &t.min}, {"max", &t.max}};
  for (const auto& [name, data] : columns) {
    write_whole(g, name, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {n_scen, n_out}, data->data());
  }
  write_whole(g, "quantile_levels", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {n_q},
              t.quantile_levels.data());
  write_whole(g, "quantiles", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {n_scen, n_out, n_q},
              t.quantiles.data());
}

void write_provenance(hid_t file, const Provenance& provenance) {
  auto group = make_group(file, "provenance");
  for (const auto& [name, value] : provenance) write_attribute(group.get(), name, value);
}

/// Rank 0's serial part of finish(): names, summary, provenance, then the rename.
void write_serial_part(const std::string& partial, const std::string& final_path,
                       const ResultTables& tables, const Provenance& provenance) {
  auto file = h5::own_file(H5Fopen(partial.c_str(), H5F_ACC_RDWR, H5P_DEFAULT),
                           "reopen result file '" + partial + "'");
  write_attribute(file.get(), "costsweep_layout", AttributeValue{kLayoutVersion});
  write_tables(file.get(), tables);
  write_provenance(file.get(), provenance);
  file.close();
  std::filesystem::rename(partial, final_path);
}

}  // namespace

void ResultWriter::write_samples(const std::string& kind, std::uint64_t n_scenarios,
                                 std::uint64_t n_draws, std::uint64_t scenario,
                                 std::uint64_t first_draw, const Eigen::ArrayXXd& local) {
  const htri_t exists = H5Lexists(file_.get(), "samples", H5P_DEFAULT);
  h5::check(exists, "look up group 'samples'");
  auto samples = exists > 0
                     ? h5::own_group(H5Gopen2(file_.get(), "samples", H5P_DEFAULT), "open samples")
                     : make_group(file_.get(), "samples");
  const auto n_columns = static_cast<hsize_t>(local.cols());
  const hsize_t dims[3] = {n_scenarios, n_columns, n_draws};
  const hsize_t chunk[3] = {1, 1,
                            std::max<hsize_t>(1, std::min<hsize_t>(n_draws, kSampleChunkDraws))};
  auto space = h5::own_space(H5Screate_simple(3, dims, nullptr), "create samples dataspace");
  auto dcpl = dataset_creation_plist();
  h5::check(H5Pset_chunk(dcpl.get(), 3, chunk), "set sample chunking");
  h5::check(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER), "skip sample fill");
  auto dataset = h5::own_dataset(H5Dcreate2(samples.get(), kind.c_str(), H5T_IEEE_F64LE,
                                            space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                                 "create samples dataset '" + kind + "'");
  // This rank's draws of every column in one collective write: the column-major block is
  // [column][draw] in memory, the file's [scenario][column][draw] order.
  const hsize_t rows = static_cast<hsize_t>(local.rows());
  const hsize_t start[3] = {scenario, 0, first_draw}, count[3] = {1, n_columns, rows};
  auto file_space = h5::own_space(H5Dget_space(dataset.get()), "get samples dataspace");
  auto mem_space = h5::own_space(H5Screate_simple(3, count, nullptr), "create memory space");
  if (rows == 0 || n_columns == 0) {
    h5::check(H5Sselect_none(file_space.get()), "select nothing");
    h5::check(H5Sselect_none(mem_space.get()), "select nothing");
  } else {
    h5::check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr),
              "select this rank's draws");
  }
  auto dxpl = collective_transfer();
  h5::check(H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, mem_space.get(), file_space.get(),
                     dxpl.get(), local.data()),
            "write samples '" + kind + "'");
}

void ResultWriter::finish(const ResultTables& tables, const Provenance& provenance) {
  file_.close();  // Collective.
  std::string error;
  if (rank_ == 0) {
    try {
      write_serial_part(partial_path_, final_path_, tables, provenance);
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  agree(comm_, rank_, error);
  finished_ = true;
}

}  // namespace costsweep::io
