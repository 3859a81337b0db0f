// The delivery logs across the real network (docs/LOG.md): every hop of a
// transfer is logged by the node or the router that handled it, with no
// case content; the router's part and the recipient's receipt are proven
// against signed tree heads; tampering with a stopped node's log file is
// found; an export verifies offline; ListLog filters and pages; and the
// router's log of a transfer is for its parties only. Real daemons, real
// TLS, real SQLite; the checks use the offline verifiers, not the daemons'
// word.
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "auditlog/merkle.h"
#include "common/file_util.h"
#include "deliverylog/delivery_proof.h"
#include "deliverylog/log_entry_codec.h"
#include "deliverylog/log_export.h"
#include "deliverylog/log_verifier.h"
#include "deliverylog/tree_head.h"
#include "gtest/gtest.h"
#include "harness/log_calls.h"
#include "harness/network_test.h"
#include "harness/router_client.h"
#include "sqlite/sqlite_db.h"

namespace handover::integration {
namespace {

namespace v1 = handover::v1;

// Listed in the directory, with a certificate, but running no node: an
// agency that is neither sender nor recipient of the tests' transfers.
constexpr char kOutsider[] = "west-midlands-police";

// The test bundle's case content. None of it may reach any log.
constexpr char kReference[] = "REF-LOG-7Q3Z";
constexpr char kGivenNames[] = "Tamsin Ottoline";
constexpr char kFamilyName[] = "Featherstonehaugh";
constexpr char kPreferredName[] = "Tiggy";
constexpr char kDateOfBirth[] = "2013-05-17";
constexpr char kAttachmentName[] = "care-plan-featherstonehaugh.pdf";

std::vector<std::string> CaseStrings() {
  return {kReference,     "Tamsin",
          "Ottoline",     kFamilyName,
          kPreferredName, kDateOfBirth,
          "care-plan-",   "integration test case system"};
}

v1::CaseBundle CaseBundleForLog() {
  v1::CaseBundle bundle = MinimalBundle(kReference);
  bundle.mutable_identity()->set_given_names(kGivenNames);
  bundle.mutable_identity()->set_family_name(kFamilyName);
  bundle.mutable_identity()->set_preferred_name(kPreferredName);
  bundle.mutable_identity()->set_date_of_birth(kDateOfBirth);
  return bundle;
}

std::string Names(const std::vector<v1::LogEntry>& entries) {
  std::vector<std::string> names;
  for (const v1::LogEntry& e : entries)
    names.push_back(LogEventName(e.event()));
  return absl::StrJoin(names, " ");
}

std::vector<uint64_t> Indices(const std::vector<v1::LogEntry>& entries) {
  std::vector<uint64_t> out;
  for (const v1::LogEntry& e : entries) out.push_back(e.index());
  return out;
}

// The entries of `all` that `keep` accepts.
template <typename Keep>
std::vector<uint64_t> IndicesWhere(const std::vector<v1::LogEntry>& all,
                                   Keep keep) {
  std::vector<uint64_t> out;
  for (const v1::LogEntry& e : all) {
    if (keep(e)) out.push_back(e.index());
  }
  return out;
}

// Only the indices below `size`: what a snapshot of that size holds.
std::vector<uint64_t> Below(std::vector<uint64_t> indices, uint64_t size) {
  std::erase_if(indices, [size](uint64_t i) { return i >= size; });
  return indices;
}

// The first entry of `kind`, or null.
const v1::LogEntry* Find(const std::vector<v1::LogEntry>& entries,
                         v1::LogEventKind kind) {
  for (const v1::LogEntry& e : entries) {
    if (e.event() == kind) return &e;
  }
  return nullptr;
}

std::string LeafHashOf(const v1::LogEntry& entry) {
  return auditlog::LeafHash(deliverylog::EncodeLeaf(entry));
}

std::vector<std::string> PathOf(const v1::InclusionProof& proof) {
  return {proof.hashes().begin(), proof.hashes().end()};
}

// Every entry of a log database file, read as `handover log verify` reads
// it (one snapshot, safe while the daemon runs).
absl::StatusOr<std::vector<v1::LogEntry>> ReadLogFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<deliverylog::LogDatabaseReader> reader,
                   deliverylog::LogDatabaseReader::Open(path));
  ASSIGN_OR_RETURN(std::unique_ptr<deliverylog::EntrySource> source,
                   reader->Entries());
  std::vector<v1::LogEntry> entries;
  while (true) {
    v1::LogEntry entry;
    std::optional<std::string> stored_hash;
    ASSIGN_OR_RETURN(bool more, source->Next(&entry, &stored_hash));
    if (!more) return entries;
    entries.push_back(std::move(entry));
  }
}

// The number after `"key":` in a JSON line, or nullopt.
std::optional<uint64_t> JsonNumber(absl::string_view line,
                                   absl::string_view key) {
  const std::string needle = absl::StrCat("\"", key, "\":");
  const size_t at = line.find(needle);
  if (at == absl::string_view::npos) return std::nullopt;
  absl::string_view rest = line.substr(at + needle.size());
  size_t digits = 0;
  while (digits < rest.size() && absl::ascii_isdigit(rest[digits])) ++digits;
  uint64_t value = 0;
  if (!absl::SimpleAtoi(rest.substr(0, digits), &value)) return std::nullopt;
  return value;
}

class LogTest : public NetworkTest {
 protected:
  std::unique_ptr<NodeClient> Admin(const std::string& id) {
    return net().Client(id, Role::kAdmin);
  }

