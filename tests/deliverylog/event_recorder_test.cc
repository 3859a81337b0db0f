// LogEvent, OneLogLine, EventRecorder and RecordKeyRotation on a real log
// file, plus a log that refuses every write: recording never fails the
// caller, and what it cannot record is counted.
#include "deliverylog/event_recorder.h"

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "deliverylog/log_entry_codec.h"
#include "deliverylog/unwritable_log.h"
#include "gtest/gtest.h"
#include "log_test_util.h"
#include "status_matchers.h"

namespace handover::deliverylog {
namespace {

namespace v1 = handover::v1;
using testing::kStart;
using testing::LogFixture;
using testing::TransferId;

// ---- OneLogLine ----

TEST(OneLogLineTest, KeepsPrintableAsciiAsItIs) {
  const std::string text = "refused: sender key was not valid (id 0a-Z~)";
  EXPECT_EQ(OneLogLine(text, 512), text);
}

TEST(OneLogLineTest, TurnsControlCharactersAndLineBreaksIntoQuestionMarks) {
  EXPECT_EQ(OneLogLine("a\nb\r\nc\td\x7f"
                       "e\x1b[31m",
                       100),
            "a?b??c?d?e?[31m");
  EXPECT_EQ(OneLogLine(absl::string_view("x\0y", 3), 100), "x?y");
}

TEST(OneLogLineTest, TurnsEveryNonAsciiByteIntoAQuestionMark) {
  // "été", a right-to-left override and a line separator, byte by byte.
  EXPECT_EQ(OneLogLine("\xc3\xa9t\xc3\xa9", 100), "??t??");
  EXPECT_EQ(OneLogLine("a\xe2\x80\xae"
                       "b\xe2\x80\xa8"
                       "c",
                       100),
            "a???b???c");
}

TEST(OneLogLineTest, KeepsTextExactlyAtTheBound) {
  const std::string text(10, 'x');
  EXPECT_EQ(OneLogLine(text, 10), text);
  EXPECT_EQ(OneLogLine("", 10), "");
}

TEST(OneLogLineTest, CutsLongerTextToTheBoundEndingInAnEllipsis) {
  EXPECT_EQ(OneLogLine(std::string(11, 'x'), 10), "xxxxxxx...");
  const std::string cut = OneLogLine(std::string(600, 'y'), kMaxDetailBytes);
  EXPECT_EQ(cut.size(), kMaxDetailBytes);
  EXPECT_TRUE(absl::EndsWith(cut, "...")) << cut;
  EXPECT_EQ(cut.substr(0, kMaxDetailBytes - 3),
            std::string(kMaxDetailBytes - 3, 'y'));
}

TEST(OneLogLineTest, CountsTheReplacedBytesAgainstTheBound) {
  // Six bytes of "é" are six '?', so seven bytes in all: one too many.
  EXPECT_EQ(OneLogLine("\xc3\xa9\xc3\xa9\xc3\xa9z", 6), "???...");
}

TEST(OneLogLineTest, ABoundTooSmallForAnEllipsisCutsPlainly) {
  EXPECT_EQ(OneLogLine("abcdef", 3), "...");
  EXPECT_EQ(OneLogLine("abcdef", 2), "ab");
  EXPECT_EQ(OneLogLine("abcdef", 0), "");
}

// ---- LogEvent ----

TEST(LogEventTest, SettersFillTheEntry) {
  const std::string hash(kEnvelopeHashBytes, '\x07');
  const absl::Time at = kStart + absl::Microseconds(1234567);
  LogEvent event(v1::LOG_EVENT_KIND_DELIVERED);
  event.Transfer(TransferId(3))
      .Sender("stockport-cs")
      .Recipient("gmp")
      .View("police")
      .Size(4096)
      .EnvelopeHash(hash)
      .Actor("router")
      .Detail("stored")
      .Time(at);
  const v1::LogEntry& e = event.entry();
  EXPECT_EQ(e.event(), v1::LOG_EVENT_KIND_DELIVERED);
  EXPECT_EQ(e.transfer_id(), TransferId(3));
  EXPECT_EQ(e.sender(), "stockport-cs");
  EXPECT_EQ(e.recipient(), "gmp");
  EXPECT_EQ(e.view(), "police");
  EXPECT_EQ(e.size(), 4096u);
  EXPECT_EQ(e.envelope_hash(), hash);
  EXPECT_EQ(e.actor(), "router");
  EXPECT_EQ(e.detail(), "stored");
  ASSERT_TRUE(e.has_time());
  EXPECT_EQ(MicrosToTime(TimestampMicros(e.time())), at);
  EXPECT_EQ(e.index(), 0u);
}

TEST(LogEventTest, LeavesTheTimeUnsetUnlessGiven) {
  LogEvent event(v1::LOG_EVENT_KIND_PRUNED);
  EXPECT_FALSE(event.entry().has_time());
  EXPECT_EQ(event.entry().event(), v1::LOG_EVENT_KIND_PRUNED);
}

TEST(LogEventTest, MakesTextFieldsOneBoundedLine) {
  LogEvent event(v1::LOG_EVENT_KIND_REJECTED);
  event.Detail("first line\nsecond line")
      .Actor(std::string(200, 'a'))
      .View(std::string(40, 'v'));
  EXPECT_EQ(event.entry().detail(), "first line?second line");
  EXPECT_EQ(event.entry().actor().size(), kMaxActorBytes);
  EXPECT_TRUE(absl::EndsWith(event.entry().actor(), "..."));
  EXPECT_EQ(event.entry().view().size(), kMaxViewBytes);
  EXPECT_TRUE(absl::EndsWith(event.entry().view(), "..."));

  event.Detail(std::string(600, 'd'));
  EXPECT_EQ(event.entry().detail().size(), kMaxDetailBytes);
  EXPECT_TRUE(absl::EndsWith(event.entry().detail(), "..."));
}

TEST(LogEventTest, KeepsAgencyIdsAsGivenNeverCut) {
  // A cut id ends in "...", itself a valid agency id: it would name some
  // other agency. The log is left to refuse what is not an agency id.
  const std::string long_id(65, 'a');
  LogEvent event(v1::LOG_EVENT_KIND_DELIVERED);
  event.Sender(long_id).Recipient("gmp\n");
  EXPECT_EQ(event.entry().sender(), long_id);
  EXPECT_EQ(event.entry().recipient(), "gmp\n");
  EXPECT_FALSE(ValidateEntry(LogEvent(event).Time(kStart).entry()).ok());
}

// ---- EventRecorder on a real log ----

class EventRecorderTest : public LogFixture {
 protected:
  std::vector<v1::LogEntry> All() {
    LogQuery q;
    q.limit = kMaxPageSize;
    auto page = log_->Query(q);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->entries : std::vector<v1::LogEntry>{};
  }
  uint64_t LogSize() {
    auto size = log_->Size();
    EXPECT_TRUE(size.ok()) << size.status();
    return size.ok() ? *size : ~uint64_t{0};
  }
};

TEST_F(EventRecorderTest, ReturnsConsecutiveIndexes) {
  EventRecorder events(log_.get());
  EXPECT_EQ(events.log(), log_.get());
  for (uint64_t i = 0; i < 4; ++i) {
    std::optional<uint64_t> index = events.Record(
        LogEvent(v1::LOG_EVENT_KIND_QUEUED).Transfer(TransferId(int(i))));
    ASSERT_TRUE(index.has_value());
    EXPECT_EQ(*index, i);
  }
  std::vector<v1::LogEntry> all = All();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[2].transfer_id(), TransferId(2));
  EXPECT_EQ(events.failures(), 0u);
}

TEST_F(EventRecorderTest, StampsTheLogClockWhenNoTimeIsGiven) {
  EventRecorder events(log_.get());
  clock_.Advance(absl::Seconds(42));
  ASSERT_TRUE(events.Record(LogEvent(v1::LOG_EVENT_KIND_DIRECTORY_UPDATED))
                  .has_value());
  const absl::Time own = kStart - absl::Hours(1);
  ASSERT_TRUE(
      events.Record(LogEvent(v1::LOG_EVENT_KIND_DIRECTORY_UPDATED).Time(own))
          .has_value());
  std::vector<v1::LogEntry> all = All();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(MicrosToTime(TimestampMicros(all[0].time())), clock_.Now());
  EXPECT_EQ(MicrosToTime(TimestampMicros(all[1].time())), own);
}

TEST_F(EventRecorderTest, RecordsAHostileDetailAsOneBoundedLine) {
  EventRecorder events(log_.get());
  ASSERT_TRUE(events
                  .Record(LogEvent(v1::LOG_EVENT_KIND_REJECTED)
                              .Detail("bad header\nFORGED: DELIVERED ok"))
                  .has_value());
  ASSERT_TRUE(events
                  .Record(LogEvent(v1::LOG_EVENT_KIND_REJECTED)
                              .Detail(std::string(600, 'z') + "\r\n"))
                  .has_value());
  EXPECT_EQ(events.failures(), 0u);
  std::vector<v1::LogEntry> all = All();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].detail(), "bad header?FORGED: DELIVERED ok");
  EXPECT_EQ(all[1].detail().size(), kMaxDetailBytes);
  EXPECT_TRUE(absl::EndsWith(all[1].detail(), "..."));
  for (const v1::LogEntry& e : all) EXPECT_OK(ValidateEntry(e));
}

