// The chaos test: thousands of transfers, small ones and 50 MiB ones, pushed
// from one sending node to two recipient nodes while the sender, the router
// and each recipient are SIGKILLed at random moments (at least 20 kills,
// each daemon at least twice) and restarted on the same data directories.
// The submitters retry as a case system would when its node is down: the
// same idempotency key until an answer comes.
//
// Afterwards every transfer must be DELIVERED with its recipient's verified
// receipt, each inbox must hold exactly the transfers sent to it, once each
// (a retry that made a second transfer would show as an extra one), a
// sample of them must open to the submission they came from, and every
// delivery log (the nodes' over the admin API, the router's from its file
// against the head it signed) must verify. A sample of the submissions is
// sent once more at the end, as a case system that lost its answers would:
// each must be answered from its idempotency key with the first id.
//
// Everything random follows from one seed, printed at the start and on
// failure; HANDOVER_CHAOS_SEED=N replays the same transfers and the same
// kill schedule (the daemons' own timing still varies from run to run).
// HANDOVER_CHAOS_TRANSFERS=N changes the count. The default is 2,000; in
// sanitizer builds, which run the daemons several times slower, it is 200.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "deliverylog/log_verifier.h"
#include "gtest/gtest.h"
#include "harness/log_calls.h"
#include "harness/network_test.h"

namespace handover::integration {
namespace {

namespace v1 = handover::v1;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitizerBuild = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kSanitizerBuild = true;
#else
constexpr bool kSanitizerBuild = false;
#endif
#else
constexpr bool kSanitizerBuild = false;
#endif

constexpr int kDefaultTransfers = kSanitizerBuild ? 200 : 2000;
constexpr int kLargeOneIn = 100;
constexpr int kMinLarge = kSanitizerBuild ? 3 : 5;
constexpr uint64_t kLargeBytes = uint64_t{50} << 20;
constexpr int kMinKills = 20;
constexpr int kMinKillsEach = 2;
constexpr int kSubmitters = 3;
constexpr size_t kFetchSamplePerRecipient = 25;
constexpr int kLateRetryOneIn = 20;

constexpr const char* kSender = kStockport;
const std::vector<std::string>& Recipients() {
  static const std::vector<std::string> recipients = {kBirmingham, kPolice};
  return recipients;
}
const std::vector<std::string>& Victims() {
  static const std::vector<std::string> victims = {kSender, kRouterId,
                                                   kBirmingham, kPolice};
  return victims;
}

uint64_t EnvNumber(const char* name, uint64_t fallback) {
  uint64_t value = 0;
  const char* text = std::getenv(name);
  if (text != nullptr && absl::SimpleAtoi(text, &value)) return value;
  return fallback;
}

// One submission as the case system sees it.
struct Item {
  std::string recipient;
  bool large = false;
  std::string reference;        // goes into the bundle
  std::string idempotency_key;  // reused on every retry
  // Filled by the submitter that sent it.
  std::string transfer_id;
  std::string error;  // set if it gave up
};

// Fresh clients of the sender and the recipients at their current
// addresses: a node gets a new port at each restart. The test thread
// renews them; submitter threads take a copy for each attempt.
class LiveClients {
 public:
  void Renew(TestNetwork& net, const std::string& id) {
    std::shared_ptr<NodeClient> submitter =
        net.Client(id, Role::kSubmitter, Scaled(absl::Seconds(300)));
    std::lock_guard<std::mutex> lock(mu_);
    submitters_[id] = std::move(submitter);
  }
  std::shared_ptr<NodeClient> Submitter(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    return submitters_[id];
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<NodeClient>> submitters_;
};

// What a case system may retry: the node was down, restarting, or cut the
// call off. Anything else is a refusal, and a refusal here is a failure.
bool Retryable(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kCancelled:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kResourceExhausted:
      return true;
    default:
      return false;
  }
}

class ChaosTest : public NetworkTest {
 protected:
  void SetUp() override {
    seed_ = EnvNumber("HANDOVER_CHAOS_SEED", std::random_device{}());
    transfers_ = static_cast<int>(
        EnvNumber("HANDOVER_CHAOS_TRANSFERS", kDefaultTransfers));
    std::cerr << SeedLine() << "\n";
    rng_.seed(seed_);
    NetworkOptions options;
    options.nodes = {kSender, kBirmingham, kPolice};
    ASSERT_NO_FATAL_FAILURE(CreateNetwork(options));
    // The case system submits far faster than the default per-client rate.
    net().node_settings(kSender).extra_toml =
        "\n[limits]\nsubmissions_per_minute_per_client = 1000000\n";
    ASSERT_OK(net().StartAll());
    for (const std::string& id : net().node_ids()) clients_.Renew(net(), id);
    large_file_ = Scratch("scan.bin");
    ASSERT_OK(WriteTestFile(large_file_, kLargeBytes, seed_));
  }

