// Crashes in the middle of transfers. The router, a recipient node or a
// sending node is SIGKILLed while transfers are moving, then restarted on
// the same data directory: every transfer is delivered, and exactly once.
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "harness/network_test.h"

namespace handover::integration {
namespace {

namespace v1 = handover::v1;

struct Sent {
  std::string id;
  std::string from;
  std::string to;
};

using Route = std::pair<std::string, std::string>;  // from, to

class FailureTest : public NetworkTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartNetwork());
    attachment_ = Scratch("report.pdf");
    ASSERT_OK(WriteTestFile(attachment_, 2 << 20, 7));
  }

  // Submits one transfer with the 2 MiB attachment and records it.
  void Submit(const Route& route) {
    absl::StatusOr<std::string> id =
        Send(route.first, {route.second}, "REF-CRASH",
             {{attachment_, "report.pdf"}});
    ASSERT_TRUE(id.ok()) << id.status();
    std::lock_guard<std::mutex> lock(mu_);
    sent_.push_back({*id, route.first, route.second});
  }

  // Starts submitting `routes` in the background, one thread per sender,
  // each sending its routes in order.
  void StartSubmitting(const std::vector<Route>& routes) {
    std::map<std::string, std::vector<Route>> by_sender;
    for (const Route& r : routes) by_sender[r.first].push_back(r);
    for (auto& [from, mine] : by_sender) {
      submitters_.emplace_back([this, mine = mine] {
        for (const Route& r : mine) Submit(r);
      });
    }
  }

  void FinishSubmitting() {
    for (std::thread& t : submitters_) t.join();
    submitters_.clear();
  }

  std::vector<Sent> SentSoFar() {
    std::lock_guard<std::mutex> lock(mu_);
    return sent_;
  }

  // How far each transfer has got, for the log: it shows that the crash
  // came in the middle of things.
  void PrintStates(const std::string& when) {
    std::map<std::string, int> counts;
    for (const Sent& s : SentSoFar()) {
      absl::StatusOr<v1::TransferStatusResponse> status =
          net().Client(s.from, Role::kSubmitter)->Status(s.id);
      counts[status.ok() ? DeliveryStateName(status->state())
                         : "(sender down)"]++;
    }
    std::cerr << when << ":";
    for (const auto& [state, n] : counts) std::cerr << " " << state << "=" << n;
    std::cerr << "\n";
  }

  // Waits until some transfer has got past its sender's outbox.
  void WaitUntilAnyPastOutbox() {
    const absl::Time deadline = absl::Now() + Wait();
    while (true) {
      for (const Sent& s : SentSoFar()) {
        absl::StatusOr<v1::TransferStatusResponse> status =
            net().Client(s.from, Role::kSubmitter)->Status(s.id);
        if (status.ok() && status->state() >= v1::DELIVERY_STATE_AT_ROUTER) {
          return;
        }
      }
      ASSERT_LT(absl::Now(), deadline) << "nothing reached the router";
      absl::SleepFor(absl::Milliseconds(5));
    }
  }

  // Every transfer DELIVERED, and each inbox holds exactly the transfers
  // sent to it, each once.
  void ExpectAllDeliveredExactlyOnce(size_t expected_count) {
    const std::vector<Sent> sent = SentSoFar();
    ASSERT_EQ(sent.size(), expected_count);
    std::map<std::string, std::multiset<std::string>> expected;
    for (const Sent& s : sent) {
      SCOPED_TRACE(s.from + " -> " + s.to + " " + s.id);
      ASSERT_OK(net()
                    .Client(s.from, Role::kSubmitter)
                    ->WaitForState(s.id, v1::DELIVERY_STATE_DELIVERED, Wait())
                    .status());
      expected[s.to].insert(s.id);
    }
    for (const std::string& id : net().node_ids()) {
      SCOPED_TRACE(id);
      ASSERT_OK_AND_ASSIGN(std::vector<v1::InboxEntry> inbox,
                           net().Client(id, Role::kReceiver)->ListInbox());
      std::multiset<std::string> got;
      for (const v1::InboxEntry& e : inbox) got.insert(e.transfer_id());
      EXPECT_EQ(got, expected[id]);
    }
  }

  void TearDown() override { FinishSubmitting(); }

  std::string attachment_;
  std::mutex mu_;
  std::vector<Sent> sent_;
  std::vector<std::thread> submitters_;
};

