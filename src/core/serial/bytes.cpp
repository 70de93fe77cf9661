#include "core/serial/bytes.hpp"

#include <cstring>

#include "core/errors/errors.hpp"

namespace costsweep::serial {

void ByteWriter::str(std::string_view s) {
  u64(s.size());
  bytes_.append(s);
}

void ByteWriter::raw(const void* p, std::size_t n) {
  if (n > 0) bytes_.append(static_cast<const char*>(p), n);
}

ByteReader::ByteReader(std::string_view bytes, std::string what)
    : bytes_(bytes), what_(std::move(what)) {}

std::uint64_t ByteReader::u64() {
  std::uint64_t v;
  raw(&v, sizeof v);
  return v;
}

std::int64_t ByteReader::i64() {
  std::int64_t v;
  raw(&v, sizeof v);
  return v;
}

double ByteReader::f64() {
  double v;
  raw(&v, sizeof v);
  return v;
}

std::string ByteReader::str() {
  const auto n = u64();
  need(n);
  std::string s(bytes_.substr(at_, n));
  at_ += n;
  return s;
}

void ByteReader::raw(void* p, std::size_t n) {
  need(n);
  if (n == 0) return;  // an empty vector's data may be null
  std::memcpy(p, bytes_.data() + at_, n);
  at_ += n;
}

void ByteReader::fail(const std::string& why) const {
  throw InputError("cannot use " + what_ + ": " + why);
}

void ByteReader::need(std::uint64_t n) const {
  if (n > left()) fail("it ends early (a write that was cut short?)");
}

}  // namespace costsweep::serial