  // Sends the test bundle, with an attachment, from Stockport's case system
  // to `to`, and waits until it is delivered and Stockport has logged the
  // verified receipt. Sets the transfer id (hex) and its final status.
  void SendDelivered(const std::string& to, std::string* id,
                     v1::TransferStatusResponse* status = nullptr) {
    const std::string attachment =
        Scratch(RandomHex(4) + "-" + kAttachmentName);
    ASSERT_OK(WriteTestFile(attachment, 4096, 7));
    SubmitRequest request;
    request.idempotency_key = "log-" + RandomHex(8);
    request.recipients = {to};
    request.bundle = CaseBundleForLog();
    request.attachments = {{attachment, kAttachmentName, "application/pdf"}};
    auto submitter = net().Client(kStockport, Role::kSubmitter);
    ASSERT_OK_AND_ASSIGN(v1::SubmitTransferResponse submitted,
                         submitter->Submit(request));
    *id = submitted.transfer_id();
    ASSERT_OK_AND_ASSIGN(
        v1::TransferStatusResponse delivered,
        submitter->WaitForState(*id, v1::DELIVERY_STATE_DELIVERED, Wait()));
    ASSERT_OK(WaitForLogEvent(*Admin(kStockport), *id,
                              v1::LOG_EVENT_KIND_RECEIPT_VERIFIED, Wait())
                  .status());
    if (status != nullptr) *status = delivered;
  }

  // ShowTransferLog at `node`, polled until the router's part holds its
  // DELIVERED entry (the router logs it when the recipient's answer comes
  // in, which the sender's DELIVERED state does not wait for).
  void ShowUntilRouterDelivered(const std::string& node, const std::string& id,
                                v1::ShowTransferLogResponse* shown) {
    auto admin = Admin(node);
    const absl::Time deadline = absl::Now() + Wait();
    while (true) {
      ASSERT_OK_AND_ASSIGN(*shown, ShowTransferLog(*admin, id));
      std::vector<v1::LogEntry> router(shown->router_entries().begin(),
                                       shown->router_entries().end());
      if (Find(router, v1::LOG_EVENT_KIND_DELIVERED) != nullptr) return;
      ASSERT_LT(absl::Now(), deadline)
          << "the router's part never showed DELIVERED; it has: "
          << Names(router) << "; router_error: " << shown->router_error();
      absl::SleepFor(absl::Milliseconds(50));
    }
  }

  // A network of Stockport and Birmingham, one transfer between them
  // delivered with its receipt logged, and on each node a fresh signed
  // head covering everything, which VerifyLog accepts. Sets Stockport's
  // entries for the transfer and its head.
  void PrepareForTampering(std::vector<v1::LogEntry>* entries,
                           v1::SignedTreeHead* head) {
    NetworkOptions options;
    options.nodes = {kStockport, kBirmingham};
    ASSERT_NO_FATAL_FAILURE(StartNetwork(options));
    std::string id;
    ASSERT_NO_FATAL_FAILURE(SendDelivered(kBirmingham, &id));
    for (const char* node : {kStockport, kBirmingham}) {
      SCOPED_TRACE(node);
      auto admin = Admin(node);
      ASSERT_OK_AND_ASSIGN(v1::SignedTreeHead published,
                           GetTreeHead(*admin, /*publish=*/true));
      ASSERT_OK_AND_ASSIGN(v1::VerifyLogResponse verified, VerifyLog(*admin));
      ASSERT_TRUE(verified.ok()) << verified.problem();
      ASSERT_GE(verified.entries(), published.tree_size());
      if (node == std::string(kStockport)) *head = published;
    }
    ASSERT_OK_AND_ASSIGN(*entries, TransferLogEntries(*Admin(kStockport), id));
    ASSERT_EQ(Names(*entries),
              "SUBMITTED SEALED QUEUED SENT_TO_ROUTER RECEIPT_VERIFIED");
    ASSERT_LE(entries->back().index() + 1, head->tree_size());
  }

  // Stops `node`, runs each statement on its log.db with plain SQL (each
  // must change a row), and starts the node again.
  void TamperWhileStopped(const std::string& node,
                          const std::vector<std::string>& statements) {
    ASSERT_OK(net().StopNode(node));
    const std::string path = net().NodeDataDir(node) + "/log.db";
    struct stat st;
    ASSERT_EQ(stat(path.c_str(), &st), 0) << "no log database at " << path;
    {
      ASSERT_OK_AND_ASSIGN(std::unique_ptr<sqlite::SqliteDb> db,
                           sqlite::SqliteDb::Open(path));
      for (const std::string& sql : statements) {
        SCOPED_TRACE(sql);
        ASSERT_OK(db->Exec(sql));
        EXPECT_GT(db->Changes(), 0);
      }
    }
    ASSERT_OK(net().StartNode(node));
  }

  // Birmingham's log, untouched, still verifies.
  void ExpectBirminghamVerifies() {
    ASSERT_OK_AND_ASSIGN(v1::VerifyLogResponse untouched,
                         VerifyLog(*Admin(kBirmingham)));
    EXPECT_TRUE(untouched.ok()) << untouched.problem();
    EXPECT_FALSE(untouched.has_first_bad_index());
    EXPECT_EQ(untouched.problem(), "");
    EXPECT_GT(untouched.entries(), 0u);
    EXPECT_GT(untouched.tree_heads(), 0u);
  }
};

