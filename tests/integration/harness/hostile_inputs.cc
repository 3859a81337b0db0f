#include "harness/hostile_inputs.h"

#include <filesystem>
#include <iostream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "casefile/case_file.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "harness/node_client.h"
#include "harness/test_data.h"
#include "rpc/tls_credentials.h"
#include "sqlite/sqlite_db.h"

namespace handover::integration {
namespace {

namespace v1 = handover::v1;
constexpr size_t kPartBytes = 1 << 20;
constexpr uint64_t kMaxTestEnvelopeBytes = 64 << 20;
// The delivery log's event number for a refusal (LOG_EVENT_KIND_REJECTED).
constexpr int kRejectedEvent = 15;

absl::StatusOr<int64_t> CountRows(sqlite::SqliteDb& db, absl::string_view sql) {
  ASSIGN_OR_RETURN(sqlite::Statement statement, db.Prepare(sql));
  ASSIGN_OR_RETURN(bool row, statement.Step());
  if (!row) return absl::InternalError(absl::StrCat("no row from ", sql));
  return statement.ColumnInt(0);
}

// Files anywhere under `dir` (temporaries included); 0 if it is missing.
int64_t CountFiles(const std::string& dir) {
  std::error_code error;
  int64_t count = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, error);
       !error && it != std::filesystem::recursive_directory_iterator();
       it.increment(error)) {
    if (it->is_regular_file(error)) ++count;
  }
  return count;
}

// Adds "PREFIX TABLE" for each table of the database at `path`.
absl::Status CountTables(const std::string& path, const std::string& prefix,
                         const std::vector<std::string>& tables,
                         StoreCounts* out) {
  ASSIGN_OR_RETURN(std::unique_ptr<sqlite::SqliteDb> db,
                   sqlite::SqliteDb::Open(path));
  for (const std::string& table : tables) {
    ASSIGN_OR_RETURN(
        out->counts[prefix + " " + table],
        CountRows(*db, absl::StrCat("SELECT count(*) FROM ", table)));
  }
  return absl::OkStatus();
}

// Delivery-log entries other than refusals; returns the refusals.
absl::StatusOr<int64_t> CountLog(const std::string& path,
                                 const std::string& prefix, StoreCounts* out) {
  ASSIGN_OR_RETURN(std::unique_ptr<sqlite::SqliteDb> db,
                   sqlite::SqliteDb::Open(path));
  ASSIGN_OR_RETURN(
      out->counts[prefix + " log entries (refusals aside)"],
      CountRows(*db, absl::StrCat("SELECT count(*) FROM log_entries WHERE "
                                  "event != ",
                                  kRejectedEvent)));
  return CountRows(*db, absl::StrCat("SELECT count(*) FROM log_entries WHERE "
                                     "event = ",
                                     kRejectedEvent));
}

}  // namespace

std::string StoreCounts::ChangesTo(const StoreCounts& after) const {
  std::string changes;
  for (const auto& [name, count] : after.counts) {
    auto it = counts.find(name);
    const int64_t before = it == counts.end() ? 0 : it->second;
    if (before != count) {
      absl::StrAppend(&changes, name, ": ", before, " -> ", count, "\n");
    }
  }
  return changes;
}

absl::StatusOr<StoreCounts> CountStores(TestNetwork& net) {
  StoreCounts out;
  const std::string router = net.RouterDataDir();
  RETURN_IF_ERROR(CountTables(router + "/router.sqlite", "router",
                              {"envelopes", "items", "withdrawn_transfers"},
                              &out));
  out.counts["router spool files"] = CountFiles(router + "/spool");
  ASSIGN_OR_RETURN(out.router_refusals,
                   CountLog(router + "/log.db", "router", &out));
  for (const std::string& id : net.node_ids()) {
    if (!net.node_process(id).Running()) continue;
    const std::string dir = net.NodeDataDir(id);
    RETURN_IF_ERROR(CountTables(dir + "/node.db", id,
                                {"outbox_transfers", "outbox_recipients",
                                 "inbox", "outgoing_notices", "moves"},
                                &out));
    out.counts[id + " outbox files"] = CountFiles(dir + "/outbox");
    out.counts[id + " inbox files"] = CountFiles(dir + "/inbox");
    // A node records refusals of what the router pushed; none is expected
    // from input given to the router or the local API, so they count too.
    ASSIGN_OR_RETURN(int64_t refusals, CountLog(dir + "/log.db", id, &out));
    out.counts[id + " log refusals"] = refusals;
  }
  return out;
}