  void TearDown() override {
    stop_ = true;
    for (std::thread& t : submitters_) t.join();
    if (HasFailure()) std::cerr << SeedLine() << "\n";
  }

  std::string SeedLine() const {
    return absl::StrCat("chaos seed: ", seed_,
                        " (replay with HANDOVER_CHAOS_SEED=", seed_, ")");
  }

  // The transfers, from the seed: recipients at random, and 1 in 100 (at
  // least kMinLarge) carrying the 50 MiB attachment, spread through the run.
  void PlanTransfers() {
    items_.resize(transfers_);
    std::uniform_int_distribution<size_t> pick(0, Recipients().size() - 1);
    for (int i = 0; i < transfers_; ++i) {
      Item& item = items_[i];
      item.recipient = Recipients()[pick(rng_)];
      item.reference = absl::StrCat("CHAOS-", seed_, "-", i);
      item.idempotency_key = absl::StrCat("chaos-", seed_, "-", i);
    }
    const int large =
        std::min(transfers_, std::max(kMinLarge, transfers_ / kLargeOneIn));
    std::vector<int> order(transfers_);
    for (int i = 0; i < transfers_; ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), rng_);
    for (int i = 0; i < large; ++i) items_[order[i]].large = true;
    large_count_ = large;
  }

  // Who is killed, in order: each daemon kMinKillsEach times, the rest at
  // random up to kMinKills, shuffled.
  std::vector<std::string> PlanKills() {
    std::vector<std::string> kills;
    for (const std::string& v : Victims()) {
      for (int i = 0; i < kMinKillsEach; ++i) kills.push_back(v);
    }
    std::uniform_int_distribution<size_t> pick(0, Victims().size() - 1);
    while (kills.size() < kMinKills) kills.push_back(Victims()[pick(rng_)]);
    std::shuffle(kills.begin(), kills.end(), rng_);
    return kills;
  }

  void StartSubmitting() {
    for (int t = 0; t < kSubmitters; ++t) {
      submitters_.emplace_back([this] {
        while (!stop_) {
          const int i = next_item_++;
          if (i >= transfers_) return;
          SubmitWithRetries(items_[i]);
          ++submitted_;
        }
      });
    }
  }

  // As a case system would: the same request, the same idempotency key,
  // again and again with a growing pause, until the node answers.
  void SubmitWithRetries(Item& item) {
    SubmitRequest request;
    request.idempotency_key = item.idempotency_key;
    request.recipients = {item.recipient};
    request.bundle = MinimalBundle(item.reference);
    if (item.large) request.attachments = {{large_file_, "scan.bin"}};
    const absl::Time give_up = absl::Now() + Scaled(absl::Minutes(5));
    absl::Duration pause = absl::Milliseconds(20);
    while (!stop_) {
      absl::StatusOr<v1::SubmitTransferResponse> response =
          clients_.Submitter(kSender)->Submit(request);
      if (response.ok()) {
        item.transfer_id = response->transfer_id();
        if (response->duplicate()) ++duplicate_answers_;
        return;
      }
      if (!Retryable(response.status().code()) || absl::Now() > give_up) {
        item.error = response.status().ToString();
        return;
      }
      ++retries_;
      absl::SleepFor(pause);
      pause = std::min(pause * 2, absl::Milliseconds(500));
    }
  }

