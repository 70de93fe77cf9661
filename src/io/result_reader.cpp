#include "io/result_reader.hpp"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <string_view>

#include "core/checksum/sha256.hpp"
#include "io/h5_handle.hpp"
#include "io/layout.hpp"

namespace costsweep::io {
namespace {

/// How many values an attribute holds: 1 for a scalar, 0 for an empty one.
hssize_t value_count(hid_t attribute) {
  auto space = h5::own_space(H5Aget_space(attribute), "get attribute dataspace");
  return std::max<hssize_t>(H5Sget_simple_extent_npoints(space.get()), 0);
}

const char* class_name(H5T_class_t kind) {
  switch (kind) {
    case H5T_INTEGER:
      return "integer";
    case H5T_FLOAT:
      return "float";
    case H5T_STRING:
      return "string";
    case H5T_COMPOUND:
      return "compound";
    case H5T_ENUM:
      return "enum";
    case H5T_ARRAY:
      return "array";
    case H5T_VLEN:
      return "variable-length sequence";
    case H5T_OPAQUE:
      return "opaque";
    case H5T_BITFIELD:
      return "bitfield";
    case H5T_REFERENCE:
      return "reference";
    case H5T_TIME:
      return "time";
    default:
      return "unknown";
  }
}

/// "3 values of HDF5 class integer": what an attribute holds, for messages.
std::string holding(hssize_t count, H5T_class_t kind) {
  return std::to_string(count) + (count == 1 ? " value" : " values") + " of HDF5 class " +
         class_name(kind);
}

/// The one string of a string attribute, variable-length (as costsweep and h5py write it) or
/// fixed-length (numpy bytes), its padding removed.
std::string read_string(hid_t attribute, const std::string& what) {
  auto type = h5::own_type(H5Aget_type(attribute), what);
  if (H5Tis_variable_str(type.get()) > 0) {
    auto string_type = h5::utf8_string_type();
    char* text = nullptr;
    h5::check(H5Aread(attribute, string_type.get(), &text), what);
    std::string value = text != nullptr ? text : "";
    H5free_memory(text);
    return value;
  }
  std::string value(H5Tget_size(type.get()), '\0');
  h5::check(H5Aread(attribute, type.get(), value.data()), what);
  value.resize(std::min(value.find('\0'), value.size()));
  while (!value.empty() && value.back() == ' ') value.pop_back();
  return value;
}

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}
  ResultFile read();
  /// Fails when a numeric dataset's values (just read, as read_as) do not match its checksum.
  void verify(const h5::Handle& dataset, const std::string& name, std::string_view values,
              H5T_class_t read_as) const;

 private:
  void fail(const std::string& reason) const {
    throw H5Error("cannot read result file '" + path_ + "': " + reason);
  }
  h5::Handle open_dataset(const std::string& name) const;
  /// Whether the object at path exists (each of its parent groups too).
  bool exists(const std::string& path) const;
  /// Fails unless the dataset has the layout's element class and this file's extents (a draw
  /// dimension of unknown extent takes any size).
  void check_shape(const DatasetSpec& spec, const Extents& extents) const;
  std::vector<hsize_t> dims(const h5::Handle& dataset) const;
  std::vector<double> doubles(const std::string& name) const;
  std::vector<std::int64_t> int64s(const std::string& name) const;
  std::vector<std::string> strings(const std::string& name) const;
  std::int64_t layout_version() const;
  std::vector<std::vector<std::string>> rows_of(const std::vector<std::string>& flat,
                                                std::size_t columns, std::size_t n_rows) const;
  std::int64_t int_attribute(const std::string& object, const std::string& name) const;
  double double_attribute(const std::string& object, const std::string& name) const;
  /// The attribute `name` of `object`, checked to hold one value of class `want` (a float
  /// attribute may also be an integer): a hostile file's array or string is refused here
  /// instead of read past a one-value buffer.
  h5::Handle one_value_attribute(hid_t object, const std::string& object_name,
                                 const std::string& name, H5T_class_t want) const;
  Provenance provenance() const;

  std::string path_;
  h5::Handle file_;
};