absl::StatusOr<StoreCounts> CountStoresWhenQuiet(TestNetwork& net,
                                                 absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  ASSIGN_OR_RETURN(StoreCounts last, CountStores(net));
  while (absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(500));
    ASSIGN_OR_RETURN(StoreCounts now, CountStores(net));
    if (last.ChangesTo(now).empty() &&
        last.router_refusals == now.router_refusals) {
      return now;
    }
    last = std::move(now);
  }
  return absl::DeadlineExceededError("the stores kept changing");
}

std::shared_ptr<grpc::Channel> UnlimitedChannel(TestNetwork& net,
                                                const std::string& address,
                                                absl::string_view cert_name) {
  rpc::ClientTlsFiles files;
  files.ca_path = net.CaPath();
  if (!cert_name.empty()) {
    files.cert_path = net.CertPath(cert_name);
    files.key_path = net.KeyPath(cert_name);
  }
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      rpc::MakeChannelCredentials(files);
  if (!credentials.ok()) {
    // A channel that fails every call, with the reason in the log.
    std::cerr << "channel credentials: " << credentials.status() << "\n";
    return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  }
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(-1);
  args.SetMaxReceiveMessageSize(-1);
  return grpc::CreateCustomChannel(address, *credentials, args);
}

absl::StatusOr<RawEnvelope> ReadRawEnvelope(const std::string& path) {
  ASSIGN_OR_RETURN(std::string bytes,
                   ReadFileBounded(path, kMaxTestEnvelopeBytes));
  RawEnvelope e;
  if (bytes.size() < crypto::kPrefixBytes) {
    return absl::InvalidArgumentError("short envelope");
  }
  ASSIGN_OR_RETURN(uint32_t header_length,
                   crypto::ParsePrefix(bytes.substr(0, crypto::kPrefixBytes)));
  size_t at = crypto::kPrefixBytes + header_length;
  e.signed_header = bytes.substr(0, at);
  ASSIGN_OR_RETURN(e.header, crypto::ParseHeader(e.signed_header));
  e.signature = bytes.substr(at, crypto::kSignatureBytes);
  at += crypto::kSignatureBytes;
  for (size_t i = 0; i < e.header.recipients.size(); ++i) {
    e.wrapped_keys.push_back(bytes.substr(at, crypto::kWrappedKeyBytes));
    at += crypto::kWrappedKeyBytes;
  }
  if (at > bytes.size()) return absl::InvalidArgumentError("cut short");
  e.ciphertext = bytes.substr(at);
  return e;
}

absl::Status ReplaceSignedHeader(RawEnvelope* envelope) {
  ASSIGN_OR_RETURN(envelope->signed_header,
                   crypto::SerializeHeader(envelope->header));
  return absl::OkStatus();
}

absl::StatusOr<RawEnvelope> SealRawEnvelope(
    const crypto::SecretIdentity& sender,
    const std::vector<crypto::PublicIdentity>& recipients,
    absl::string_view reference, const crypto::SealOptions& options,
    const std::string& scratch_path) {
  casefile::SealRequest request;
  request.bundle = MinimalBundle(reference);
  request.options = options;
  RETURN_IF_ERROR(
      casefile::SealCaseFile(sender, recipients, request, scratch_path)
          .status());
  return ReadRawEnvelope(scratch_path);
}

std::vector<v1::EnvelopePart> PartsOf(const RawEnvelope& envelope) {
  std::vector<v1::EnvelopePart> parts(1);
  v1::EnvelopeHead* head = parts[0].mutable_head();
  head->set_signed_header(envelope.signed_header);
  head->set_signature(envelope.signature);
  for (const std::string& key : envelope.wrapped_keys) {
    head->add_wrapped_keys(key);
  }
  for (size_t at = 0; at < envelope.ciphertext.size(); at += kPartBytes) {
    parts.emplace_back().mutable_ciphertext()->set_data(
        envelope.ciphertext.substr(at, kPartBytes));
  }
  return parts;
}

absl::StatusOr<v1::SubmitEnvelopeResponse> UploadParts(
    RouterClient& router, const std::vector<v1::EnvelopePart>& parts,
    absl::Duration timeout) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  v1::SubmitEnvelopeResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::EnvelopePart>> writer =
      router.stub().SubmitEnvelope(&context, &response);
  bool open = true;
  for (const v1::EnvelopePart& part : parts) {
    if (!(open = writer->Write(part))) break;
  }
  if (open) writer->WritesDone();
  RETURN_IF_ERROR(FromGrpc(writer->Finish()));
  return response;
}

}  // namespace handover::integration
