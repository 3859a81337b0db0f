// ValidateBundle on the move notice (CaseBundle.move): each rule broken
// once, the placement fields per kind, and messages that never carry the
// address or postcode.
#include <string>

#include "bundle/bundle_validate.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::bundle {
namespace {

using ::handover::v1::CaseBundle;
using ::handover::v1::MoveNotice;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kAddress[] = "Flat 2, 10 Sample Road, Birmingham";
constexpr char kMoveId[] = "0123456789abcdef0123456789abcdef";

// A valid bundle with a valid MOVE notice, for tests to break one rule at a
// time.
CaseBundle MoveBundle() {
  CaseBundle b;
  b.mutable_metadata()->set_schema_version(kBundleSchemaVersion);
  b.mutable_metadata()->mutable_created_time()->set_seconds(1710754200);
  b.mutable_identity()->set_given_names("Sample");
  MoveNotice* m = b.mutable_move();
  m->set_kind(v1::MOVE_NOTICE_KIND_MOVE);
  m->set_from_area("E08000007");
  m->set_to_area("E08000025");
  m->set_placement_address(kAddress);
  m->set_placement_postcode("B15 2TT");
  m->mutable_effective_time()->set_seconds(1710840600);
  m->set_urgency(v1::MOVE_URGENCY_URGENT);
  m->set_move_id(kMoveId);
  return b;
}

// The problems ValidateBundle reports, as one message ("" if valid).
std::string Problems(const CaseBundle& b) {
  const absl::Status s = ValidateBundle(b);
  if (!s.ok()) {
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  }
  return std::string(s.message());
}

TEST(MoveValidateTest, AValidNoticeOfEachKindPasses) {
  EXPECT_OK(ValidateBundle(MoveBundle()));
  CaseBundle missing = MoveBundle();
  missing.mutable_move()->set_kind(v1::MOVE_NOTICE_KIND_MISSING_EPISODE);
  EXPECT_OK(ValidateBundle(missing));
  CaseBundle moved_on = MoveBundle();
  moved_on.mutable_move()->set_kind(v1::MOVE_NOTICE_KIND_MOVED_ON);
  moved_on.mutable_move()->clear_placement_address();
  moved_on.mutable_move()->clear_placement_postcode();
  EXPECT_OK(ValidateBundle(moved_on));
  CaseBundle no_id = MoveBundle();
  no_id.mutable_move()->clear_move_id();
  EXPECT_OK(ValidateBundle(no_id));
  CaseBundle lower = MoveBundle();
  lower.mutable_move()->set_placement_postcode("sw1a 1aa");
  EXPECT_OK(ValidateBundle(lower));
}

TEST(MoveValidateTest, AnEmptyNoticeNamesEveryMissingField) {
  CaseBundle b = MoveBundle();
  b.mutable_move()->Clear();
  EXPECT_EQ(Problems(b),
            "bundle is invalid: move.kind: is missing; move.from_area: is "
            "missing; move.to_area: is missing; move: effective time is "
            "missing; move.urgency: is missing");
}

TEST(MoveValidateTest, AreasAreGssCodes) {
  CaseBundle b = MoveBundle();
  b.mutable_move()->set_from_area("Stockport");
  b.mutable_move()->set_to_area("e08000025");
  EXPECT_EQ(Problems(b),
            "bundle is invalid: move.from_area: not a GSS code (one letter "
            "and 8 digits, e.g. E08000025); move.to_area: not a GSS code (one "
            "letter and 8 digits, e.g. E08000025)");
}

TEST(MoveValidateTest, MoveAndMissingEpisodeNeedThePlacement) {
  for (v1::MoveNoticeKind kind :
       {v1::MOVE_NOTICE_KIND_MOVE, v1::MOVE_NOTICE_KIND_MISSING_EPISODE}) {
    CaseBundle b = MoveBundle();
    b.mutable_move()->set_kind(kind);
    b.mutable_move()->set_placement_address("  ");
    b.mutable_move()->clear_placement_postcode();
    EXPECT_EQ(Problems(b),
              "bundle is invalid: move.placement_address: is missing; "
              "move.placement_postcode: is missing")
        << kind;
  }
}

TEST(MoveValidateTest, MovedOnNeverSaysWhereTheChildWent) {
  CaseBundle b = MoveBundle();
  b.mutable_move()->set_kind(v1::MOVE_NOTICE_KIND_MOVED_ON);
  EXPECT_EQ(Problems(b),
            "bundle is invalid: move.placement_address: must be empty on a "
            "MOVED_ON notice; move.placement_postcode: must be empty on a "
            "MOVED_ON notice");
}

TEST(MoveValidateTest, TheAddressIsAtMost500Characters) {
  CaseBundle b = MoveBundle();
  // 500 two-byte characters: 1000 bytes, still within the limit.
  std::string address;
  for (int i = 0; i < 500; ++i) address += "\xc3\xa9";
  b.mutable_move()->set_placement_address(address);
  EXPECT_OK(ValidateBundle(b));
  b.mutable_move()->set_placement_address(address + "a");
  EXPECT_EQ(Problems(b),
            "bundle is invalid: move.placement_address: is 501 characters; "
            "the limit is 500");
}

TEST(MoveValidateTest, TheAddressIsOneLineOfUtf8) {
  for (const std::string& bad :
       {std::string("10 Sample Road\nBirmingham"), std::string("10\tSample"),
        std::string("10 Sample\x7f"), std::string("10 Sample \xc2\x85"),
        std::string("10 Sample \xff"), std::string("10 Sample \xc0\xaf"),
        std::string("10 Sample \xed\xa0\x80"),
        std::string("10 Sample \xe2\x82")}) {
    CaseBundle b = MoveBundle();
    b.mutable_move()->set_placement_address(bad);
    EXPECT_THAT(Problems(b),
                HasSubstr("move.placement_address: must be UTF-8 text without "
                          "control characters"));
  }
  CaseBundle b = MoveBundle();
  b.mutable_move()->set_placement_address("Tŷ Newydd, 1 Heol \xf0\x9f\x8f\xa0");
  EXPECT_OK(ValidateBundle(b));
}

TEST(MoveValidateTest, ThePostcodeIsAUkPostcode) {
  for (const char* bad : {"B152TT", "B15  2TT", "XX", "B15 2TTT"}) {
    CaseBundle b = MoveBundle();
    b.mutable_move()->set_placement_postcode(bad);
    EXPECT_EQ(Problems(b),
              "bundle is invalid: move.placement_postcode: not a UK postcode "
              "(outward code, a space, inward code, e.g. B15 2TT)")
        << bad;
  }
}

TEST(MoveValidateTest, EnumsAndTheMoveId) {
  CaseBundle b = MoveBundle();
  b.mutable_move()->set_kind(static_cast<v1::MoveNoticeKind>(9));
  b.mutable_move()->set_urgency(v1::MOVE_URGENCY_UNSPECIFIED);
  b.mutable_move()->set_move_id("0123456789ABCDEF0123456789ABCDEF");
  EXPECT_EQ(Problems(b),
            "bundle is invalid: move.kind: not a known MoveNoticeKind value; "
            "move.urgency: is missing; move.move_id: must be 32 lower-case "
            "hex digits");
  b = MoveBundle();
  b.mutable_move()->set_move_id("0123456789abcdef");
  EXPECT_THAT(Problems(b), HasSubstr("move.move_id: must be 32 lower-case"));
  b = MoveBundle();
  b.mutable_move()->set_urgency(static_cast<v1::MoveUrgency>(7));
  EXPECT_THAT(Problems(b), HasSubstr("move.urgency: not a known MoveUrgency"));
}

TEST(MoveValidateTest, TheEffectiveTimeIsAValidTimestamp) {
  CaseBundle b = MoveBundle();
  b.mutable_move()->mutable_effective_time()->set_nanos(-1);
  EXPECT_EQ(Problems(b),
            "bundle is invalid: move.effective_time: not a valid timestamp");
}

TEST(MoveValidateTest, MessagesNeverCarryTheAddressOrPostcode) {
  CaseBundle b = MoveBundle();
  b.mutable_move()->set_kind(v1::MOVE_NOTICE_KIND_MOVED_ON);
  EXPECT_THAT(Problems(b), Not(HasSubstr("Sample Road")));
  EXPECT_THAT(Problems(b), Not(HasSubstr("B15")));
  b = MoveBundle();
  b.mutable_move()->set_placement_postcode("ZZ99 9ZQ9");
  b.mutable_move()->set_placement_address(std::string(kAddress) + "\x01");
  b.mutable_move()->set_from_area("Quixotic");
  EXPECT_THAT(Problems(b), Not(HasSubstr("ZZ99")));
  EXPECT_THAT(Problems(b), Not(HasSubstr("Sample Road")));
  EXPECT_THAT(Problems(b), Not(HasSubstr("Quixotic")));
}

}  // namespace
}  // namespace handover::bundle
