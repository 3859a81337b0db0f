// Clocks that disagree: real daemons run with a skewed wall clock through
// libfaketime (Debian's `faketime` package, preloaded), the router on true
// time. Within the documented tolerance (an envelope's created_at at most
// 10 minutes ahead of the clock that checks it: the router's, then each
// recipient's; docs/OPERATIONS.md "Clocks") transfers and a move deliver,
// receipts and the police acknowledgement verify at the sender, and every
// delivery log verifies. Beyond it the router, or the recipient, refuses
// with the documented reason. Each test first checks that the skew took
// effect, so it cannot pass with the preload silently not working.
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "harness/log_calls.h"
#include "harness/move_calls.h"
#include "harness/network_test.h"

namespace handover::integration {
namespace {

namespace v1 = handover::v1;

constexpr char kFakeTimeLibrary[] =
    "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";
constexpr char kBirminghamHealth[] = "birmingham-health";
constexpr char kWestMidlandsPolice[] = "west-midlands-police";

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

// How far a measured clock offset may be from the one asked for: startup
// and the first log line take a few seconds at most, even on a busy host.
constexpr absl::Duration kMeasureSlack = absl::Seconds(60);

// The environment that runs a daemon `offset` away from true time. The
// monotonic clock stays true, so gRPC's timers and deadlines are not moved.
// No offset: true time, no preload.
std::vector<std::string> SkewedClockEnv(absl::Duration offset) {
  const int64_t seconds = absl::ToInt64Seconds(offset);
  if (seconds == 0) return {};
  std::vector<std::string> env = {
      absl::StrCat("LD_PRELOAD=", kFakeTimeLibrary),
      absl::StrCat("FAKETIME=", seconds >= 0 ? "+" : "", seconds, "s"),
      "FAKETIME_DONT_FAKE_MONOTONIC=1",
      // Read FAKETIME once; the daemons never change it.
      "FAKETIME_NO_CACHE=0",
  };
  // AddressSanitizer insists on being the first preloaded library; the
  // preload only wraps time calls, so its order does not matter here.
  if (kAddressSanitizer) {
    const char* asan = std::getenv("ASAN_OPTIONS");
    env.push_back(absl::StrCat("ASAN_OPTIONS=", asan != nullptr ? asan : "",
                               asan != nullptr && *asan != '\0' ? ":" : "",
                               "verify_asan_link_order=0"));
  }
  return env;
}

// The clock offset of a daemon, read from its log: the timestamp of the
// first line it wrote after its last start, against the true time of that
// start.
absl::StatusOr<absl::Duration> MeasuredOffset(const DaemonProcess& daemon,
                                              absl::Time started) {
  const std::string log = daemon.ReadLog();
  const size_t last_start = log.rfind("==== harness: starting");
  if (last_start == std::string::npos) {
    return absl::NotFoundError("no start in the log");
  }
  for (absl::string_view line :
       absl::StrSplit(absl::string_view(log).substr(last_start), '\n')) {
    if (line.size() < 24 || !absl::StartsWith(line, "20")) continue;
    absl::Time stamp;
    std::string error;
    if (absl::ParseTime("%Y-%m-%dT%H:%M:%E3SZ", line.substr(0, 24), &stamp,
                        &error)) {
      return stamp - started;
    }
  }
  return absl::NotFoundError(absl::StrCat(
      "no timestamped line after the start; log:\n", daemon.LogTail(10)));
}

class ClockSkewTest : public NetworkTest {
 protected:
  void SetUp() override {
    ASSERT_EQ(access(kFakeTimeLibrary, R_OK), 0)
        << kFakeTimeLibrary
        << " is missing: install the Debian package faketime "
           "(scripts/packages.txt lists it)";
  }

  // Starts the router on true time and each node with its offset, and
  // checks every offset took effect.
  void StartSkewedNetwork(
      const std::vector<std::pair<std::string, absl::Duration>>& nodes) {
    NetworkOptions options;
    options.nodes.clear();
    for (const auto& [id, offset] : nodes) options.nodes.push_back(id);
    ASSERT_NO_FATAL_FAILURE(CreateNetwork(options));
    absl::Time started = absl::Now();
    ASSERT_OK(net().StartRouter());
    ASSERT_NO_FATAL_FAILURE(
        ExpectOffset(net().router_process(), started, absl::ZeroDuration()));
    for (const auto& [id, offset] : nodes) {
      net().node_settings(id).extra_env = SkewedClockEnv(offset);
      started = absl::Now();
      ASSERT_OK(net().StartNode(id));
      ASSERT_NO_FATAL_FAILURE(
          ExpectOffset(net().node_process(id), started, offset));
    }
  }