TEST_F(LogTest, DeliveredTransferIsLoggedAtEveryHopWithoutCaseContent) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork());
  std::string id;
  v1::TransferStatusResponse status;
  ASSERT_NO_FATAL_FAILURE(SendDelivered(kBirmingham, &id, &status));
  ASSERT_OK_AND_ASSIGN(const std::string raw_id, FromHex(id));
  ASSERT_EQ(status.recipients_size(), 1);
  const v1::RecipientStatus& copy = status.recipients(0);
  ASSERT_TRUE(copy.has_receipt());
  ASSERT_OK_AND_ASSIGN(v1::Notice notice,
                       net().VerifyNoticeFrom(copy.receipt(), kBirmingham));
  ASSERT_TRUE(notice.has_receipt());
  const std::string hash = notice.receipt().ciphertext_hash();
  ASSERT_EQ(hash.size(), 32u);
  const uint64_t size = status.envelope_size();
  ASSERT_GT(size, 0u);

  // The sender: every step, in order, each naming the copy but not its
  // content.
  auto sender = Admin(kStockport);
  ASSERT_OK_AND_ASSIGN(std::vector<v1::LogEntry> sent,
                       TransferLogEntries(*sender, id));
  ASSERT_EQ(Names(sent),
            "SUBMITTED SEALED QUEUED SENT_TO_ROUTER RECEIPT_VERIFIED");
  for (size_t i = 0; i < sent.size(); ++i) {
    const v1::LogEntry& e = sent[i];
    SCOPED_TRACE(LogEventName(e.event()));
    if (i > 0) {
      EXPECT_GT(e.index(), sent[i - 1].index());
    }
    EXPECT_TRUE(e.has_time());
    EXPECT_EQ(e.transfer_id(), raw_id);
    EXPECT_EQ(e.sender(), kStockport);
    // SUBMITTED and SEALED are one per transfer; the rest one per copy.
    const bool per_copy = e.event() != v1::LOG_EVENT_KIND_SUBMITTED &&
                          e.event() != v1::LOG_EVENT_KIND_SEALED;
    EXPECT_EQ(e.recipient(), per_copy ? kBirmingham : "");
    // Whoever asked for the transfer owns its first steps: the client's
    // name from the node's config.
    if (e.event() == v1::LOG_EVENT_KIND_SUBMITTED ||
        e.event() == v1::LOG_EVENT_KIND_SEALED ||
        e.event() == v1::LOG_EVENT_KIND_QUEUED) {
      EXPECT_EQ(e.actor(), "token-submitter");
    }
    EXPECT_EQ(e.size(), size);
    EXPECT_EQ(e.envelope_hash(), hash);
  }
  const v1::LogEntry& receipt_entry = sent.back();
  EXPECT_TRUE(absl::StrContains(receipt_entry.detail(), "proven"))
      << receipt_entry.detail();
  EXPECT_FALSE(absl::StrContains(receipt_entry.detail(), "NOT"))
      << receipt_entry.detail();
  EXPECT_EQ(receipt_entry.actor(), kBirmingham);

  // The recipient: DELIVERED, and nothing of the sender's steps.
  auto recipient = Admin(kBirmingham);
  ASSERT_OK_AND_ASSIGN(std::vector<v1::LogEntry> received,
                       TransferLogEntries(*recipient, id));
  ASSERT_EQ(Names(received), "DELIVERED");
  const v1::LogEntry& delivered = received[0];
  EXPECT_EQ(delivered.transfer_id(), raw_id);
  EXPECT_EQ(delivered.sender(), kStockport);
  EXPECT_EQ(delivered.recipient(), kBirmingham);
  EXPECT_EQ(delivered.size(), size);
  EXPECT_EQ(delivered.envelope_hash(), hash);

  // The stored receipt proves the delivery from Birmingham's own log: its
  // DELIVERED entry, under a head Birmingham signed.
  const v1::DeliveryReceipt& receipt = notice.receipt();
  ASSERT_TRUE(receipt.has_log_entry());
  EXPECT_EQ(receipt.log_entry().index(), delivered.index());
  EXPECT_EQ(LeafHashOf(receipt.log_entry()), LeafHashOf(delivered));
  EXPECT_EQ(receipt.log_head().log_id(), kBirmingham);
  ASSERT_OK_AND_ASSIGN(
      const std::string proven,
      deliverylog::VerifyDeliveryProof(receipt, kBirmingham, raw_id, hash,
                                       net().KeysOf(kBirmingham)));
  EXPECT_TRUE(absl::StartsWith(
      proven, absl::StrCat("entry ", delivered.index(), " of a tree of ")))
      << proven;
  // What the sender logged is that same proof.
  EXPECT_TRUE(absl::StrContains(receipt_entry.detail(), proven))
      << receipt_entry.detail();
  // Someone else's keys, or another transfer, do not check out.
  EXPECT_FALSE(deliverylog::VerifyDeliveryProof(receipt, kBirmingham, raw_id,
                                                hash, net().KeysOf(kStockport))
                   .ok());
  std::string other_id = raw_id;
  other_id[0] ^= 1;
  EXPECT_FALSE(deliverylog::VerifyDeliveryProof(receipt, kBirmingham, other_id,
                                                hash, net().KeysOf(kBirmingham))
                   .ok());

  // The timeline at the sender: its own entries, and the router's as
  // evidence, each proven against the router's signed head.
  v1::ShowTransferLogResponse shown;
  ASSERT_NO_FATAL_FAILURE(ShowUntilRouterDelivered(kStockport, id, &shown));
  EXPECT_EQ(shown.router_error(), "");
  std::vector<v1::LogEntry> node_entries(shown.node_entries().begin(),
                                         shown.node_entries().end());
  EXPECT_EQ(Indices(node_entries), Indices(sent));
  std::vector<v1::LogEntry> router(shown.router_entries().begin(),
                                   shown.router_entries().end());
  ASSERT_GE(router.size(), 3u) << Names(router);
  // Accepted first; pushed (once, or again after a failed attempt) before
  // it was delivered; delivered once, whether the recipient's ack or its
  // receipt reached the router first.
  EXPECT_EQ(router.front().event(), v1::LOG_EVENT_KIND_ACCEPTED_BY_ROUTER)
      << Names(router);
  const v1::LogEntry* forwarded = Find(router, v1::LOG_EVENT_KIND_FORWARDED);
  const v1::LogEntry* router_delivered =
      Find(router, v1::LOG_EVENT_KIND_DELIVERED);
  ASSERT_NE(forwarded, nullptr) << Names(router);
  ASSERT_NE(router_delivered, nullptr) << Names(router);
  EXPECT_LT(forwarded->index(), router_delivered->index()) << Names(router);
  int accepted_count = 0, delivered_count = 0;
  for (const v1::LogEntry& e : router) {
    if (e.event() == v1::LOG_EVENT_KIND_ACCEPTED_BY_ROUTER) ++accepted_count;
    if (e.event() == v1::LOG_EVENT_KIND_DELIVERED) ++delivered_count;
    EXPECT_TRUE(e.event() == v1::LOG_EVENT_KIND_ACCEPTED_BY_ROUTER ||
                e.event() == v1::LOG_EVENT_KIND_FORWARDED ||
                e.event() == v1::LOG_EVENT_KIND_DELIVERED)
        << Names(router);
  }
  EXPECT_EQ(accepted_count, 1) << Names(router);
  EXPECT_EQ(delivered_count, 1) << Names(router);
  const v1::SignedTreeHead& router_head = shown.router_tree_head();
  EXPECT_EQ(router_head.log_id(), kRouterId);
  EXPECT_OK(deliverylog::VerifyTreeHead(router_head, net().KeysOf(kRouterId)));
  EXPECT_FALSE(
      deliverylog::VerifyTreeHead(router_head, net().KeysOf(kStockport)).ok());
  ASSERT_EQ(shown.router_proofs_size(), shown.router_entries_size());
  for (size_t i = 0; i < router.size(); ++i) {
    const v1::LogEntry& e = router[i];
    const v1::InclusionProof& proof = shown.router_proofs(static_cast<int>(i));
    SCOPED_TRACE(
        absl::StrCat("router entry ", e.index(), " ", LogEventName(e.event())));
    if (i > 0) {
      EXPECT_GT(e.index(), router[i - 1].index());
    }
    EXPECT_EQ(e.transfer_id(), raw_id);
    EXPECT_EQ(e.sender(), kStockport);
    EXPECT_EQ(e.recipient(), kBirmingham);
    EXPECT_EQ(e.size(), size);
    EXPECT_EQ(e.envelope_hash(), hash);
    EXPECT_EQ(proof.leaf_index(), e.index());
    EXPECT_EQ(proof.tree_size(), router_head.tree_size());
    EXPECT_OK(auditlog::VerifyInclusion(e.index(), router_head.tree_size(),
                                        LeafHashOf(e), PathOf(proof),
                                        router_head.root_hash()));
    // An entry changed in transit is not in the signed tree.
    v1::LogEntry altered = e;
    altered.set_detail("edited");
    EXPECT_FALSE(auditlog::VerifyInclusion(e.index(), router_head.tree_size(),
                                           LeafHashOf(altered), PathOf(proof),
                                           router_head.root_hash())
                     .ok());
  }
  ASSERT_EQ(shown.recipients_size(), 1);
  EXPECT_EQ(shown.recipients(0).agency_id(), kBirmingham);
  EXPECT_EQ(shown.recipients(0).state(), v1::DELIVERY_STATE_DELIVERED);

  // The router's whole stored log verifies, and agrees with the head it
  // gave out.
  const std::string router_log = net().RouterDataDir() + "/log.db";
  ASSERT_OK_AND_ASSIGN(deliverylog::VerifyReport router_report,
                       deliverylog::VerifyLogDatabase(
                           router_log, net().KeysOf(kRouterId), router_head));
  EXPECT_TRUE(router_report.ok) << router_report.problem;

  // No case content in any entry of any of the three logs.
  ASSERT_OK_AND_ASSIGN(std::vector<v1::LogEntry> sender_all,
                       ListLogAll(*sender, v1::ListLogRequest()));
  ASSERT_OK_AND_ASSIGN(std::vector<v1::LogEntry> recipient_all,
                       ListLogAll(*recipient, v1::ListLogRequest()));
  ASSERT_OK_AND_ASSIGN(std::vector<v1::LogEntry> router_all,
                       ReadLogFile(router_log));
  const std::vector<std::pair<std::string, std::vector<v1::LogEntry>*>> logs = {
      {kStockport, &sender_all},
      {kBirmingham, &recipient_all},
      {kRouterId, &router_all}};
  for (const auto& [name, entries] : logs) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(IndicesWhere(*entries,
                              [&](const v1::LogEntry& e) {
                                return e.transfer_id() == raw_id;
                              })
                     .empty())
        << "the log holds nothing of the transfer";
    for (const v1::LogEntry& e : *entries) {
      const std::string text = absl::AsciiStrToLower(e.DebugString());
      for (const std::string& content : CaseStrings()) {
        EXPECT_FALSE(absl::StrContains(text, absl::AsciiStrToLower(content)))
            << "entry " << e.index() << " holds \"" << content
            << "\": " << e.ShortDebugString();
      }
    }
  }
}