h5::Handle Reader::open_dataset(const std::string& name) const {
  const htri_t exists = H5Lexists(file_.get(), name.c_str(), H5P_DEFAULT) > 0 &&
                        H5Oexists_by_name(file_.get(), name.c_str(), H5P_DEFAULT) > 0;
  H5Eclear2(H5E_DEFAULT);
  if (exists <= 0) fail("dataset '" + name + "' is missing");
  return h5::own_dataset(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT), "open " + name);
}

bool Reader::exists(const std::string& path) const {
  for (std::size_t end = path.find('/');; end = path.find('/', end + 1)) {
    const std::string prefix = path.substr(0, end);
    if (H5Lexists(file_.get(), prefix.c_str(), H5P_DEFAULT) <= 0) {
      H5Eclear2(H5E_DEFAULT);
      return false;
    }
    if (end == std::string::npos) return true;
  }
}

void Reader::check_shape(const DatasetSpec& spec, const Extents& extents) const {
  const std::string path(spec.path);
  auto dataset = open_dataset(path);
  auto type = h5::own_type(H5Dget_type(dataset.get()), "get the type of " + path);
  const H5T_class_t kind = H5Tget_class(type.get());
  const H5T_class_t want = spec.element == Element::kString  ? H5T_STRING
                           : spec.element == Element::kInt64 ? H5T_INTEGER
                                                             : H5T_FLOAT;
  if (kind != want) {
    fail("dataset '" + path + "' holds HDF5 class " + class_name(kind) + ", not " +
         std::string(element_name(spec.element)));
  }
  const auto found = dims(dataset);
  const auto expected = extents.shape(spec);
  bool same = found.size() == expected.size();
  for (std::size_t d = 0; same && d < found.size(); ++d) {
    same = found[d] == expected[d] || (spec.dim_list[d] == Dim::kDraw && expected[d] == 0);
  }
  if (!same) {
    const auto list = [](const auto& sizes) {
      std::string text = "[";
      for (std::size_t d = 0; d < sizes.size(); ++d) {
        text += (d == 0 ? "" : ", ") + std::to_string(sizes[d]);
      }
      return text + "]";
    };
    fail("dataset '" + path + "' has shape " + list(found) + "; the layout gives it " +
         shape_text(spec) + ", which is " + list(expected) +
         " for this file's names (scenarios, outputs, inputs, levels, groups)");
  }
}