  void ExpectOffset(const DaemonProcess& daemon, absl::Time started,
                    absl::Duration offset) {
    ASSERT_OK_AND_ASSIGN(absl::Duration measured,
                         MeasuredOffset(daemon, started));
    std::cout << daemon.name() << ": clock offset asked "
              << absl::FormatDuration(offset) << ", measured "
              << absl::FormatDuration(absl::Trunc(measured, absl::Seconds(1)))
              << "\n";
    EXPECT_LT(absl::AbsDuration(measured - offset), kMeasureSlack)
        << daemon.name() << " runs " << absl::FormatDuration(measured)
        << " off true time, not " << absl::FormatDuration(offset)
        << ": the clock preload did not take effect";
  }

  void ExpectLogVerifies(const std::string& id) {
    SCOPED_TRACE(id);
    auto admin = net().Client(id, Role::kAdmin);
    ASSERT_OK_AND_ASSIGN(v1::VerifyLogResponse verified, VerifyLog(*admin));
    EXPECT_TRUE(verified.ok()) << verified.problem();
    EXPECT_GT(verified.entries(), 0u);
  }

  // A transfer from Stockport to Birmingham is delivered, with a receipt
  // that verifies; Birmingham fetches it whole.
  void ExpectTransferDelivers() {
    ASSERT_OK_AND_ASSIGN(std::string id,
                         Send(kStockport, {kBirmingham}, "REF-SKEW"));
    auto sender = net().Client(kStockport, Role::kAdmin);
    ASSERT_OK_AND_ASSIGN(
        v1::TransferStatusResponse status,
        sender->WaitForState(id, v1::DELIVERY_STATE_DELIVERED, Wait()));
    ASSERT_EQ(status.recipients_size(), 1);
    ASSERT_TRUE(status.recipients(0).has_receipt());
    EXPECT_OK(net()
                  .VerifyNoticeFrom(status.recipients(0).receipt(), kBirmingham)
                  .status());
    ASSERT_OK_AND_ASSIGN(
        FetchedTransfer fetched,
        net().Client(kBirmingham, Role::kReceiver)->Fetch(id, Scratch("got")));
    EXPECT_TRUE(fetched.ended);
    EXPECT_EQ(fetched.header.bundle().metadata().sender_reference(),
              "REF-SKEW");
  }

  // A move to Birmingham raises the police alert at West Midlands Police;
  // it is acknowledged, and the signed acknowledgement verifies at the
  // sender.
  void ExpectMoveAlertRaisedAndAcknowledged() {
    MoveRequest request;
    request.idempotency_key = "move-skew-" + RandomHex(4);
    request.bundle = RichBundle("REF-SKEW-MOVE");
    auto sender = net().Client(kStockport, Role::kSubmitter);
    ASSERT_OK_AND_ASSIGN(v1::SubmitMoveResponse move,
                         SubmitMove(*sender, request));
    std::string police_transfer;
    for (const v1::MoveView& view : move.views()) {
      for (const std::string& r : view.recipients()) {
        if (r == kWestMidlandsPolice) police_transfer = view.transfer_id();
      }
    }
    ASSERT_FALSE(police_transfer.empty()) << move.DebugString();
    auto control_room = net().Client(kWestMidlandsPolice, Role::kAlertOperator);
    ASSERT_OK_AND_ASSIGN(
        v1::AlertEvent raised,
        WaitForAlertEvent(*control_room, 0, v1::ALERT_EVENT_KIND_RAISED,
                          Wait()));
    EXPECT_EQ(raised.alert().transfer_id(), police_transfer);
    ASSERT_OK(AckAlert(*control_room, raised.alert().alert_id(), "WMP-CR-1",
                       "Patrol briefed")
                  .status());
    const absl::Time deadline = absl::Now() + Wait();
    while (true) {
      ASSERT_OK_AND_ASSIGN(v1::TransferStatusResponse status,
                           sender->Status(police_transfer));
      ASSERT_EQ(status.recipients_size(), 1);
      const v1::RecipientStatus& wmp = status.recipients(0);
      if (!wmp.acknowledged_by().empty()) {
        EXPECT_EQ(wmp.acknowledged_by(), "WMP-CR-1");
        EXPECT_EQ(wmp.state(), v1::DELIVERY_STATE_DELIVERED);
        EXPECT_OK(
            net()
                .VerifyNoticeFrom(wmp.acknowledgement(), kWestMidlandsPolice)
                .status());
        EXPECT_OK(net()
                      .VerifyNoticeFrom(wmp.receipt(), kWestMidlandsPolice)
                      .status());
        break;
      }
      ASSERT_LT(absl::Now(), deadline) << status.DebugString();
      absl::SleepFor(absl::Milliseconds(100));
    }
  }

