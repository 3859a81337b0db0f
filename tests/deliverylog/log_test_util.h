// Shared helpers for the delivery log tests: sample entries, a log on a
// real SQLite file with a fake clock, and direct SQL on that file for
// tamper tests.
#ifndef HANDOVER_TESTS_DELIVERYLOG_LOG_TEST_UTIL_H_
#define HANDOVER_TESTS_DELIVERYLOG_LOG_TEST_UTIL_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "crypto/identity.h"
#include "deliverylog/log_entry_codec.h"
#include "deliverylog/sqlite_delivery_log.h"
#include "gtest/gtest.h"
#include "handover/v1/log.pb.h"
#include "sqlite/sqlite_db.h"
#include "status_matchers.h"
#include "temp_dir.h"

namespace handover::deliverylog::testing {

inline const absl::Time kStart = absl::FromUnixSeconds(1767225600);  // 2026

inline std::string TransferId(int n) {
  return std::string(kTransferIdBytes, static_cast<char>('A' + n % 26));
}

// A full entry; `n` varies every field a query can filter on.
inline handover::v1::LogEntry SampleEntry(int n) {
  handover::v1::LogEntry e;
  e.set_event(static_cast<handover::v1::LogEventKind>(1 + n % 5));
  e.set_transfer_id(TransferId(n / 3));
  e.set_sender(absl::StrCat("agency-", n % 4));
  e.set_recipient(absl::StrCat("agency-", (n + 1) % 3));
  e.set_view("police");
  e.set_size(1000 + n);
  e.set_envelope_hash(std::string(kEnvelopeHashBytes, static_cast<char>(n)));
  e.set_actor("router");
  e.set_detail(absl::StrCat("step ", n, " \xc3\xa9t\xc3\xa9"));  // "été"
  return e;
}

// A log file in a temp directory, signed by its own fresh key.
class LogFixture : public ::testing::Test {
 protected:
  static constexpr char kLogId[] = "stockport-cs";

  void SetUp() override {
    auto id = crypto::SecretIdentity::Generate(kLogId);
    ASSERT_TRUE(id.ok()) << id.status();
    signer_ = std::make_shared<crypto::SecretIdentity>(*std::move(id));
    Reopen();
  }

  SqliteDeliveryLogOptions Options() const {
    SqliteDeliveryLogOptions o;
    o.path = path();
    o.log_id = kLogId;
    o.signer = signer_;
    o.clock = &clock_;
    return o;
  }

  void Reopen() {
    log_.reset();
    auto opened = SqliteDeliveryLog::Open(Options());
    ASSERT_TRUE(opened.ok()) << opened.status();
    log_ = *std::move(opened);
  }

  // Appends entries [from, to) one clock second apart.
  void AppendRange(int from, int to) {
    for (int i = from; i < to; ++i) {
      clock_.Advance(absl::Seconds(1));
      auto index = log_->Append(SampleEntry(i));
      ASSERT_TRUE(index.ok()) << index.status();
      ASSERT_EQ(*index, static_cast<uint64_t>(i));
    }
  }

  handover::v1::SignedTreeHead Publish() {
    clock_.Advance(absl::Seconds(1));
    auto head = log_->PublishTreeHead();
    EXPECT_TRUE(head.ok()) << head.status();
    return head.ok() ? *head : handover::v1::SignedTreeHead();
  }

  // Closes the log and runs `sql` on its file, as someone editing it would.
  void Tamper(absl::string_view sql) {
    log_.reset();
    auto db = sqlite::SqliteDb::Open(path());
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_OK((*db)->Exec(sql));
  }

  std::vector<crypto::PublicIdentity> Keys() const {
    return {signer_->public_identity()};
  }

  std::string path() const { return dir_.path() + "/log.db"; }

  handover::testing::TempDir dir_;
  FakeClock clock_{kStart};
  std::shared_ptr<crypto::SecretIdentity> signer_;
  std::unique_ptr<SqliteDeliveryLog> log_;
};

}  // namespace handover::deliverylog::testing

#endif  // HANDOVER_TESTS_DELIVERYLOG_LOG_TEST_UTIL_H_