TEST_F(LogTest, VerifyLogFindsAnEntryEditedInTheDatabase) {
  std::vector<v1::LogEntry> entries;
  v1::SignedTreeHead head;
  ASSERT_NO_FATAL_FAILURE(PrepareForTampering(&entries, &head));
  const uint64_t n = entries[1].index();  // SEALED
  ASSERT_NO_FATAL_FAILURE(TamperWhileStopped(
      kStockport,
      {absl::StrCat("UPDATE log_entries SET detail = 'edited' WHERE idx = ",
                    n)}));

  ASSERT_OK_AND_ASSIGN(v1::VerifyLogResponse verified,
                       VerifyLog(*Admin(kStockport)));
  EXPECT_FALSE(verified.ok());
  EXPECT_TRUE(verified.has_first_bad_index());
  EXPECT_EQ(verified.first_bad_index(), n) << verified.problem();
  EXPECT_TRUE(absl::StartsWith(verified.problem(),
                               absl::StrCat("entry ", n, " was edited")))
      << verified.problem();
  EXPECT_EQ(verified.entries(), n);
  ASSERT_NO_FATAL_FAILURE(ExpectBirminghamVerifies());
}

TEST_F(LogTest, VerifyLogFindsAnEntryDeletedFromTheDatabase) {
  std::vector<v1::LogEntry> entries;
  v1::SignedTreeHead head;
  ASSERT_NO_FATAL_FAILURE(PrepareForTampering(&entries, &head));
  const uint64_t n = entries[1].index();  // SEALED
  ASSERT_NO_FATAL_FAILURE(TamperWhileStopped(
      kStockport, {absl::StrCat("DELETE FROM log_entries WHERE idx = ", n)}));

  ASSERT_OK_AND_ASSIGN(v1::VerifyLogResponse verified,
                       VerifyLog(*Admin(kStockport)));
  EXPECT_FALSE(verified.ok());
  EXPECT_TRUE(verified.has_first_bad_index());
  EXPECT_EQ(verified.first_bad_index(), n) << verified.problem();
  EXPECT_TRUE(absl::StartsWith(verified.problem(),
                               absl::StrCat("entry ", n, " is missing")))
      << verified.problem();
  ASSERT_NO_FATAL_FAILURE(ExpectBirminghamVerifies());
}