TEST_F(EventRecorderTest, AnInvalidAgencyIdIsRefusedAndCounted) {
  EventRecorder events(log_.get());
  // Not agency ids: upper case and a space, a line break, and ids too long
  // to be any agency's (cut to 64 bytes, "aaa...", they would pass).
  const std::vector<std::string> bad = {"Stockport CS", "gmp\nadmin",
                                        std::string(65, 'a'),
                                        std::string(1000, 'b')};
  uint64_t failures = 0;
  for (const std::string& id : bad) {
    EXPECT_EQ(events.Record(LogEvent(v1::LOG_EVENT_KIND_DELIVERED).Sender(id)),
              std::nullopt)
        << id.substr(0, 80);
    EXPECT_EQ(events.failures(), ++failures) << id.substr(0, 80);
    EXPECT_EQ(
        events.Record(LogEvent(v1::LOG_EVENT_KIND_DELIVERED).Recipient(id)),
        std::nullopt)
        << id.substr(0, 80);
    EXPECT_EQ(events.failures(), ++failures) << id.substr(0, 80);
  }
  EXPECT_EQ(LogSize(), 0u);

  // The recorder still works afterwards.
  EXPECT_EQ(events.Record(LogEvent(v1::LOG_EVENT_KIND_DELIVERED)
                              .Sender(std::string(64, 'a'))
                              .Recipient("gmp")),
            std::optional<uint64_t>(0));
  ASSERT_EQ(All().size(), 1u);
  EXPECT_EQ(All()[0].sender(), std::string(64, 'a'));
}