TEST_F(FailureTest, RouterKilledMidTransfersLosesAndDuplicatesNothing) {
  const std::vector<std::string> ids = net().node_ids();
  std::vector<Route> routes;
  for (int i = 0; i < 12; ++i) routes.push_back({ids[i % 3], ids[(i + 1) % 3]});
  StartSubmitting(routes);
  ASSERT_NO_FATAL_FAILURE(WaitUntilAnyPastOutbox());
  net().KillRouter();
  PrintStates("just after killing the router");
  FinishSubmitting();
  // Submissions go on while the router is down: they wait in the outboxes.
  for (int i = 0; i < 3; ++i) {
    ASSERT_NO_FATAL_FAILURE(Submit({ids[i], ids[(i + 2) % 3]}));
  }
  ASSERT_OK(net().StartRouter());
  ASSERT_NO_FATAL_FAILURE(ExpectAllDeliveredExactlyOnce(15));
}

TEST_F(FailureTest, RecipientKilledMidTransfersLosesAndDuplicatesNothing) {
  std::vector<Route> routes;
  for (int i = 0; i < 16; ++i) {
    routes.push_back({i % 2 == 0 ? kStockport : kPolice, kBirmingham});
  }
  StartSubmitting(routes);
  // Kill Birmingham as soon as deliveries to it have begun.
  auto reader = net().Client(kBirmingham, Role::kReceiver);
  const absl::Time deadline = absl::Now() + Wait();
  while (true) {
    ASSERT_OK_AND_ASSIGN(std::vector<v1::InboxEntry> inbox,
                         reader->ListInbox());
    if (!inbox.empty()) break;
    ASSERT_LT(absl::Now(), deadline) << "nothing reached Birmingham";
    absl::SleepFor(absl::Milliseconds(5));
  }
  reader.reset();
  net().KillNode(kBirmingham);
  PrintStates("just after killing the recipient");
  FinishSubmitting();
  ASSERT_OK(net().StartNode(kBirmingham));
  ASSERT_NO_FATAL_FAILURE(ExpectAllDeliveredExactlyOnce(16));
  // What survived the crash opens intact.
  ASSERT_OK_AND_ASSIGN(const std::string sent_hash, Sha256OfFile(attachment_));
  reader = net().Client(kBirmingham, Role::kReceiver);
  for (const Sent& s : SentSoFar()) {
    SCOPED_TRACE(s.id);
    ASSERT_OK_AND_ASSIGN(FetchedTransfer fetched,
                         reader->Fetch(s.id, Scratch("fetched-" + s.id)));
    EXPECT_TRUE(fetched.ended);
    ASSERT_EQ(fetched.attachment_paths.size(), 1u);
    ASSERT_OK_AND_ASSIGN(const std::string got,
                         Sha256OfFile(fetched.attachment_paths[0]));
    EXPECT_EQ(got, sent_hash);
  }
}

TEST_F(FailureTest, SenderKilledAfterAcceptingResumesItsOutbox) {
  for (int i = 0; i < 10; ++i) {
    ASSERT_NO_FATAL_FAILURE(
        Submit({kStockport, i % 2 == 0 ? kBirmingham : kPolice}));
  }
  // Killed straight after its last answer: the outbox must survive.
  net().KillNode(kStockport);
  ASSERT_OK(net().StartNode(kStockport));
  ASSERT_NO_FATAL_FAILURE(ExpectAllDeliveredExactlyOnce(10));
}

}  // namespace
}  // namespace handover::integration