  void ExpectEverythingWorks() {
    ASSERT_NO_FATAL_FAILURE(ExpectTransferDelivers());
    ASSERT_NO_FATAL_FAILURE(ExpectMoveAlertRaisedAndAcknowledged());
    for (const std::string& id : net().node_ids()) ExpectLogVerifies(id);
  }
};

// The documented limit, met exactly: every envelope Stockport seals is
// dated 10 minutes ahead of the router and of each recipient.
TEST_F(ClockSkewTest, SenderTenMinutesAheadDeliversAndVerifies) {
  ASSERT_NO_FATAL_FAILURE(
      StartSkewedNetwork({{kStockport, absl::Minutes(10)},
                          {kBirmingham, absl::ZeroDuration()},
                          {kBirminghamHealth, absl::ZeroDuration()},
                          {kWestMidlandsPolice, absl::ZeroDuration()}}));
  ASSERT_NO_FATAL_FAILURE(ExpectEverythingWorks());
}

// A sender behind its recipients only makes envelopes look older: 20
// minutes between the nodes this way round is fine.
TEST_F(ClockSkewTest, SenderBehindRecipientsAheadDeliversAndVerifies) {
  ASSERT_NO_FATAL_FAILURE(
      StartSkewedNetwork({{kStockport, absl::Minutes(-10)},
                          {kBirmingham, absl::Minutes(10)},
                          {kBirminghamHealth, absl::Minutes(10)},
                          {kWestMidlandsPolice, absl::Minutes(10)}}));
  ASSERT_NO_FATAL_FAILURE(ExpectEverythingWorks());
}

// Beyond the limit at the router: the upload is refused with
// FAILED_PRECONDITION, and the sender's transfer fails with that reason
// (it is not retried: the sender's clock must be fixed first).
TEST_F(ClockSkewTest, SenderElevenMinutesAheadOfTheRouterIsRefused) {
  ASSERT_NO_FATAL_FAILURE(StartSkewedNetwork(
      {{kStockport, absl::Minutes(11)}, {kBirmingham, absl::ZeroDuration()}}));
  ASSERT_OK_AND_ASSIGN(std::string id,
                       Send(kStockport, {kBirmingham}, "REF-SKEW"));
  ASSERT_OK_AND_ASSIGN(
      v1::TransferStatusResponse status,
      net()
          .Client(kStockport, Role::kAdmin)
          ->WaitForState(id, v1::DELIVERY_STATE_FAILED, Wait()));
  ASSERT_EQ(status.recipients_size(), 1);
  EXPECT_EQ(status.recipients(0).reason(),
            "the envelope's created_at is more than 10 minutes ahead of the "
            "router's clock");
  EXPECT_TRUE(absl::StrContains(
      net().node_process(kStockport).ReadLog(),
      "refused: FAILED_PRECONDITION: the envelope's created_at is more than "
      "10 minutes ahead of the router's clock"));
  EXPECT_EQ(InboxCount(kBirmingham, id), 0);
  ExpectLogVerifies(kStockport);
}

// Beyond the limit at the recipient (20 minutes ahead of it, though only
// 10 ahead of the router): the router takes the envelope, the recipient
// refuses it as dated in the future, and the sender's transfer fails with
// that reason. Nothing reaches the inbox.
TEST_F(ClockSkewTest, SenderTwentyMinutesAheadOfTheRecipientIsRefused) {
  ASSERT_NO_FATAL_FAILURE(StartSkewedNetwork(
      {{kStockport, absl::Minutes(10)}, {kBirmingham, absl::Minutes(-10)}}));
  ASSERT_OK_AND_ASSIGN(std::string id,
                       Send(kStockport, {kBirmingham}, "REF-SKEW"));
  ASSERT_OK_AND_ASSIGN(
      v1::TransferStatusResponse status,
      net()
          .Client(kStockport, Role::kAdmin)
          ->WaitForState(id, v1::DELIVERY_STATE_FAILED, Wait()));
  ASSERT_EQ(status.recipients_size(), 1);
  EXPECT_EQ(status.recipients(0).reason(), "envelope is dated in the future");
  ASSERT_TRUE(status.recipients(0).has_report()) << status.DebugString();
  EXPECT_OK(net()
                .VerifyNoticeFrom(status.recipients(0).report(), kRouterId)
                .status());
  EXPECT_EQ(InboxCount(kBirmingham, id), 0);
  ExpectLogVerifies(kStockport);
  ExpectLogVerifies(kBirmingham);
}

}  // namespace
}  // namespace handover::integration
