#pragma once
/// RAII owners for HDF5 identifiers and a checked-call layer that turns HDF5 failures into
/// H5Error carrying the innermost message of HDF5's error stack.
#include <hdf5.h>

#include <string>
#include <utility>

#include "core/errors/errors.hpp"

namespace costsweep::h5 {

/// Move-only owner of one hid_t; closes it with the matching H5?close in the destructor (errors
/// there are ignored: destructors never throw; use close() to see them).
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) noexcept : id_(id), closer_(closer) {}
  Handle(Handle&& other) noexcept
      : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_) {}
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle();

  hid_t get() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }
  /// Closes now; throws H5Error on failure.
  void close();
  /// Forgets the identifier without closing it (a parallel file that a failing rank must not
  /// close collectively while the others are elsewhere: the job is about to be aborted).
  void abandon() noexcept { id_ = H5I_INVALID_HID; }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

/// Switches off HDF5's automatic printing of error stacks (we report them as exceptions).
void silence_error_printing() noexcept;

/// Throws H5Error "cannot <what>: <HDF5's innermost message>" when status < 0.
void check(herr_t status, const std::string& what);
/// Wraps a new identifier: throws H5Error as check() when id < 0.
Handle own(hid_t id, Handle::Closer closer, const std::string& what);

Handle own_file(hid_t id, const std::string& what);
Handle own_group(hid_t id, const std::string& what);
Handle own_dataset(hid_t id, const std::string& what);
Handle own_space(hid_t id, const std::string& what);
Handle own_type(hid_t id, const std::string& what);
Handle own_plist(hid_t id, const std::string& what);
Handle own_attribute(hid_t id, const std::string& what);

/// A variable-length UTF-8 string datatype.
Handle utf8_string_type();

/// The checksum a result file keeps of a numeric dataset: SHA-256 (hex) of its values read as
/// native doubles (floating point) or 64-bit integers; empty for other datasets (strings).
/// Memory stays bounded (64 MiB) whatever the dataset's size.
std::string dataset_digest(hid_t dataset, const std::string& name);

}  // namespace costsweep::h5