TEST_F(LogTest, VerifyLogFindsTheNewestEntriesTruncatedAfterAHeadCoveredThem) {
  std::vector<v1::LogEntry> entries;
  v1::SignedTreeHead head;
  ASSERT_NO_FATAL_FAILURE(PrepareForTampering(&entries, &head));
  // Everything from SENT_TO_ROUTER on goes, with the stored tree hashes
  // over it, as a careful editor would; the signed head covers more.
  const uint64_t kept = entries[3].index();  // SENT_TO_ROUTER
  ASSERT_LT(kept, head.tree_size());
  ASSERT_NO_FATAL_FAILURE(TamperWhileStopped(
      kStockport,
      {absl::StrCat("DELETE FROM log_entries WHERE idx >= ", kept),
       absl::StrCat("DELETE FROM log_nodes WHERE ((idx + 1) << level) > ",
                    kept)}));

  ASSERT_OK_AND_ASSIGN(v1::VerifyLogResponse verified,
                       VerifyLog(*Admin(kStockport)));
  EXPECT_FALSE(verified.ok());
  EXPECT_TRUE(verified.has_first_bad_index());
  EXPECT_EQ(verified.first_bad_index(), kept) << verified.problem();
  EXPECT_TRUE(absl::StartsWith(verified.problem(),
                               absl::StrCat("the log holds ", kept,
                                            " entries but a tree head signed "
                                            "at ")))
      << verified.problem();
  // The entries left are intact: only what is gone is reported.
  EXPECT_EQ(verified.entries(), kept);
  ASSERT_NO_FATAL_FAILURE(ExpectBirminghamVerifies());
}

