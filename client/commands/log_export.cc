// `handover log export`: the node's whole delivery log with its signed tree
// heads, as an export file (ExportLog), for archiving and for an inspector
// to verify offline with `handover log verify --file`.
#include <sys/stat.h>

#include <cerrno>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cli_output.h"
#include "commands/log_common.h"
#include "common/file_util.h"
#include "common/status_macros.h"

namespace handover::cli {
namespace {

namespace v1 = handover::v1;

struct ExportOptions {
  NodeConnectionOptions connection;
  std::string out;
  bool force = false;
  OutputFormat format = OutputFormat::kText;
};

// Counts an export's lines by kind as its bytes stream past, in chunks
// that may split a line anywhere (deliverylog/log_export_json.h: each line
// is {"entry":...} or {"tree_head":...} after the header).
class LineCounter {
 public:
  void Add(absl::string_view bytes) {
    for (char c : bytes) {
      if (c == '\n') {
        Classify();
        start_.clear();
        continue;
      }
      if (start_.size() < kPrefixBytes) start_.push_back(c);
    }
  }
  uint64_t entries() const { return entries_; }
  uint64_t tree_heads() const { return tree_heads_; }

 private:
  static constexpr size_t kPrefixBytes = 16;
  void Classify() {
    if (absl::StartsWith(start_, "{\"entry\":")) ++entries_;
    if (absl::StartsWith(start_, "{\"tree_head\":")) ++tree_heads_;
  }
  std::string start_;
  uint64_t entries_ = 0;
  uint64_t tree_heads_ = 0;
};

absl::Status RefuseExisting(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0) {
    return absl::AlreadyExistsError(
        absl::StrCat(path, " already exists; pass --force to replace it"));
  }
  if (errno != ENOENT) {
    return absl::UnavailableError(absl::StrCat("cannot check ", path));
  }
  return absl::OkStatus();
}

absl::Status RunExport(const ExportOptions& o) {
  if (!o.force) RETURN_IF_ERROR(RefuseExisting(o.out));
  ASSIGN_OR_RETURN(std::unique_ptr<NodeConnection> node,
                   NodeConnection::Open(o.connection));
  // Written under a temporary name and renamed only once the whole stream
  // has arrived: a failed or interrupted export leaves nothing behind.
  ASSIGN_OR_RETURN(std::unique_ptr<AtomicFile> file,
                   NameFile(AtomicFile::Create(o.out, 0600), {o.out}));
  grpc::ClientContext context;
  node->Prepare(&context, kStreamDeadline);
  CancelOnInterrupt cancel(&context);
  std::unique_ptr<grpc::ClientReader<v1::ExportLogChunk>> reader =
      node->stub().ExportLog(&context, v1::ExportLogRequest());
  v1::ExportLogChunk chunk;
  uint64_t bytes = 0;
  LineCounter lines;
  absl::Status written;
  while (written.ok() && reader->Read(&chunk)) {
    written = NameFile(file->Append(chunk.data()), {o.out});
    bytes += chunk.data().size();
    lines.Add(chunk.data());
  }
  if (!written.ok()) {
    context.TryCancel();
    reader->Finish();
    return written;
  }
  const grpc::Status status = reader->Finish();
  if (!status.ok()) {
    if (Interrupted()) return absl::CancelledError("interrupted");
    return DescribeRpcError(status, "ExportLog", node->address());
  }
  if (bytes == 0) {
    return absl::DataLossError(
        absl::StrCat("the node at ", node->address(), " sent an empty export"));
  }
  RETURN_IF_ERROR(NameFile(file->Commit(), {o.out}));
  Report r;
  r.Row("wrote", absl::StrCat(o.out, " (mode 0600)"));
  r.Row("entries", absl::StrCat(lines.entries()));
  r.Row("tree heads", absl::StrCat(lines.tree_heads()));
  r.Row("bytes", FormatSize(bytes));
  r.json = Json{{"file", o.out},
                {"entries", lines.entries()},
                {"tree_heads", lines.tree_heads()},
                {"bytes", bytes}};
  PrintReport(r, o.format);
  return absl::OkStatus();
}

}  // namespace

Command AddLogExportCommand(CLI::App* group) {
  CLI::App* app = group->add_subcommand(
      "export",
      "Saves the node's whole delivery log with every signed tree head as "
      "an export file (JSON Lines, docs/LOG.md), for archiving or for an "
      "inspector, who checks it offline with `handover log verify --file`. "
      "The file is written under a temporary name and renamed into place "
      "only when complete (mode 0600: it names agencies and transfers). "
      "Refuses to replace an existing file unless --force. Needs a client "
      "with the admin role.");
  app->footer(
      "Example:\n"
      "  handover log export --out stockport-log-2026-06.jsonl \\\n"
      "      --node 127.0.0.1:7401 --ca tls/ca.pem \\\n"
      "      --token-file tokens/stockport-cs/admin.token\n"
      "\n"
      "Exit status: 0 success, 1 failure, 2 usage error.");
  auto o = std::make_shared<ExportOptions>();
  app->add_option("--out", o->out, "The export file to write")->required();
  app->add_flag("--force", o->force, "Replace --out if it exists");
  AddFormatOption(app, &o->format);
  AddNodeConnectionOptions(app, &o->connection);
  return {app, [o] { return RunExport(*o); }};
}

}  // namespace handover::cli
