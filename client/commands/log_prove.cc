// `handover log prove`: an inclusion proof for one entry, and optionally a
// consistency proof between two tree sizes (ProveLog), each checked here
// against a root the client trusts: the node's newest signed tree head
// (GetTreeHead), or one given on the command line.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "auditlog/merkle.h"
#include "cli_output.h"
#include "commands/log_common.h"
#include "commands/log_proofs.h"
#include "common/status_macros.h"
#include "log_format.h"

namespace handover::cli {
namespace {

namespace v1 = handover::v1;

struct ProveOptions {
  NodeConnectionOptions connection;
  uint64_t index = 0;
  uint64_t size = 0;      // 0: the newest head's size
  uint64_t old_size = 0;  // 0: no consistency proof
  std::string root;       // hex, for a --size that is not the newest head's
  std::string old_root;   // hex, the root of the tree of --old-size
  OutputFormat format = OutputFormat::kText;
};

// A root to check against, and where it came from.
struct Anchor {
  std::string root;  // 32 bytes
  std::string what;  // for people
};

// A root given with --root wins: it is one the user holds.
std::optional<Anchor> AnchorFor(const ProveOptions& o, uint64_t size,
                                const v1::SignedTreeHead& head) {
  if (!o.root.empty()) {
    return Anchor{RootHashBytes(o.root), absl::StrCat("the root of size ", size,
                                                      " given with --root")};
  }
  if (size == head.tree_size()) {
    return Anchor{head.root_hash(), absl::StrCat("the node's tree head of ",
                                                 TreeHeadSummary(head))};
  }
  return std::nullopt;
}

Json HashesJson(const google::protobuf::RepeatedPtrField<std::string>& h) {
  Json out = Json::array();
  for (const std::string& hash : h) out.push_back(HexBytes(hash));
  return out;
}

absl::Status CheckSizes(const ProveOptions& o, uint64_t size,
                        const v1::SignedTreeHead& head) {
  if (size > head.tree_size()) {
    return absl::FailedPreconditionError(
        absl::StrCat("--size ", size, " is beyond the newest tree head (size ",
                     head.tree_size(),
                     "); sign a newer one with `handover log head "
                     "--publish`"));
  }
  if (o.index >= size) {
    return absl::FailedPreconditionError(
        absl::StrCat("--index ", o.index, " is not in a log of size ", size));
  }
  if (o.old_size > size) {
    return absl::FailedPreconditionError(absl::StrCat(
        "--old-size ", o.old_size, " is larger than the tree size ", size));
  }
  return absl::OkStatus();
}

// Adds the inclusion rows; an error if the proof does not verify.
absl::Status ReportInclusion(const ProveOptions& o, uint64_t size,
                             const v1::ProveLogResponse& p,
                             const std::optional<Anchor>& anchor, Report* r) {
  if (p.entry().index() != o.index) {
    return absl::DataLossError(absl::StrCat("asked for entry ", o.index,
                                            ", the node sent entry ",
                                            p.entry().index()));
  }
  Json j = {{"tree_size", size},
            {"hashes", HashesJson(p.inclusion().hashes())},
            {"checked", anchor.has_value()}};
  if (!anchor.has_value()) {
    r->Row("inclusion",
           absl::StrCat("NOT CHECKED: no root for a tree of size ", size,
                        " is known here; pass --root HEX (from a tree head "
                        "of that size you hold) or leave out --size"));
    r->json["inclusion"] = std::move(j);
    return absl::OkStatus();
  }
  if (absl::Status s =
          CheckInclusion(p.entry(), p.inclusion(), size, anchor->root);
      !s.ok()) {
    return absl::DataLossError(absl::StrCat(
        "FAILED: the inclusion proof for entry ", o.index,
        " does not verify against ", anchor->what, ": ", s.message()));
  }
  r->Row("inclusion",
         absl::StrCat("proven: entry ", o.index, " is in the log of size ",
                      size, " (", p.inclusion().hashes_size(), " hashes)"));
  r->Row("", absl::StrCat("against ", anchor->what));
  j["root_hash"] = HexBytes(anchor->root);
  r->json["inclusion"] = std::move(j);
  return absl::OkStatus();
}

// Adds the consistency rows; an error if the proof does not verify.
absl::Status ReportConsistency(const ProveOptions& o, uint64_t size,
                               const v1::ProveLogResponse& p,
                               const std::optional<Anchor>& anchor, Report* r) {
  const v1::ConsistencyProof& c = p.consistency();
  if (c.old_size() != o.old_size || c.new_size() != size) {
    return absl::DataLossError(absl::StrCat(
        "asked for a consistency proof from size ", o.old_size, " to ", size,
        ", the node sent one from ", c.old_size(), " to ", c.new_size()));
  }
  const bool checkable = anchor.has_value() && !o.old_root.empty();
  Json j = {{"old_size", o.old_size},
            {"new_size", size},
            {"hashes", HashesJson(c.hashes())},
            {"checked", checkable}};
  if (!checkable) {
    r->Row("consistency",
           o.old_root.empty()
               ? absl::StrCat("NOT CHECKED: pass --old-root HEX (the root of "
                              "the tree head of size ",
                              o.old_size, " you hold)")
               : absl::StrCat("NOT CHECKED: no root for a tree of size ", size,
                              " is known here; pass --root HEX"));
    r->json["consistency"] = std::move(j);
    return absl::OkStatus();
  }
  const std::vector<std::string> proof(c.hashes().begin(), c.hashes().end());
  if (absl::Status s = auditlog::VerifyConsistency(
          o.old_size, size, RootHashBytes(o.old_root), anchor->root, proof);
      !s.ok()) {
    return absl::DataLossError(absl::StrCat("FAILED: the log of size ",
                                            o.old_size,
                                            " with the root given by "
                                            "--old-root is not a prefix of ",
                                            anchor->what, ": ", s.message()));
  }
  r->Row("consistency",
         absl::StrCat("proven: the log of size ", o.old_size,
                      " with the --old-root root is a prefix of the log of "
                      "size ",
                      size, ": nothing before entry ", o.old_size,
                      " was changed (", c.hashes_size(), " hashes)"));
  j["old_root_hash"] = o.old_root;
  j["root_hash"] = HexBytes(anchor->root);
  r->json["consistency"] = std::move(j);
  return absl::OkStatus();
}

absl::Status RunProve(const ProveOptions& o) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeConnection> node,
                   NodeConnection::Open(o.connection));
  ASSIGN_OR_RETURN(const v1::SignedTreeHead head,
                   FetchTreeHead(*node, /*publish=*/false));
  const uint64_t size = o.size != 0 ? o.size : head.tree_size();
  RETURN_IF_ERROR(CheckSizes(o, size, head));
  v1::ProveLogRequest request;
  request.set_leaf_index(o.index);
  request.set_tree_size(size);  // explicit: a newer head may appear meanwhile
  request.set_old_size(o.old_size);
  ASSIGN_OR_RETURN(
      const v1::ProveLogResponse proof,
      CallNode(*node, "ProveLog", &v1::Node::Stub::ProveLog, request));
  const std::optional<Anchor> anchor = AnchorFor(o, size, head);
  Report r;
  const std::vector<std::string> cells = LogTableRow(proof.entry());
  r.Row("entry", absl::StrCat(cells[0], " ", cells[2], " at ", cells[1]));
  r.Row("tree head", absl::StrCat(TreeHeadSummary(head), ", key id ",
                                  HexBytes(head.signer_key_id())));
  r.json["entry"] = LogEntryJson(proof.entry());
  r.json["tree_head"] = TreeHeadJson(head);
  RETURN_IF_ERROR(ReportInclusion(o, size, proof, anchor, &r));
  if (o.old_size != 0) {
    RETURN_IF_ERROR(ReportConsistency(o, size, proof, anchor, &r));
  }
  PrintReport(r, o.format);
  return absl::OkStatus();
}

}  // namespace