TEST_F(EventRecorderTest, AnOutOfBoundsEntryIsCountedNotThrown) {
  EventRecorder events(log_.get());
  // UNSPECIFIED and a transfer id of the wrong length.
  EXPECT_EQ(events.Record(LogEvent(v1::LOG_EVENT_KIND_UNSPECIFIED)),
            std::nullopt);
  EXPECT_EQ(events.Record(LogEvent(v1::LOG_EVENT_KIND_QUEUED).Transfer("x")),
            std::nullopt);
  EXPECT_EQ(events.failures(), 2u);
  EXPECT_EQ(LogSize(), 0u);
}

TEST_F(EventRecorderTest, IsSafeToUseFromManyThreads) {
  EventRecorder events(log_.get());
  constexpr int kThreads = 4;
  constexpr int kEach = 25;
  std::vector<std::vector<uint64_t>> indexes(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&events, &indexes, t] {
      for (int i = 0; i < kEach; ++i) {
        std::optional<uint64_t> index =
            events.Record(LogEvent(v1::LOG_EVENT_KIND_FORWARDED));
        if (index.has_value()) indexes[t].push_back(*index);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::vector<uint64_t> all;
  for (const auto& v : indexes) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), size_t{kThreads * kEach});
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], i);
  EXPECT_EQ(events.failures(), 0u);
  EXPECT_EQ(LogSize(), uint64_t{kThreads * kEach});
}

TEST(EventRecorderNullLogTest, RecordsNothingAndCountsNoFailure) {
  EventRecorder events(nullptr);
  EXPECT_EQ(events.log(), nullptr);
  EXPECT_EQ(events.Record(LogEvent(v1::LOG_EVENT_KIND_DELIVERED)),
            std::nullopt);
  EXPECT_EQ(events.failures(), 0u);
}

TEST(EventRecorderBrokenLogTest, CountsEachFailedAppendAndReturnsNullopt) {
  testing::UnwritableLog log;
  EventRecorder events(&log);
  for (uint64_t i = 1; i <= 3; ++i) {
    std::optional<uint64_t> index;
    EXPECT_NO_THROW(index = events.Record(
                        LogEvent(v1::LOG_EVENT_KIND_DELIVERED).Detail("x")));
    EXPECT_EQ(index, std::nullopt);
    EXPECT_EQ(events.failures(), i);
  }
  EXPECT_EQ(log.appends(), 3);
}

