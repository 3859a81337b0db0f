#include "deliverylog/log_entry_codec.h"

#include <string>

#include "deliverylog/delivery_log.h"
#include "gtest/gtest.h"
#include "log_test_util.h"
#include "status_matchers.h"

namespace handover::deliverylog {
namespace {

namespace v1 = handover::v1;
using testing::SampleEntry;

v1::LogEntry Valid() {
  v1::LogEntry e = SampleEntry(7);
  *e.mutable_time() = MicrosToTimestamp(1767225600123456);
  return e;
}

void ExpectInvalid(const v1::LogEntry& e, absl::string_view field) {
  absl::Status s = ValidateEntry(e);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_NE(s.message().find(field), absl::string_view::npos) << s;
}

TEST(ValidateEntryTest, AcceptsAFullEntryAndEmptyOptionalFields) {
  EXPECT_OK(ValidateEntry(Valid()));
  v1::LogEntry bare;
  bare.set_event(v1::LOG_EVENT_KIND_KEY_ROTATED);
  *bare.mutable_time() = MicrosToTimestamp(0);
  EXPECT_OK(ValidateEntry(bare));
}

TEST(ValidateEntryTest, TextBoundsAreInclusive) {
  struct Case {
    std::string* (v1::LogEntry::*field)();
    size_t limit;
    const char* name;
  };
  for (const Case& c :
       {Case{&v1::LogEntry::mutable_view, kMaxViewBytes, "view"},
        Case{&v1::LogEntry::mutable_actor, kMaxActorBytes, "actor"},
        Case{&v1::LogEntry::mutable_detail, kMaxDetailBytes, "detail"}}) {
    v1::LogEntry e = Valid();
    *(e.*c.field)() = std::string(c.limit, 'x');
    EXPECT_TRUE(ValidateEntry(e).ok()) << c.name;
    *(e.*c.field)() = std::string(c.limit + 1, 'x');
    ExpectInvalid(e, c.name);
  }
}

TEST(ValidateEntryTest, AgencyIdsAreCheckedAndBounded) {
  v1::LogEntry e = Valid();
  e.set_sender(std::string(kMaxIdBytes, 'a'));
  e.set_recipient(std::string(kMaxIdBytes, 'b'));
  EXPECT_OK(ValidateEntry(e));
  e.set_sender(std::string(kMaxIdBytes + 1, 'a'));
  ExpectInvalid(e, "sender");
  e = Valid();
  e.set_recipient("Not An Id");
  ExpectInvalid(e, "recipient");
}

TEST(ValidateEntryTest, RefusesLineBreaksControlsAndBadUtf8) {
  const std::string bad[] = {
      "two\nlines", "cr\r",        "tab\t",          std::string("nul\0x", 5),
      "del\x7f",    "nel\xc2\x85", "ls\xe2\x80\xa8", "rlo\xe2\x80\xae",
      "\xff",       "\xc0\xaf",    "\xed\xa0\x80",   "cut\xe2\x80",
  };
  for (const std::string& text : bad) {
    v1::LogEntry e = Valid();
    e.set_detail(text);
    ExpectInvalid(e, "detail");
    e = Valid();
    e.set_actor(text);
    ExpectInvalid(e, "actor");
  }
  v1::LogEntry e = Valid();
  e.set_detail("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x91\xb6");  // é € 👶
  EXPECT_OK(ValidateEntry(e));
}

TEST(ValidateEntryTest, ErrorsNeverEchoTheContent) {
  v1::LogEntry e = Valid();
  e.set_detail("secret-name\n");
  absl::Status s = ValidateEntry(e);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().find("secret-name"), absl::string_view::npos) << s;
}

TEST(ValidateEntryTest, ByteFieldsMustBeEmptyOrExact) {
  for (size_t n : {size_t{1}, size_t{15}, size_t{17}, size_t{32}}) {
    v1::LogEntry e = Valid();
    e.set_transfer_id(std::string(n, 't'));
    ExpectInvalid(e, "transfer_id");
  }
  v1::LogEntry e = Valid();
  e.clear_transfer_id();
  EXPECT_OK(ValidateEntry(e));
  e.set_envelope_hash(std::string(31, 'h'));
  ExpectInvalid(e, "envelope_hash");
}

TEST(ValidateEntryTest, EventMustBeKnownAndSpecified) {
  v1::LogEntry e = Valid();
  e.set_event(v1::LOG_EVENT_KIND_UNSPECIFIED);
  ExpectInvalid(e, "event");
  e.set_event(static_cast<v1::LogEventKind>(999));
  ExpectInvalid(e, "event");
}

TEST(ValidateEntryTest, TimeMustBePresentInRangeAndWholeMicroseconds) {
  v1::LogEntry e = Valid();
  e.clear_time();
  ExpectInvalid(e, "time");
  e = Valid();
  e.mutable_time()->set_nanos(1);
  ExpectInvalid(e, "time");
  e = Valid();
  e.mutable_time()->set_seconds(253402300800);  // year 10000
  ExpectInvalid(e, "time");
}

TEST(ValidateEntryTest, SizeMustFitSqlite) {
  v1::LogEntry e = Valid();
  e.set_size(uint64_t{1} << 63);
  ExpectInvalid(e, "size");
}

TEST(EncodeLeafTest, MatchesTheDocumentedLayout) {
  v1::LogEntry e;
  e.set_index(0x0102030405060708);
  *e.mutable_time() = MicrosToTimestamp(-2);  // before the epoch
  e.set_event(v1::LOG_EVENT_KIND_DELIVERED);
  e.set_transfer_id("T");
  e.set_sender("ab");
  e.set_recipient("");
  e.set_view("v");
  e.set_size(0x1122);
  e.set_envelope_hash("H");
  e.set_actor("act");
  e.set_detail("d");
  const std::string want =
      std::string("handover/v1/log-entry\0", 22) +
      std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8) +
      std::string("\xff\xff\xff\xff\xff\xff\xff\xfe", 8) +
      std::string("\0\0\0\x07", 4) + std::string("\0\x01T", 3) +
      std::string(
          "\0\x02"
          "ab",
          4) +
      std::string("\0\0", 2) + std::string("\0\x01v", 3) +
      std::string("\0\0\0\0\0\0\x11\x22", 8) + std::string("\0\x01H", 3) +
      std::string(
          "\0\x03"
          "act",
          5) +
      std::string(
          "\0\x01"
          "d",
          3);
  EXPECT_EQ(EncodeLeaf(e), want);
}