  // SIGKILLs `victim`, waits a random short pause, and starts it again.
  void KillAndRestart(const std::string& victim) {
    const bool router = victim == kRouterId;
    if (router) {
      net().KillRouter();
    } else {
      net().KillNode(victim);
    }
    ++kills_[victim];
    absl::SleepFor(
        absl::Milliseconds(std::uniform_int_distribution<int>(50, 1500)(rng_)));
    if (router) {
      ASSERT_OK(net().StartRouter());
    } else {
      ASSERT_OK(net().StartNode(victim));
      clients_.Renew(net(), victim);
    }
  }

  // Kills until the schedule is done and every submission answered.
  void RunChaos() {
    const std::vector<std::string> schedule = PlanKills();
    std::uniform_int_distribution<int> gap_ms(300, 2500);
    std::uniform_int_distribution<size_t> pick(0, Victims().size() - 1);
    size_t next = 0;
    while (next < schedule.size() || submitted_ < transfers_) {
      absl::SleepFor(absl::Milliseconds(gap_ms(rng_)));
      const std::string victim =
          next < schedule.size() ? schedule[next++] : Victims()[pick(rng_)];
      std::cerr << "chaos: killing " << victim << " (" << submitted_ << "/"
                << transfers_ << " submitted)\n";
      ASSERT_NO_FATAL_FAILURE(KillAndRestart(victim));
    }
  }

  // Polls the sender until every transfer is DELIVERED; fails listing the
  // ones that are not, with their states.
  void WaitForAllDelivered() {
    std::set<int> pending;
    for (int i = 0; i < transfers_; ++i) pending.insert(i);
    auto sender = net().Client(kSender, Role::kSubmitter);
    const absl::Time deadline = absl::Now() + Scaled(absl::Minutes(10));
    std::map<int, std::string> last_state;
    while (!pending.empty()) {
      for (auto it = pending.begin(); it != pending.end();) {
        absl::StatusOr<v1::TransferStatusResponse> status =
            sender->Status(items_[*it].transfer_id);
        if (status.ok() && status->state() == v1::DELIVERY_STATE_DELIVERED) {
          it = pending.erase(it);
          continue;
        }
        last_state[*it] = status.ok() ? DeliveryStateName(status->state())
                                      : status.status().ToString();
        ASSERT_TRUE(!status.ok() ||
                    status->state() < v1::DELIVERY_STATE_DELIVERED)
            << "transfer " << items_[*it].transfer_id << " (item " << *it
            << ") ended " << last_state[*it];
        ++it;
      }
      if (pending.empty()) break;
      if (absl::Now() > deadline) {
        std::vector<std::string> missing;
        for (int i : pending) {
          missing.push_back(absl::StrCat(items_[i].transfer_id, " to ",
                                         items_[i].recipient, ": ",
                                         last_state[i]));
          if (missing.size() == 30) break;
        }
        FAIL() << pending.size() << " transfers not delivered, e.g.:\n  "
               << absl::StrJoin(missing, "\n  ");
      }
      absl::SleepFor(absl::Milliseconds(200));
    }
  }

  // A case system that lost its answers and sends again, after all the
  // kills: a seeded 1 in 20 of the small submissions is repeated with its
  // key, and each must be answered with the first transfer id, not sent
  // again (the inbox check after this would also see a second copy).
  void ExpectLateRetriesAnsweredFromKey() {
    auto sender = net().Client(kSender, Role::kSubmitter);
    std::uniform_int_distribution<int> pick(0, kLateRetryOneIn - 1);
    for (const Item& item : items_) {
      if (item.large || pick(rng_) != 0) continue;
      SCOPED_TRACE(item.reference);
      SubmitRequest request;
      request.idempotency_key = item.idempotency_key;
      request.recipients = {item.recipient};
      request.bundle = MinimalBundle(item.reference);
      ASSERT_OK_AND_ASSIGN(v1::SubmitTransferResponse again,
                           sender->Submit(request));
      EXPECT_TRUE(again.duplicate());
      EXPECT_EQ(again.transfer_id(), item.transfer_id);
      ++late_retries_;
    }
  }