TEST_F(LogTest, ExportVerifiesOfflineAndAnEditedEntryLineIsFound) {
  NetworkOptions options;
  options.nodes = {kStockport, kBirmingham};
  ASSERT_NO_FATAL_FAILURE(StartNetwork(options));
  auto admin = Admin(kStockport);
  // A head just before the transfer, so an edit of its entries is pinned
  // to them, and one after, so they are covered.
  ASSERT_OK_AND_ASSIGN(const v1::SignedTreeHead before,
                       GetTreeHead(*admin, /*publish=*/true));
  std::string id;
  ASSERT_NO_FATAL_FAILURE(SendDelivered(kBirmingham, &id));
  ASSERT_OK_AND_ASSIGN(const v1::SignedTreeHead after,
                       GetTreeHead(*admin, /*publish=*/true));
  ASSERT_OK_AND_ASSIGN(std::vector<v1::LogEntry> all,
                       ListLogAll(*admin, v1::ListLogRequest()));

  ASSERT_OK_AND_ASSIGN(const std::string exported, ExportLog(*admin));
  std::vector<std::string> lines = absl::StrSplit(exported, '\n');
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines.back(), "") << "the export ends with a newline";
  EXPECT_TRUE(
      absl::StartsWith(lines[0], "{\"format\":\"handover-log-export/1\""))
      << lines[0];
  EXPECT_TRUE(absl::StrContains(lines[0], "\"log_id\":\"stockport-cs\""))
      << lines[0];
  uint64_t entry_lines = 0;
  std::vector<uint64_t> head_sizes;
  for (const std::string& line : lines) {
    if (absl::StartsWith(line, "{\"entry\":")) ++entry_lines;
    if (absl::StartsWith(line, "{\"tree_head\":")) {
      std::optional<uint64_t> size = JsonNumber(line, "tree_size");
      ASSERT_TRUE(size.has_value()) << line;
      head_sizes.push_back(*size);
    }
  }
  EXPECT_EQ(entry_lines, all.size());
  EXPECT_GE(entry_lines, after.tree_size());

  {
    std::istringstream in(exported);
    ASSERT_OK_AND_ASSIGN(
        deliverylog::VerifyReport report,
        deliverylog::VerifyExportStream(in, net().KeysOf(kStockport), after));
    EXPECT_TRUE(report.ok) << report.problem;
    EXPECT_EQ(report.entries, entry_lines);
    EXPECT_EQ(report.tree_heads, head_sizes.size() + 1);  // + the trusted
    ASSERT_TRUE(report.latest_verified_head.has_value());
    EXPECT_GE(report.latest_verified_head->tree_size(), after.tree_size());
  }
  {
    // The same as a file.
    const std::string path = Scratch("stockport.log.jsonl");
    ASSERT_OK(WriteFileAtomically(path, exported, 0600));
    ASSERT_OK_AND_ASSIGN(deliverylog::VerifyReport report,
                         deliverylog::VerifyExportFile(
                             path, net().KeysOf(kStockport), std::nullopt));
    EXPECT_TRUE(report.ok) << report.problem;
  }
  {
    // Only Stockport's keys sign Stockport's heads.
    std::istringstream in(exported);
    ASSERT_OK_AND_ASSIGN(deliverylog::VerifyReport report,
                         deliverylog::VerifyExportStream(
                             in, net().KeysOf(kBirmingham), std::nullopt));
    EXPECT_FALSE(report.ok);
  }

  // One character of the SUBMITTED entry's detail flipped.
  const std::string submitted_line_marks[] = {
      "\"event\":\"LOG_EVENT_KIND_SUBMITTED\"",
      absl::StrCat("\"transfer_id\":\"", id, "\"")};
  size_t edited_line = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (absl::StrContains(lines[i], submitted_line_marks[0]) &&
        absl::StrContains(lines[i], submitted_line_marks[1])) {
      edited_line = i;
    }
  }
  ASSERT_GT(edited_line, 0u) << "no SUBMITTED line for " << id;
  std::string& line = lines[edited_line];
  const std::optional<uint64_t> n = JsonNumber(line, "index");
  ASSERT_TRUE(n.has_value()) << line;
  const std::string detail = "\"detail\":\"1 recipient(s)\"";
  const size_t at = line.find(detail);
  ASSERT_NE(at, std::string::npos) << line;
  line.replace(at, detail.size(), "\"detail\":\"2 recipient(s)\"");
  std::istringstream in(absl::StrJoin(lines, "\n"));
  ASSERT_OK_AND_ASSIGN(deliverylog::VerifyReport report,
                       deliverylog::VerifyExportStream(
                           in, net().KeysOf(kStockport), std::nullopt));
  EXPECT_FALSE(report.ok);
  ASSERT_TRUE(report.first_bad_index.has_value()) << report.problem;
  // An export keeps no leaf hashes, so the edit shows where the first head
  // over it no longer matches; the finding names the earliest entry that
  // may be wrong: the size of the last head still verified, which is the
  // head published just before the transfer.
  uint64_t last_good_head = 0;
  for (uint64_t s : head_sizes) {
    if (s <= *n) last_good_head = std::max(last_good_head, s);
  }
  EXPECT_EQ(*report.first_bad_index, last_good_head) << report.problem;
  EXPECT_LE(*report.first_bad_index, *n);
  EXPECT_GE(*report.first_bad_index, before.tree_size());
  EXPECT_EQ(*n, before.tree_size())
      << "nothing was logged between the head and the submission";
  EXPECT_TRUE(absl::StrContains(report.problem, "no longer match"))
      << report.problem;
}