std::vector<hsize_t> Reader::dims(const h5::Handle& dataset) const {
  auto space = h5::own_space(H5Dget_space(dataset.get()), "get dataspace");
  const int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> d(static_cast<std::size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(space.get(), d.data(), nullptr);
  return d;
}

std::size_t element_count(const std::vector<hsize_t>& dims) {
  std::size_t n = 1;
  for (const auto d : dims) n *= d;
  return n;
}

void Reader::verify(const h5::Handle& dataset, const std::string& name, std::string_view values,
                    H5T_class_t read_as) const {
  if (H5Aexists(dataset.get(), "sha256") <= 0) return;  // written before checksums
  auto attribute = one_value_attribute(dataset.get(), name, "sha256", H5T_STRING);
  const std::string expected = read_string(attribute.get(), "read the checksum of " + name);
  // The values just read are the digest's input when read as the dataset's own class.
  auto type = h5::own_type(H5Dget_type(dataset.get()), "get the type of " + name);
  const std::string digest = H5Tget_class(type.get()) == read_as
                                 ? sha256_hex(values)
                                 : h5::dataset_digest(dataset.get(), name);
  if (digest != expected) {
    fail("dataset '" + name +
         "' is damaged: its values do not match the checksum written with "
         "them (SHA-256 in its 'sha256' attribute); rerun the job or restore the file");
  }
}

std::vector<double> Reader::doubles(const std::string& name) const {
  auto dataset = open_dataset(name);
  std::vector<double> values(element_count(dims(dataset)));
  h5::check(H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
            "read " + name + " of '" + path_ + "'");
  verify(dataset, name,
         {reinterpret_cast<const char*>(values.data()), values.size() * sizeof(double)}, H5T_FLOAT);
  return values;
}

std::vector<std::int64_t> Reader::int64s(const std::string& name) const {
  auto dataset = open_dataset(name);
  std::vector<std::int64_t> values(element_count(dims(dataset)));
  h5::check(H5Dread(dataset.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
            "read " + name + " of '" + path_ + "'");
  verify(dataset, name,
         {reinterpret_cast<const char*>(values.data()), values.size() * sizeof(std::int64_t)},
         H5T_INTEGER);
  return values;
}

std::vector<std::string> Reader::strings(const std::string& name) const {
  auto dataset = open_dataset(name);
  const auto n = element_count(dims(dataset));
  auto type = h5::utf8_string_type();
  std::vector<char*> pointers(n, nullptr);
  h5::check(H5Dread(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()),
            "read " + name + " of '" + path_ + "'");
  std::vector<std::string> values;
  for (char* p : pointers) {
    values.emplace_back(p != nullptr ? p : "");
    H5free_memory(p);
  }
  return values;
}

std::vector<std::vector<std::string>> Reader::rows_of(const std::vector<std::string>& flat,
                                                      std::size_t columns,
                                                      std::size_t n_rows) const {
  std::vector<std::vector<std::string>> rows;
  if (columns == 0) {  // no axes (or inputs): one empty row per scenario
    rows.resize(n_rows);
    return rows;
  }
  if (flat.size() % columns != 0) fail("a string table does not match its column names");
  for (std::size_t i = 0; i < flat.size(); i += columns) {
    rows.emplace_back(flat.begin() + static_cast<std::ptrdiff_t>(i),
                      flat.begin() + static_cast<std::ptrdiff_t>(i + columns));
  }
  return rows;
}

h5::Handle Reader::one_value_attribute(hid_t object, const std::string& object_name,
                                       const std::string& name, H5T_class_t want) const {
  auto attribute = h5::own_attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT),
                                     "open attribute " + name + " of " + object_name);
  auto type = h5::own_type(H5Aget_type(attribute.get()), "get the type of attribute " + name);
  const H5T_class_t kind = H5Tget_class(type.get());
  const hssize_t count = value_count(attribute.get());
  const bool class_ok = kind == want || (want == H5T_FLOAT && kind == H5T_INTEGER);
  if (!class_ok || count != 1) {
    const char* what = want == H5T_STRING    ? "one string"
                       : want == H5T_INTEGER ? "one integer"
                                             : "one number";
    fail("attribute '" + name + "' of '" + object_name + "' must be " + what + ", but it holds " +
         holding(count, kind) + " (damaged, or not written by costsweep)");
  }
  return attribute;
}

double Reader::double_attribute(const std::string& object, const std::string& name) const {
  auto group = h5::own_group(H5Gopen2(file_.get(), object.c_str(), H5P_DEFAULT), "open " + object);
  auto attribute = one_value_attribute(group.get(), object, name, H5T_FLOAT);
  double value = 0;
  h5::check(H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, &value), "read attribute " + name);
  return value;
}

std::int64_t Reader::int_attribute(const std::string& object, const std::string& name) const {
  if (H5Aexists_by_name(file_.get(), object.c_str(), name.c_str(), H5P_DEFAULT) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    fail("attribute '" + name + "' of '" + object + "' is missing");
  }
  auto group = h5::own_group(H5Gopen2(file_.get(), object.c_str(), H5P_DEFAULT), "open " + object);
  auto attribute = one_value_attribute(group.get(), object, name, H5T_INTEGER);
  std::int64_t value = 0;
  h5::check(H5Aread(attribute.get(), H5T_NATIVE_INT64, &value), "read attribute " + name);
  return value;
}

std::int64_t Reader::layout_version() const {
  if (H5Aexists(file_.get(), "costsweep_layout") <= 0) {
    fail("it is an HDF5 file but not a costsweep result (no 'costsweep_layout' attribute)");
  }
  auto attribute = one_value_attribute(file_.get(), "/", "costsweep_layout", H5T_INTEGER);
  std::int64_t version = 0;
  h5::check(H5Aread(attribute.get(), H5T_NATIVE_INT64, &version), "read costsweep_layout");
  if (version < 1) fail("its 'costsweep_layout' is " + std::to_string(version) + ", not 1 or more");
  return version;
}

