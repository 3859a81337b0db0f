// IsUkPostcode and PostcodeDistrict: every outward form, the inward code's
// letters, the single space and case.
#include "bundle/postcode.h"

#include "bundle/bundle_validate.h"
#include "gtest/gtest.h"

namespace handover::bundle {
namespace {

TEST(PostcodeTest, EveryOutwardFormIsAccepted) {
  for (const char* postcode : {"M1 1AE",    // A9
                               "B33 8TH",   // A99
                               "W1A 0AX",   // A9A
                               "CR2 6XH",   // AA9
                               "DN55 1PT",  // AA99
                               "EC1A 1BB",  // AA9A
                               "B15 2TT", "SW1A 1AA", "SK4 1AA"}) {
    EXPECT_TRUE(IsUkPostcode(postcode)) << postcode;
  }
}

TEST(PostcodeTest, LettersMayBeInEitherCase) {
  EXPECT_TRUE(IsUkPostcode("sw1a 1aa"));
  EXPECT_TRUE(IsUkPostcode("Sw1A 1aA"));
  EXPECT_EQ(PostcodeDistrict("sw1a 1aa"), "SW1A");
  EXPECT_EQ(PostcodeDistrict("b15 2tt"), "B15");
  EXPECT_EQ(PostcodeDistrict("M1 1AE"), "M1");
}

TEST(PostcodeTest, MalformedPostcodesAreRefused) {
  for (const char* postcode :
       {"",
        "SW1A1AA",    // no space
        "SW1A  1AA",  // two spaces
        " SW1A 1AA",  // leading space
        "SW1A 1AA ",  // trailing space
        "SW1A\t1AA",  // not a space
        "SW1A-1AA",
        "SW1A 1A",
        "SW1A 1AAA",
        "SW1A AAA",
        "SW1A 11A",
        "1W1A 1AA",  // outward starts with a digit
        "SWA1 1AA",  // three letters
        "S 1AA",
        "SW 1AA",     // no digit in the outward code
        "SW123 1AA",  // too long
        "M1 1CA",
        "M1 1AI",
        "M1 1KA",
        "M1 1AM",
        "M1 1OA",
        "M1 1AV",            // CIKMOV
        "GIR 0AA",           // the retired Girobank code has no such shape
        "M1 1A\xc3\x89"}) {  // non-ASCII

    EXPECT_FALSE(IsUkPostcode(postcode)) << postcode;
    EXPECT_EQ(PostcodeDistrict(postcode), "") << postcode;
  }
  EXPECT_FALSE(IsUkPostcode(absl::string_view("M1\0 1AE", 7)));
}

TEST(PostcodeTest, TheDistrictIsAValidPostcodeDistrict) {
  for (const char* postcode : {"m1 1ae", "b33 8th", "w1a 0ax", "ec1a 1bb"}) {
    EXPECT_TRUE(IsValidPostcodeDistrict(PostcodeDistrict(postcode)))
        << postcode;
  }
}

}  // namespace
}  // namespace handover::bundle
