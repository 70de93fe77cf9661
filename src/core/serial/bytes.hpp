#pragma once
/// Little-endian binary encoding of a run's state (checkpoints): fixed-width integers, doubles,
/// length-prefixed strings and vectors. The reader checks every length against the bytes left
/// and throws InputError naming what it reads, so damaged bytes are refused, never half-used.
#include <bit>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace costsweep::serial {

static_assert(std::endian::native == std::endian::little, "checkpoints are little-endian");

class ByteWriter {
 public:
  void u64(std::uint64_t v) { raw(&v, sizeof v); }
  void i64(std::int64_t v) { raw(&v, sizeof v); }
  void f64(double v) { raw(&v, sizeof v); }
  void str(std::string_view s);
  template <class T>
  void vec(const std::vector<T>& v) {
    u64(v.size());
    raw(v.data(), v.size() * sizeof(T));
  }
  /// n bytes from p (nothing when n is 0: an empty vector's data may be null).
  void raw(const void* p, std::size_t n);
  std::string& bytes() { return bytes_; }

 private:
  std::string bytes_;
};

class ByteReader {
 public:
  /// what: how errors name the bytes, e.g. "checkpoint 'out.h5.checkpoint/g0-r1.ckpt'".
  ByteReader(std::string_view bytes, std::string what);
  std::uint64_t u64();
  std::int64_t i64();
  double f64();
  std::string str();
  template <class T>
  std::vector<T> vec() {
    const auto n = u64();
    if (n > left() / sizeof(T)) fail("a length is impossible (damaged)");
    std::vector<T> v(n);
    raw(v.data(), n * sizeof(T));
    return v;
  }
  void raw(void* p, std::size_t n);
  std::size_t left() const { return bytes_.size() - at_; }
  bool done() const { return at_ == bytes_.size(); }
  [[noreturn]] void fail(const std::string& why) const;

 private:
  void need(std::uint64_t n) const;
  std::string_view bytes_;
  std::string what_;
  std::size_t at_ = 0;
};

}  // namespace costsweep::serial