/// H5Aiterate2's callback only collects the names: no exception may cross HDF5's C code.
herr_t collect_attribute_name(hid_t, const char* name, const H5A_info_t*, void* data) noexcept {
  try {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  } catch (...) {
    return -1;
  }
}

/// A provenance attribute as costsweep wrote it (one string, integer or number); anything else a
/// tool added (arrays, compounds, empty values) is kept as a short description, never read into
/// a one-value buffer.
void read_attribute(hid_t object, const std::string& name, Provenance& provenance) {
  auto attribute =
      h5::own_attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), "open attribute " + name);
  auto type = h5::own_type(H5Aget_type(attribute.get()), "get attribute type");
  const H5T_class_t kind = H5Tget_class(type.get());
  const hssize_t count = value_count(attribute.get());
  if (count != 1 || (kind != H5T_STRING && kind != H5T_INTEGER && kind != H5T_FLOAT)) {
    provenance[name] = "(" + holding(count, kind) + ", not shown)";
    return;
  }
  switch (kind) {
    case H5T_STRING:
      provenance[name] = read_string(attribute.get(), "read attribute " + name);
      break;
    case H5T_INTEGER: {
      if (H5Tget_sign(type.get()) == H5T_SGN_NONE) {
        std::uint64_t value = 0;
        h5::check(H5Aread(attribute.get(), H5T_NATIVE_UINT64, &value), "read attribute");
        provenance[name] = value;
      } else {
        std::int64_t value = 0;
        h5::check(H5Aread(attribute.get(), H5T_NATIVE_INT64, &value), "read attribute");
        provenance[name] = value;
      }
      break;
    }
    default: {
      double value = 0;
      h5::check(H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, &value), "read attribute");
      provenance[name] = value;
    }
  }
}

Provenance Reader::provenance() const {
  Provenance provenance;
  if (H5Lexists(file_.get(), "provenance", H5P_DEFAULT) <= 0) return provenance;
  auto group = h5::own_group(H5Gopen2(file_.get(), "provenance", H5P_DEFAULT), "open provenance");
  hsize_t index = 0;
  std::vector<std::string> names;
  h5::check(
      H5Aiterate2(group.get(), H5_INDEX_NAME, H5_ITER_INC, &index, collect_attribute_name, &names),
      "read provenance of '" + path_ + "'");
  for (const auto& name : names) read_attribute(group.get(), name, provenance);
  return provenance;
}