TEST_F(LogTest, ListLogFiltersPagesAndRefusesBadArguments) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork());
  auto admin = Admin(kStockport);
  std::string to_birmingham;
  ASSERT_NO_FATAL_FAILURE(SendDelivered(kBirmingham, &to_birmingham));
  ASSERT_OK_AND_ASSIGN(const v1::SignedTreeHead old_head,
                       GetTreeHead(*admin, /*publish=*/true));
  std::string to_police;
  ASSERT_NO_FATAL_FAILURE(SendDelivered(kPolice, &to_police));
  ASSERT_OK_AND_ASSIGN(const std::string raw_birmingham,
                       FromHex(to_birmingham));
  ASSERT_OK_AND_ASSIGN(const std::string raw_police, FromHex(to_police));

  // Everything, in one page, then two at a time: each entry exactly once.
  v1::ListLogRequest everything;
  everything.set_page_size(1000);
  int pages = 0;
  ASSERT_OK_AND_ASSIGN(const std::vector<v1::LogEntry> all,
                       ListLogAll(*admin, everything, &pages));
  EXPECT_EQ(pages, 1);
  const uint64_t n = all.size();
  ASSERT_GE(n, 10u);
  for (uint64_t i = 0; i < n; ++i) ASSERT_EQ(all[i].index(), i);
  v1::ListLogRequest by_two;
  by_two.set_page_size(2);
  ASSERT_OK_AND_ASSIGN(const std::vector<v1::LogEntry> paged,
                       ListLogAll(*admin, by_two, &pages));
  EXPECT_EQ(Below(Indices(paged), n), Indices(all));
  std::set<uint64_t> distinct;
  for (const v1::LogEntry& e : paged) {
    EXPECT_TRUE(distinct.insert(e.index()).second) << "twice: " << e.index();
  }
  EXPECT_GE(static_cast<uint64_t>(pages), (n + 1) / 2);
  EXPECT_LE(static_cast<uint64_t>(pages), (n + 1) / 2 + 2);

  auto list = [&](const v1::ListLogRequest& filter) {
    absl::StatusOr<std::vector<v1::LogEntry>> got = ListLogAll(*admin, filter);
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? Below(Indices(*got), n) : std::vector<uint64_t>{};
  };
  {
    SCOPED_TRACE("by event kind");
    v1::ListLogRequest filter;
    filter.add_events(v1::LOG_EVENT_KIND_QUEUED);
    filter.add_events(v1::LOG_EVENT_KIND_RECEIPT_VERIFIED);
    const std::vector<uint64_t> want =
        IndicesWhere(all, [](const v1::LogEntry& e) {
          return e.event() == v1::LOG_EVENT_KIND_QUEUED ||
                 e.event() == v1::LOG_EVENT_KIND_RECEIPT_VERIFIED;
        });
    EXPECT_EQ(want.size(), 4u);
    EXPECT_EQ(list(filter), want);
  }
  {
    SCOPED_TRACE("by agency");
    v1::ListLogRequest filter;
    filter.set_agency(kPolice);
    const std::vector<uint64_t> want =
        IndicesWhere(all, [](const v1::LogEntry& e) {
          return e.sender() == kPolice || e.recipient() == kPolice;
        });
    EXPECT_GE(want.size(), 3u);
    EXPECT_EQ(list(filter), want);
    for (uint64_t i : want) EXPECT_EQ(all[i].transfer_id(), raw_police);
  }
  {
    SCOPED_TRACE("by agency and event kind");
    v1::ListLogRequest filter;
    filter.set_agency(kBirmingham);
    filter.add_events(v1::LOG_EVENT_KIND_RECEIPT_VERIFIED);
    const std::vector<uint64_t> got = list(filter);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(all[got[0]].transfer_id(), raw_birmingham);
  }
  {
    SCOPED_TRACE("by transfer id");
    v1::ListLogRequest filter;
    filter.set_transfer_id(to_birmingham);
    const std::vector<uint64_t> want =
        IndicesWhere(all, [&](const v1::LogEntry& e) {
          return e.transfer_id() == raw_birmingham;
        });
    EXPECT_EQ(want.size(), 5u);
    EXPECT_EQ(list(filter), want);
  }
  {
    SCOPED_TRACE("by time range");
    // From the second transfer's submission up to (not including) its
    // receipt: since <= time < until.
    std::vector<v1::LogEntry> second;
    for (const v1::LogEntry& e : all) {
      if (e.transfer_id() == raw_police) second.push_back(e);
    }
    ASSERT_EQ(Names(second),
              "SUBMITTED SEALED QUEUED SENT_TO_ROUTER RECEIPT_VERIFIED");
    const int64_t since = deliverylog::TimestampMicros(second.front().time());
    const int64_t until = deliverylog::TimestampMicros(second.back().time());
    ASSERT_LT(since, until);
    v1::ListLogRequest filter;
    *filter.mutable_since() = second.front().time();
    *filter.mutable_until() = second.back().time();
    const std::vector<uint64_t> want =
        IndicesWhere(all, [&](const v1::LogEntry& e) {
          const int64_t t = deliverylog::TimestampMicros(e.time());
          return since <= t && t < until;
        });
    EXPECT_FALSE(want.empty());
    EXPECT_EQ(list(filter), want);
    for (uint64_t i : want) EXPECT_NE(all[i].transfer_id(), raw_birmingham);
    // Since alone: to now.
    filter.clear_until();
    EXPECT_EQ(list(filter), IndicesWhere(all, [&](const v1::LogEntry& e) {
                return deliverylog::TimestampMicros(e.time()) >= since;
              }));
  }

  // Refused arguments.
  auto expect_invalid = [&](const std::string& what,
                            const v1::ListLogRequest& request) {
    SCOPED_TRACE(what);
    absl::StatusOr<v1::ListLogResponse> got = ListLogPage(*admin, request);
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument)
        << got.status();
  };
  {
    v1::ListLogRequest r;
    r.set_page_token("not-a-token");
    expect_invalid("a bad page token", r);
  }
  {
    v1::ListLogRequest r;
    r.mutable_events()->Add(999);
    expect_invalid("an unknown event number", r);
  }
  {
    v1::ListLogRequest r;
    r.set_page_size(5000);
    expect_invalid("page_size 5000", r);
  }
  for (const char* bad : {"not-hex", "0123456789abcdef0123456789abcdeg",
                          "0123456789abcdef0123456789abcd"}) {
    v1::ListLogRequest r;
    r.set_transfer_id(bad);
    expect_invalid(absl::StrCat("transfer id ", bad), r);
  }
  {
    v1::ListLogRequest r;
    r.set_agency("Not An Agency!");
    expect_invalid("a malformed agency", r);
  }

  // ShowTransferLog: an unknown transfer is NOT_FOUND, a malformed id
  // INVALID_ARGUMENT.
  absl::StatusOr<v1::ShowTransferLogResponse> unknown =
      ShowTransferLog(*admin, RandomHex(16));
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound)
      << unknown.status();
  absl::StatusOr<v1::ShowTransferLogResponse> malformed =
      ShowTransferLog(*admin, "1234");
  EXPECT_EQ(malformed.status().code(), absl::StatusCode::kInvalidArgument)
      << malformed.status();

  // Heads and proofs, checked here rather than trusted.
  ASSERT_OK_AND_ASSIGN(const v1::SignedTreeHead head,
                       GetTreeHead(*admin, /*publish=*/true));
  EXPECT_EQ(head.log_id(), kStockport);
  EXPECT_OK(deliverylog::VerifyTreeHead(head, net().KeysOf(kStockport)));
  EXPECT_OK(deliverylog::VerifyTreeHead(old_head, net().KeysOf(kStockport)));
  ASSERT_GE(head.tree_size(), n);
  ASSERT_LT(old_head.tree_size(), head.tree_size());
  ASSERT_OK_AND_ASSIGN(const v1::SignedTreeHead newest,
                       GetTreeHead(*admin, /*publish=*/false));
  EXPECT_EQ(newest.tree_size(), head.tree_size());
  EXPECT_EQ(newest.root_hash(), head.root_hash());
  for (uint64_t leaf : {uint64_t{0}, old_head.tree_size() - 1, n / 2, n - 1}) {
    SCOPED_TRACE(absl::StrCat("leaf ", leaf));
    ASSERT_OK_AND_ASSIGN(
        const v1::ProveLogResponse proved,
        ProveLog(*admin, leaf, head.tree_size(), old_head.tree_size()));
    EXPECT_EQ(proved.entry().index(), leaf);
    EXPECT_EQ(LeafHashOf(proved.entry()), LeafHashOf(all[leaf]));
    EXPECT_EQ(proved.inclusion().tree_size(), head.tree_size());
    EXPECT_OK(auditlog::VerifyInclusion(
        leaf, head.tree_size(), LeafHashOf(all[leaf]),
        PathOf(proved.inclusion()), head.root_hash()));
    EXPECT_FALSE(auditlog::VerifyInclusion(
                     leaf, head.tree_size(), LeafHashOf(all[(leaf + 1) % n]),
                     PathOf(proved.inclusion()), head.root_hash())
                     .ok());
    // The newer head extends the older one: nothing signed was changed.
    const v1::ConsistencyProof& consistency = proved.consistency();
    EXPECT_EQ(consistency.old_size(), old_head.tree_size());
    EXPECT_EQ(consistency.new_size(), head.tree_size());
    EXPECT_OK(auditlog::VerifyConsistency(
        old_head.tree_size(), head.tree_size(), old_head.root_hash(),
        head.root_hash(),
        {consistency.hashes().begin(), consistency.hashes().end()}));
  }
  // tree_size 0: against the newest head.
  ASSERT_OK_AND_ASSIGN(const v1::ProveLogResponse against_newest,
                       ProveLog(*admin, 1, 0));
  EXPECT_EQ(against_newest.inclusion().tree_size(), head.tree_size());
  EXPECT_OK(auditlog::VerifyInclusion(1, head.tree_size(), LeafHashOf(all[1]),
                                      PathOf(against_newest.inclusion()),
                                      head.root_hash()));
  for (uint64_t beyond : {head.tree_size(), head.tree_size() + 100}) {
    absl::StatusOr<v1::ProveLogResponse> refused = ProveLog(*admin, beyond, 0);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument)
        << "leaf " << beyond << ": " << refused.status();
  }

  ASSERT_OK_AND_ASSIGN(const v1::NodeInfo info, admin->GetNodeInfo());
  EXPECT_GT(info.log_size(), 0u);
  EXPECT_GE(info.log_size(), head.tree_size());
  EXPECT_EQ(info.log_failures(), 0u);
}

