#include "core/checksum/sha256.hpp"

#include <openssl/evp.h>

#include <array>
#include <memory>

#include "core/errors/errors.hpp"

namespace costsweep {

namespace {

std::string to_hex(const unsigned char* digest, unsigned int length) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xF];
  }
  return hex;
}

EVP_MD_CTX* context_of(void* context) { return static_cast<EVP_MD_CTX*>(context); }

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw RuntimeError("cannot compute SHA-256: OpenSSL EVP_Digest failed");
  }
  return to_hex(digest.data(), length);
}

Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
  if (context_ == nullptr || EVP_DigestInit_ex(context_of(context_), EVP_sha256(), nullptr) != 1) {
    EVP_MD_CTX_free(context_of(context_));
    throw RuntimeError("cannot compute SHA-256: OpenSSL EVP_DigestInit_ex failed");
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(context_of(context_)); }

void Sha256::update(std::string_view bytes) {
  if (EVP_DigestUpdate(context_of(context_), bytes.data(), bytes.size()) != 1) {
    throw RuntimeError("cannot compute SHA-256: OpenSSL EVP_DigestUpdate failed");
  }
}

std::string Sha256::hex() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context_of(context_), digest.data(), &length) != 1) {
    throw RuntimeError("cannot compute SHA-256: OpenSSL EVP_DigestFinal_ex failed");
  }
  return to_hex(digest.data(), length);
}

}  // namespace costsweep