  // Each DELIVERED with a receipt signed by its recipient for its id.
  void ExpectVerifiedReceipts() {
    auto sender = net().Client(kSender, Role::kSubmitter);
    for (const Item& item : items_) {
      SCOPED_TRACE(item.transfer_id);
      ASSERT_OK_AND_ASSIGN(v1::TransferStatusResponse status,
                           sender->Status(item.transfer_id));
      ASSERT_EQ(status.recipients_size(), 1);
      EXPECT_EQ(status.recipients(0).agency_id(), item.recipient);
      ASSERT_OK_AND_ASSIGN(v1::Notice receipt,
                           net().VerifyNoticeFrom(
                               status.recipients(0).receipt(), item.recipient));
      EXPECT_TRUE(receipt.has_receipt());
      ASSERT_OK_AND_ASSIGN(const std::string raw_id, FromHex(item.transfer_id));
      EXPECT_EQ(receipt.transfer_id(), raw_id);
    }
  }

  // Each inbox holds exactly its transfers, once each. Returns the
  // duplicates and strays found, for the summary.
  int ExpectInboxesExact() {
    std::map<std::string, std::multiset<std::string>> expected;
    for (const Item& item : items_) {
      expected[item.recipient].insert(item.transfer_id);
    }
    int wrong = 0;
    for (const std::string& id : net().node_ids()) {
      SCOPED_TRACE(id);
      absl::StatusOr<std::vector<v1::InboxEntry>> inbox =
          net().Client(id, Role::kReceiver)->ListInbox(1000);
      EXPECT_TRUE(inbox.ok()) << inbox.status();
      if (!inbox.ok()) return -1;
      std::multiset<std::string> got;
      for (const v1::InboxEntry& e : *inbox) got.insert(e.transfer_id());
      std::vector<std::string> extra, missing;
      std::set_difference(got.begin(), got.end(), expected[id].begin(),
                          expected[id].end(), std::back_inserter(extra));
      std::set_difference(expected[id].begin(), expected[id].end(), got.begin(),
                          got.end(), std::back_inserter(missing));
      EXPECT_TRUE(extra.empty())
          << extra.size() << " duplicate or unasked-for transfers, e.g. "
          << extra.front();
      EXPECT_TRUE(missing.empty())
          << missing.size() << " missing, e.g. " << missing.front();
      wrong += static_cast<int>(extra.size() + missing.size());
    }
    return wrong;
  }

  // A seeded sample of each recipient's transfers (and one large one)
  // opens to the very submission its id was answered for.
  void ExpectSampleOpensToItsSubmission() {
    std::map<std::string, std::vector<int>> by_recipient;
    for (int i = 0; i < transfers_; ++i) {
      by_recipient[items_[i].recipient].push_back(i);
    }
    ASSERT_OK_AND_ASSIGN(const std::string large_hash,
                         Sha256OfFile(large_file_));
    for (auto& [recipient, indices] : by_recipient) {
      std::shuffle(indices.begin(), indices.end(), rng_);
      std::vector<int> sample;
      for (int i : indices) {
        if (!items_[i].large && sample.size() < kFetchSamplePerRecipient) {
          sample.push_back(i);
        }
      }
      auto large = std::find_if(indices.begin(), indices.end(),
                                [&](int i) { return items_[i].large; });
      if (large != indices.end()) sample.push_back(*large);
      auto reader =
          net().Client(recipient, Role::kReceiver, Scaled(absl::Seconds(300)));
      for (int i : sample) {
        const Item& item = items_[i];
        SCOPED_TRACE(absl::StrCat(item.transfer_id, " item ", i));
        const std::string dir = Scratch("fetched-" + item.transfer_id);
        ASSERT_OK_AND_ASSIGN(FetchedTransfer got,
                             reader->Fetch(item.transfer_id, dir));
        ASSERT_TRUE(got.ended);
        EXPECT_EQ(got.header.bundle().metadata().sender_reference(),
                  item.reference);
        ASSERT_EQ(got.attachment_paths.size(), item.large ? 1u : 0u);
        if (item.large) {
          ASSERT_OK_AND_ASSIGN(const std::string hash,
                               Sha256OfFile(got.attachment_paths[0]));
          EXPECT_EQ(hash, large_hash);
        }
        std::filesystem::remove_all(dir);
      }
    }
  }