Command AddLogProveCommand(CLI::App* group) {
  CLI::App* app = group->add_subcommand(
      "prove",
      "Proves that an entry is in the delivery log: asks the node for the "
      "entry and its RFC 6962 inclusion proof, recomputes the entry's leaf "
      "hash and checks the proof against the node's newest signed tree "
      "head (or, with --size, a tree of that size: give its root with "
      "--root). With --old-size it also asks for a consistency proof that "
      "the log of that size is a prefix of today's, checked against the "
      "root you kept from then (--old-root, as `handover log head` printed "
      "it): nothing logged before was changed. A proof that does not "
      "verify exits 1. Needs a client with the admin role.");
  app->footer(
      "Example:\n"
      "  handover log prove --index 41 --old-size 40 \\\n"
      "      --old-root "
      "5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592 \\\n"
      "      --node 127.0.0.1:7401 --ca tls/ca.pem \\\n"
      "      --token-file tokens/stockport-cs/admin.token\n"
      "\n"
      "Exit status: 0 success, 1 failure (or a proof does not verify), 2 "
      "usage error.");
  auto o = std::make_shared<ProveOptions>();
  app->add_option("--index", o->index, "The entry's index in the log")
      ->required()
      ->check(CLI::NonNegativeNumber);
  CLI::Option* size =
      app->add_option("--size", o->size,
                      "Prove it in the log of this size (default: the newest "
                      "tree head's)")
          ->check(CLI::PositiveNumber);
  app->add_option("--root", o->root,
                  "The root hash of the log of --size, from a tree head you "
                  "hold")
      ->check(RootHashValidator())
      ->needs(size);
  CLI::Option* old_size =
      app->add_option("--old-size", o->old_size,
                      "Also prove the log of this size is a prefix of the "
                      "current one")
          ->check(CLI::PositiveNumber);
  app->add_option("--old-root", o->old_root,
                  "The root hash of the log of --old-size, from a tree head "
                  "you hold")
      ->check(RootHashValidator())
      ->needs(old_size);
  AddFormatOption(app, &o->format);
  AddNodeConnectionOptions(app, &o->connection);
  return {app, [o] { return RunProve(*o); }};
}

}  // namespace handover::cli