// ---- RecordKeyRotation ----

class RecordKeyRotationTest : public EventRecorderTest {
 protected:
  std::vector<v1::LogEntry> Rotations() {
    LogQuery q;
    q.events = {v1::LOG_EVENT_KIND_KEY_ROTATED};
    q.limit = kMaxPageSize;
    auto page = log_->Query(q);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->entries : std::vector<v1::LogEntry>{};
  }
  static std::string DetailFor(const crypto::SecretIdentity& id) {
    return absl::StrCat("signing key ",
                        crypto::ToHex(id.public_identity().sign_key_id()));
  }
  crypto::SecretIdentity NewKey() {
    auto id = crypto::SecretIdentity::Generate(kLogId);
    EXPECT_TRUE(id.ok()) << id.status();
    return *std::move(id);
  }
};

TEST_F(RecordKeyRotationTest, TheFirstStartRecordsTheKey) {
  EventRecorder events(log_.get());
  RecordKeyRotation(*log_, events, *signer_);
  std::vector<v1::LogEntry> rotations = Rotations();
  ASSERT_EQ(rotations.size(), 1u);
  EXPECT_EQ(rotations[0].sender(), kLogId);
  EXPECT_EQ(rotations[0].detail(), DetailFor(*signer_));
  // The detail names the key id in hex, as operators see it elsewhere.
  EXPECT_EQ(rotations[0].detail().size(),
            std::string("signing key ").size() + 2 * crypto::kKeyIdBytes);
  EXPECT_EQ(events.failures(), 0u);
}

TEST_F(RecordKeyRotationTest, TheSameKeyAgainRecordsNothing) {
  EventRecorder events(log_.get());
  RecordKeyRotation(*log_, events, *signer_);
  // Other events in between do not matter; only the last key recorded.
  ASSERT_TRUE(events.Record(LogEvent(v1::LOG_EVENT_KIND_QUEUED)).has_value());
  Reopen();
  EventRecorder restarted(log_.get());
  RecordKeyRotation(*log_, restarted, *signer_);
  RecordKeyRotation(*log_, restarted, *signer_);
  EXPECT_EQ(Rotations().size(), 1u);
  EXPECT_EQ(LogSize(), 2u);
}

TEST_F(RecordKeyRotationTest, ANewKeyRecordsOneMore) {
  EventRecorder events(log_.get());
  RecordKeyRotation(*log_, events, *signer_);
  crypto::SecretIdentity rotated = NewKey();
  RecordKeyRotation(*log_, events, rotated);
  RecordKeyRotation(*log_, events, rotated);
  std::vector<v1::LogEntry> rotations = Rotations();
  ASSERT_EQ(rotations.size(), 2u);
  EXPECT_EQ(rotations[1].detail(), DetailFor(rotated));
  EXPECT_NE(rotations[1].detail(), rotations[0].detail());

  // Back to the first key: it is no longer the last one on record.
  RecordKeyRotation(*log_, events, *signer_);
  rotations = Rotations();
  ASSERT_EQ(rotations.size(), 3u);
  EXPECT_EQ(rotations[2].detail(), DetailFor(*signer_));
}

TEST_F(RecordKeyRotationTest, ComparesWithTheLastRotationBeyondOnePage) {
  // More rotations than one query page holds: the newest must still be
  // found, or every start would record the key again.
  EventRecorder events(log_.get());
  for (int i = 0; i < kMaxPageSize; ++i) {
    ASSERT_TRUE(events
                    .Record(LogEvent(v1::LOG_EVENT_KIND_KEY_ROTATED)
                                .Detail(absl::StrCat("signing key old-", i)))
                    .has_value());
  }
  RecordKeyRotation(*log_, events, *signer_);
  EXPECT_EQ(LogSize(), uint64_t{kMaxPageSize} + 1);
  RecordKeyRotation(*log_, events, *signer_);
  EXPECT_EQ(LogSize(), uint64_t{kMaxPageSize} + 1);
}

TEST(RecordKeyRotationBrokenLogTest, AnUnreadableLogRecordsNothing) {
  testing::UnwritableLog log;
  EventRecorder events(&log);
  auto id = crypto::SecretIdentity::Generate("gmp");
  ASSERT_TRUE(id.ok()) << id.status();
  RecordKeyRotation(log, events, *id);
  EXPECT_EQ(log.appends(), 0);
  EXPECT_EQ(events.failures(), 0u);
}

}  // namespace
}  // namespace handover::deliverylog
