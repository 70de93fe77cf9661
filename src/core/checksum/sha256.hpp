#pragma once
#include <string>
#include <string_view>

namespace costsweep {

/// Lower-case hex SHA-256 of bytes (OpenSSL EVP).
std::string sha256_hex(std::string_view bytes);

/// SHA-256 of bytes given in pieces: the digest of their concatenation, for data read a piece at
/// a time (a dataset larger than memory).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view bytes);
  /// Lower-case hex digest of everything given; the object is spent afterwards.
  std::string hex();

 private:
  void* context_;  ///< EVP_MD_CTX
};

}  // namespace costsweep