ResultFile Reader::read() {
  h5::silence_error_printing();
  if (!std::filesystem::exists(path_)) fail("no such file");
  if (H5Fis_hdf5(path_.c_str()) <= 0) fail("not an HDF5 file");
  file_ = h5::own_file(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open '" + path_ + "'");
  ResultFile result;
  result.layout_version = layout_version();
  if (result.layout_version > kLayoutVersion) {
    fail("written with result layout " + std::to_string(result.layout_version) +
         ", newer than this costsweep reads (" + std::to_string(kLayoutVersion) + ")");
  }
  auto& t = result.tables;
  t.scenario_names = strings("scenarios/name");
  t.axis_keys = strings("scenarios/axis");
  t.value_text =
      rows_of(strings("scenarios/value_text"), t.axis_keys.size(), t.scenario_names.size());
  t.value_label =
      rows_of(strings("scenarios/value_label"), t.axis_keys.size(), t.scenario_names.size());
  t.baseline = int_attribute("scenarios", "baseline");
  t.first_scenario = int_attribute("scenarios", "first_scenario");
  t.total_scenarios = int_attribute("scenarios", "total_scenarios");
  const auto n_scenarios = static_cast<std::int64_t>(t.scenario_names.size());
  if (t.first_scenario < 0 || t.total_scenarios < n_scenarios ||
      t.first_scenario > t.total_scenarios - n_scenarios || t.baseline < 0 ||
      t.baseline >= std::max<std::int64_t>(t.total_scenarios, 1)) {
    fail("its scenario attributes do not fit its " + std::to_string(n_scenarios) +
         " scenarios (first_scenario " + std::to_string(t.first_scenario) + ", total_scenarios " +
         std::to_string(t.total_scenarios) + ", baseline " + std::to_string(t.baseline) +
         "; want 0 <= first_scenario, first_scenario + scenarios "
         "<= total_scenarios, 0 <= baseline < total_scenarios)");
  }
  t.output_names = strings("outputs/name");
  t.output_units = strings("outputs/unit");
  t.output_descriptions = strings("outputs/description");
  t.input_names = strings("inputs/name");
  t.input_specs = rows_of(strings("inputs/spec"), t.input_names.size(), t.scenario_names.size());
  t.quantile_levels = doubles("summary/quantile_levels");
  if (t.value_text.size() != t.n_scenarios()) {
    fail("the scenario table does not match the scenario names");
  }
  if (exists("sensitivity/sobol")) t.sobol_groups = strings("sensitivity/sobol/group");
  if (exists("sensitivity/rank")) {
    const std::int64_t rank_draws = int_attribute("sensitivity/rank", "draws");
    if (rank_draws < 0) fail("its 'sensitivity/rank' draws are negative");
    t.rank_draws = static_cast<std::uint64_t>(rank_draws);
  }
  if (exists("sensitivity/tornado")) t.tornado.groups = strings("sensitivity/tornado/group");
  // Every dataset the layout gives this file, checked against its type and shape; the
  // per-scenario rows are read into their SummaryRows member.
  const auto extents = Extents::of(t, exists("samples"));
  for (const auto& spec : kDatasets) {
    if (!extents.has(spec.presence)) continue;
    const std::string path(spec.path);
    if (spec.may_be_absent && !exists(path)) {
      std::uint64_t n = 1;
      for (const auto size : extents.shape(spec)) n *= size;
      (t.*spec.doubles).assign(n, std::numeric_limits<double>::quiet_NaN());
      continue;
    }
    check_shape(spec, extents);
    if (spec.integers != nullptr) t.*spec.integers = int64s(path);
    if (spec.doubles != nullptr) t.*spec.doubles = doubles(path);
    if (spec.tornado != nullptr) t.tornado.*spec.tornado = doubles(path);
  }
  if (extents.tornado) {
    auto& tornado = t.tornado;
    tornado.low_level = double_attribute("sensitivity/tornado", "low_level");
    tornado.high_level = double_attribute("sensitivity/tornado", "high_level");
  }
  result.provenance = provenance();
  result.has_samples = extents.samples;
  return result;
}

}  // namespace

ResultFile read_result(const std::string& path) {
  try {
    return Reader(path).read();
  } catch (const H5Error& e) {
    // An HDF5 call that failed on this file: its message gets the file's name.
    const std::string message = e.what();
    if (message.find(path) != std::string::npos) throw;
    throw H5Error("cannot read result file '" + path + "': " + message);
  }
}

std::vector<double> read_samples(const std::string& path, const std::string& kind,
                                 std::vector<std::uint64_t>& dims) {
  auto file =
      h5::own_file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open '" + path + "'");
  const std::string name = "samples/" + kind;
  if (H5Lexists(file.get(), "samples", H5P_DEFAULT) <= 0 ||
      H5Lexists(file.get(), name.c_str(), H5P_DEFAULT) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw H5Error("cannot read result file '" + path + "': dataset '" + name + "' is missing");
  }
  auto dataset = h5::own_dataset(H5Dopen2(file.get(), name.c_str(), H5P_DEFAULT), "open " + name);
  auto space = h5::own_space(H5Dget_space(dataset.get()), "get dataspace");
  hsize_t d[3] = {0, 0, 0};
  if (H5Sget_simple_extent_ndims(space.get()) != 3) {
    throw H5Error("cannot read result file '" + path + "': '" + name + "' is not 3-dimensional");
  }
  H5Sget_simple_extent_dims(space.get(), d, nullptr);
  dims.assign(d, d + 3);
  std::vector<double> values(d[0] * d[1] * d[2]);
  h5::check(H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
            "read " + name + " of '" + path + "'");
  Reader(path).verify(
      dataset, name, {reinterpret_cast<const char*>(values.data()), values.size() * sizeof(double)},
      H5T_FLOAT);
  return values;
}

}  // namespace costsweep::io
