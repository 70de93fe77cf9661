#include <gtest/gtest.h>

#include <string>

#include "core/checksum/sha256.hpp"

// Expected digests are the FIPS 180-2 test vectors and `printf ... | sha256sum`.

namespace costsweep {
namespace {

constexpr const char* kAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr const char* kEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
// The 448-bit message of FIPS 180-2 appendix B.2.
constexpr const char* kTwoBlock =
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";

TEST(ChecksumTest, OneCallGivesTheStandardDigests) {
  EXPECT_EQ(sha256_hex("abc"), kAbc);
  EXPECT_EQ(sha256_hex(""), kEmpty);
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"), kTwoBlock);
}

TEST(ChecksumTest, PiecesGiveTheDigestOfTheirConcatenation) {
  const std::string message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  for (std::size_t cut = 0; cut <= message.size(); cut += 7) {
    Sha256 digest;
    digest.update(std::string_view(message).substr(0, cut));
    digest.update("");
    digest.update(std::string_view(message).substr(cut));
    EXPECT_EQ(digest.hex(), kTwoBlock) << "cut at " << cut;
  }
  Sha256 none;
  EXPECT_EQ(none.hex(), kEmpty);
}

}  // namespace
}  // namespace costsweep
