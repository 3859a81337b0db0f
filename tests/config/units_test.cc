#include "config/units.h"

#include <string>

#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::config {
namespace {

TEST(ParseDurationTest, AcceptsOneWholeNumberAndOneUnit) {
  const struct {
    const char* text;
    absl::Duration want;
  } kCases[] = {
      {"500ms", absl::Milliseconds(500)}, {"1s", absl::Seconds(1)},
      {"5m", absl::Minutes(5)},           {"12h", absl::Hours(12)},
      {"5d", absl::Hours(24 * 5)},        {"0s", absl::ZeroDuration()},
      {"007s", absl::Seconds(7)},         {"36525d", kMaxConfigDuration},
  };
  for (const auto& c : kCases) {
    ASSERT_OK_AND_ASSIGN(absl::Duration got, ParseDuration(c.text));
    EXPECT_EQ(got, c.want) << c.text;
  }
}

TEST(ParseDurationTest, RefusesEverythingElse) {
  for (const char* text :
       {"", "s", "5", "5 s", " 5s", "5s ", "5S", "5min", "1.5h", "-1s", "+5s",
        "1h30m", "5sec", "36526d", "99999999999999999999s", "5d\n"}) {
    absl::Status s = ParseDuration(text).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

TEST(ParseDurationTest, MessagesQuoteTheInputAndShowTheForm) {
  EXPECT_EQ(std::string(ParseDuration("5").status().message()),
            "\"5\" has no unit; expected a whole number and a unit (ms, s, "
            "m, h or d), e.g. \"500ms\", \"30s\", \"5m\", \"12h\", \"5d\"");
  EXPECT_EQ(std::string(ParseDuration("5min").status().message()),
            "\"5min\" has an unknown unit \"min\"; expected a whole number "
            "and a unit (ms, s, m, h or d), e.g. \"500ms\", \"30s\", \"5m\", "
            "\"12h\", \"5d\"");
  EXPECT_EQ(std::string(ParseDuration("soon").status().message()),
            "\"soon\" is not a duration; expected a whole number and a unit "
            "(ms, s, m, h or d), e.g. \"500ms\", \"30s\", \"5m\", \"12h\", "
            "\"5d\"");
  EXPECT_EQ(std::string(ParseDuration("36526d").status().message()),
            "\"36526d\" is too long; the limit is 36525d");
}

TEST(ParseByteSizeTest, AcceptsBytesAndBinaryUnits) {
  const struct {
    const char* text;
    uint64_t want;
  } kCases[] = {
      {"4096", 4096},
      {"0", 0},
      {"64KiB", 64 * 1024},
      {"16MiB", 16 << 20},
      {"2GiB", uint64_t{2} << 30},
      {"1TiB", uint64_t{1} << 40},
      {"16777215TiB", ((uint64_t{1} << 24) - 1) << 40},
      {"18446744073709551615", UINT64_MAX},
  };
  for (const auto& c : kCases) {
    ASSERT_OK_AND_ASSIGN(uint64_t got, ParseByteSize(c.text));
    EXPECT_EQ(got, c.want) << c.text;
  }
}

TEST(ParseByteSizeTest, RefusesEverythingElse) {
  for (const char* text :
       {"", "KiB", "2GB", "2 GiB", "2gib", "2k", "-1", "1.5MiB", "2GiBs",
        "16777216TiB", "18446744073709551616", "0x10"}) {
    EXPECT_EQ(ParseByteSize(text).status().code(),
              absl::StatusCode::kInvalidArgument)
        << text;
  }
  EXPECT_EQ(std::string(ParseByteSize("2GB").status().message()),
            "\"2GB\" has an unknown unit \"GB\"; expected a whole number of "
            "bytes with an optional unit (KiB, MiB, GiB or TiB), e.g. "
            "\"4096\", \"64KiB\", \"16MiB\", \"2GiB\"");
  EXPECT_EQ(std::string(ParseByteSize("16777216TiB").status().message()),
            "\"16777216TiB\" is too large");
}

TEST(FormatTest, RoundTripsThroughTheParsers) {
  for (const char* text : {"500ms", "1500ms", "1s", "90s", "5m", "12h", "5d"}) {
    EXPECT_EQ(FormatConfigDuration(ParseDuration(text).value()), text);
  }
  EXPECT_EQ(FormatConfigDuration(absl::ZeroDuration()), "0s");
  EXPECT_EQ(FormatConfigDuration(absl::Hours(48)), "2d");
  for (const char* text : {"1000", "1KiB", "1536KiB", "16MiB", "2GiB"}) {
    EXPECT_EQ(FormatByteSize(ParseByteSize(text).value()), text);
  }
  EXPECT_EQ(FormatByteSize(0), "0");
}

}  // namespace
}  // namespace handover::config