  // Every node's log verifies, and so does the router's, against the tree
  // head it signed and handed out.
  void ExpectLogsVerify() {
    for (const std::string& id : net().node_ids()) {
      SCOPED_TRACE(id);
      ASSERT_OK_AND_ASSIGN(v1::VerifyLogResponse report,
                           VerifyLog(*net().Client(id, Role::kAdmin)));
      EXPECT_TRUE(report.ok()) << report.problem();
      EXPECT_GT(report.entries(), 0u);
    }
    ASSERT_OK_AND_ASSIGN(v1::ShowTransferLogResponse shown,
                         ShowTransferLog(*net().Client(kSender, Role::kAdmin),
                                         items_.back().transfer_id));
    ASSERT_TRUE(shown.has_router_tree_head()) << shown.router_error();
    ASSERT_OK_AND_ASSIGN(
        deliverylog::VerifyReport router_report,
        deliverylog::VerifyLogDatabase(net().RouterDataDir() + "/log.db",
                                       net().KeysOf(kRouterId),
                                       shown.router_tree_head()));
    EXPECT_TRUE(router_report.ok) << router_report.problem;
  }

  uint64_t seed_ = 0;
  int transfers_ = 0;
  int large_count_ = 0;
  int late_retries_ = 0;
  std::mt19937_64 rng_;  // the test thread's only
  std::string large_file_;
  LiveClients clients_;
  std::vector<Item> items_;
  std::map<std::string, int> kills_;
  std::vector<std::thread> submitters_;
  std::atomic<bool> stop_{false};
  std::atomic<int> next_item_{0};
  std::atomic<int> submitted_{0};
  std::atomic<int> retries_{0};
  std::atomic<int> duplicate_answers_{0};
};

TEST_F(ChaosTest, RandomKillsLoseAndDuplicateNothing) {
  SCOPED_TRACE(SeedLine());
  const absl::Time start = absl::Now();
  PlanTransfers();
  StartSubmitting();
  ASSERT_NO_FATAL_FAILURE(RunChaos());
  for (std::thread& t : submitters_) t.join();
  submitters_.clear();
  for (const Item& item : items_) {
    ASSERT_TRUE(item.error.empty())
        << item.reference << " was never accepted: " << item.error;
  }
  for (const std::string& victim : Victims()) {
    EXPECT_GE(kills_[victim], kMinKillsEach) << victim;
  }
  ASSERT_NO_FATAL_FAILURE(WaitForAllDelivered());
  ASSERT_NO_FATAL_FAILURE(ExpectVerifiedReceipts());
  ASSERT_NO_FATAL_FAILURE(ExpectLateRetriesAnsweredFromKey());
  const int wrong = ExpectInboxesExact();
  ASSERT_NO_FATAL_FAILURE(ExpectSampleOpensToItsSubmission());
  ASSERT_NO_FATAL_FAILURE(ExpectLogsVerify());

  int total_kills = 0;
  std::vector<std::string> per_daemon;
  for (const std::string& victim : Victims()) {
    total_kills += kills_[victim];
    per_daemon.push_back(absl::StrCat(victim, "=", kills_[victim]));
  }
  EXPECT_GE(total_kills, kMinKills);
  std::cerr << "chaos summary: seed=" << seed_ << " transfers=" << transfers_
            << " large=" << large_count_ << " kills=" << total_kills << " ("
            << absl::StrJoin(per_daemon, " ") << ") submit_retries=" << retries_
            << " answered_from_key=" << duplicate_answers_
            << " late_retries_answered_from_key=" << late_retries_
            << " lost_or_duplicated=" << wrong << " duration="
            << absl::FormatDuration(
                   absl::Trunc(absl::Now() - start, absl::Seconds(1)))
            << "\n";
}

}  // namespace
}  // namespace handover::integration