TEST(EncodeLeafTest, EveryFieldAndBoundaryChangesTheBytes) {
  const v1::LogEntry base = Valid();
  const std::string leaf = EncodeLeaf(base);
  std::vector<v1::LogEntry> variants(9, base);
  variants[0].set_index(1);
  variants[1].mutable_time()->set_nanos(variants[1].time().nanos() + 1000);
  variants[2].set_event(v1::LOG_EVENT_KIND_FAILED);
  variants[3].set_transfer_id(std::string(16, 'z'));
  variants[4].set_size(base.size() + 1);
  variants[5].set_detail(base.detail() + "x");
  variants[6].set_recipient("");
  variants[7].set_actor("");
  variants[8].set_view("");
  for (const v1::LogEntry& v : variants) EXPECT_NE(EncodeLeaf(v), leaf);
}

TEST(EncodeLeafTest, MovingBytesAcrossAFieldBoundaryChangesTheBytes) {
  v1::LogEntry a = Valid();
  a.set_sender("ab");
  a.set_recipient("c");
  v1::LogEntry b = a;
  b.set_sender("a");
  b.set_recipient("bc");
  EXPECT_NE(EncodeLeaf(a), EncodeLeaf(b));
}

TEST(EncodeLeafTest, AnOversizedFieldGivesNoLeaf) {
  v1::LogEntry e = Valid();
  e.set_detail(std::string(70000, 'x'));
  EXPECT_EQ(EncodeLeaf(e), "");
}

TEST(TimeTest, MicrosecondsRoundTripAroundTheEpoch) {
  for (int64_t us : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{-1000001},
                     int64_t{1767225600123456}}) {
    google::protobuf::Timestamp t = MicrosToTimestamp(us);
    EXPECT_GE(t.nanos(), 0);
    EXPECT_EQ(TimestampMicros(t), us);
  }
}

}  // namespace
}  // namespace handover::deliverylog
