#include "config/sha256_hex.h"

#include <string>

#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::config {
namespace {

constexpr char kLower[] =
    "b94732174633e54059c8b8822f1de6a3167fc95d388319ed0d2736fec20700b8";
constexpr char kColons[] =
    "B9:47:32:17:46:33:E5:40:59:C8:B8:82:2F:1D:E6:A3:16:7F:C9:5D:38:83:19:ED:"
    "0D:27:36:FE:C2:07:00:B8";

TEST(ParseSha256HexTest, NormalisesToLowerCaseWithoutColons) {
  EXPECT_EQ(ParseSha256Hex(kLower).value(), kLower);
  EXPECT_EQ(ParseSha256Hex(kColons).value(), kLower);
  std::string upper = kLower;
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  EXPECT_EQ(ParseSha256Hex(upper).value(), kLower);
}

TEST(ParseSha256HexTest, RefusesAnythingElse) {
  std::string short_by_one(kLower, 63);
  std::string long_by_one = std::string(kLower) + "0";
  std::string not_hex = std::string(kLower, 63) + "g";
  std::string colon_misplaced = std::string(kColons);
  std::swap(colon_misplaced[2], colon_misplaced[3]);
  for (const std::string& text :
       {std::string(), short_by_one, long_by_one, not_hex, colon_misplaced,
        std::string(kLower) + " ", "sha256:" + std::string(kLower)}) {
    EXPECT_EQ(ParseSha256Hex(text).status().code(),
              absl::StatusCode::kInvalidArgument)
        << text;
  }
  EXPECT_EQ(std::string(ParseSha256Hex("abc").status().message()),
            "\"abc\" is not a SHA-256 digest; expected 64 hex digits (colons "
            "between pairs are allowed)");
}

}  // namespace
}  // namespace handover::config