TEST_F(LogTest, RouterTransferLogIsOnlyForTheTransfersParties) {
  NetworkOptions options;
  options.listed_only = {kOutsider};
  ASSERT_NO_FATAL_FAILURE(StartNetwork(options));
  std::string id;
  ASSERT_NO_FATAL_FAILURE(SendDelivered(kBirmingham, &id));
  ASSERT_OK_AND_ASSIGN(const std::string raw_id, FromHex(id));
  const absl::Duration timeout = TestNetwork::CallTimeout();

  // The sender and the recipient may read it.
  for (const char* party : {kStockport, kBirmingham}) {
    SCOPED_TRACE(party);
    auto router = net().RouterAs(party);
    ASSERT_OK_AND_ASSIGN(const v1::GetTransferLogResponse log,
                         RouterTransferLog(*router, raw_id, timeout));
    ASSERT_GE(log.entries_size(), 2);
    EXPECT_EQ(log.entries(0).event(), v1::LOG_EVENT_KIND_ACCEPTED_BY_ROUTER);
    EXPECT_EQ(log.proofs_size(), log.entries_size());
    for (const v1::LogEntry& e : log.entries()) {
      EXPECT_EQ(e.transfer_id(), raw_id);
    }
    EXPECT_OK(
        deliverylog::VerifyTreeHead(log.tree_head(), net().KeysOf(kRouterId)));
  }
  // A listed agency that is neither may not; nor may a third node.
  for (const char* outsider : {kOutsider, kPolice}) {
    SCOPED_TRACE(outsider);
    auto router = net().RouterAs(outsider);
    absl::StatusOr<v1::GetTransferLogResponse> denied =
        RouterTransferLog(*router, raw_id, timeout);
    EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied)
        << denied.status();
    EXPECT_TRUE(
        absl::StrContains(denied.status().message(), "sender or a recipient"))
        << denied.status();
    // A transfer the router never logged is NOT_FOUND, the same to all.
    absl::StatusOr<v1::GetTransferLogResponse> unknown =
        RouterTransferLog(*router, *FromHex(RandomHex(16)), timeout);
    EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound)
        << unknown.status();
  }
  {
    auto router = net().RouterAs(kStockport);
    ASSERT_OK_AND_ASSIGN(const std::string unknown_id, FromHex(RandomHex(16)));
    absl::StatusOr<v1::GetTransferLogResponse> unknown =
        RouterTransferLog(*router, unknown_id, timeout);
    EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound)
        << unknown.status();
    absl::StatusOr<v1::GetTransferLogResponse> malformed =
        RouterTransferLog(*router, "abc", timeout);
    EXPECT_EQ(malformed.status().code(), absl::StatusCode::kInvalidArgument)
        << malformed.status();
  }
  // The third node's admin sees nothing of it: the router refuses, and the
  // node logged nothing.
  absl::StatusOr<v1::ShowTransferLogResponse> shown =
      ShowTransferLog(*Admin(kPolice), id);
  EXPECT_EQ(shown.status().code(), absl::StatusCode::kNotFound)
      << shown.status();
}

}  // namespace
}  // namespace handover::integration
