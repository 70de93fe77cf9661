#include "io/h5_handle.hpp"

#include <algorithm>
#include <vector>

#include "core/checksum/sha256.hpp"

namespace costsweep::h5 {
namespace {

herr_t keep_innermost(unsigned n, const H5E_error2_t* error, void* data) {
  // Walking upward, frame 0 is the innermost: it says what really failed (e.g. errno text).
  if (n == 0 && error->desc != nullptr) *static_cast<std::string*>(data) = error->desc;
  return 0;
}

std::string innermost_error() {
  std::string message = "unknown HDF5 error";
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, &message);
  H5Eclear2(H5E_DEFAULT);
  return message;
}

}  // namespace

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    if (valid() && closer_ != nullptr) closer_(id_);
    id_ = std::exchange(other.id_, H5I_INVALID_HID);
    closer_ = other.closer_;
  }
  return *this;
}

Handle::~Handle() {
  if (valid() && closer_ != nullptr) closer_(id_);
}

void Handle::close() {
  if (!valid()) return;
  const hid_t id = std::exchange(id_, H5I_INVALID_HID);
  check(closer_(id), "close HDF5 object");
}

void silence_error_printing() noexcept { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

void check(herr_t status, const std::string& what) {
  if (status < 0) throw H5Error("cannot " + what + ": " + innermost_error());
}

Handle own(hid_t id, Handle::Closer closer, const std::string& what) {
  if (id < 0) throw H5Error("cannot " + what + ": " + innermost_error());
  return Handle(id, closer);
}

Handle own_file(hid_t id, const std::string& what) { return own(id, H5Fclose, what); }
Handle own_group(hid_t id, const std::string& what) { return own(id, H5Gclose, what); }
Handle own_dataset(hid_t id, const std::string& what) { return own(id, H5Dclose, what); }
Handle own_space(hid_t id, const std::string& what) { return own(id, H5Sclose, what); }
Handle own_type(hid_t id, const std::string& what) { return own(id, H5Tclose, what); }
Handle own_plist(hid_t id, const std::string& what) { return own(id, H5Pclose, what); }
Handle own_attribute(hid_t id, const std::string& what) { return own(id, H5Aclose, what); }

Handle utf8_string_type() {
  Handle type = own_type(H5Tcopy(H5T_C_S1), "copy string type");
  check(H5Tset_size(type.get(), H5T_VARIABLE), "make string type variable-length");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "make string type UTF-8");
  return type;
}

std::string dataset_digest(hid_t dataset, const std::string& name) {
  auto type = own_type(H5Dget_type(dataset), "get the type of " + name);
  const H5T_class_t kind = H5Tget_class(type.get());
  if (kind != H5T_FLOAT && kind != H5T_INTEGER) return {};
  const hid_t memory_type = kind == H5T_FLOAT ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64;
  auto space = own_space(H5Dget_space(dataset), "get the dataspace of " + name);
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (n < 0 || rank < 0) throw H5Error("cannot size dataset " + name);
  // Up to 8 Mi values (64 MiB) are read at once; a larger dataset is read in pieces along its
  // last dimension, in the order of its elements (the digest is the same as of one read).
  constexpr hsize_t kPiece = hsize_t{1} << 23;
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  if (rank == 0 || static_cast<hsize_t>(n) <= kPiece) {
    std::string bytes(static_cast<std::size_t>(n) * 8, '\0');
    if (n > 0) {
      check(H5Dread(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()),
            "read " + name);
    }
    return sha256_hex(bytes);
  }
  Sha256 digest;
  const hsize_t last = dims.back();
  const hsize_t lines = static_cast<hsize_t>(n) / last;
  std::string bytes(static_cast<std::size_t>(std::min(last, kPiece)) * 8, '\0');
  std::vector<hsize_t> start(dims.size(), 0), count(dims.size(), 1);
  for (hsize_t line = 0; line < lines; ++line) {
    hsize_t rest = line;  // the line's index in every dimension but the last
    for (int d = rank - 2; d >= 0; --d) {
      start[static_cast<std::size_t>(d)] = rest % dims[static_cast<std::size_t>(d)];
      rest /= dims[static_cast<std::size_t>(d)];
    }
    for (hsize_t at = 0; at < last; at += kPiece) {
      const hsize_t m = std::min(kPiece, last - at);
      start.back() = at;
      count.back() = m;
      check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                                nullptr),
            "select a piece of " + name);
      auto memory = own_space(H5Screate_simple(1, &m, nullptr), "create a memory space");
      check(H5Dread(dataset, memory_type, memory.get(), space.get(), H5P_DEFAULT, bytes.data()),
            "read " + name);
      digest.update(std::string_view(bytes.data(), static_cast<std::size_t>(m) * 8));
    }
  }
  return digest.hex();
}

}  // namespace costsweep::h5
