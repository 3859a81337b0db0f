// SHA-256 against the FIPS 180-2 test vectors.
#include "crypto/sha256.h"

#include <string>

#include "crypto/identity.h"
#include "gtest/gtest.h"

namespace handover::crypto {
namespace {

TEST(Sha256Test, MatchesTheAbcVector) {
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Test, MatchesTheEmptyVector) {
  EXPECT_EQ(Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256Test, MatchesTheTwoBlockVector) {
  EXPECT_EQ(
      Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, RawDigestIsThirtyTwoBytesOfTheHex) {
  const std::string digest = Sha256("abc");
  ASSERT_EQ(digest.size(), kSha256Bytes);
  EXPECT_EQ(ToHex(digest), Sha256Hex("abc"));
}

TEST(Sha256Test, HashesEmbeddedZeroBytes) {
  const std::string with_zero("a\0b", 3);
  EXPECT_NE(Sha256Hex(with_zero), Sha256Hex("a"));
  EXPECT_NE(Sha256Hex(with_zero), Sha256Hex("ab"));
}

}  // namespace
}  // namespace handover::crypto
