#include "deliverylog/log_export.h"

#include <sys/stat.h>

#include <cerrno>
#include <fstream>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/posix_error.h"
#include "common/status_macros.h"
#include "deliverylog/log_entry_codec.h"
#include "deliverylog/log_export_json.h"

namespace handover::deliverylog {
namespace {

namespace v1 = handover::v1;

// Lines go out in blocks, not one write each.
class LineWriter {
 public:
  explicit LineWriter(AtomicFile& file) : file_(file) {}
  absl::Status Line(absl::string_view line) {
    absl::StrAppend(&buffer_, line, "\n");
    if (buffer_.size() < kBlockBytes) return absl::OkStatus();
    return Flush();
  }
  absl::Status Flush() {
    absl::Status s = file_.Append(buffer_);
    buffer_.clear();
    return s;
  }

 private:
  static constexpr size_t kBlockBytes = 64 * 1024;
  AtomicFile& file_;
  std::string buffer_;
};

// Reads an export line by line: the header, the entries, then the heads,
// each line within kMaxExportLineBytes.
class ExportReader {
 public:
  explicit ExportReader(std::istream& in)
      : in_(in), buffer_(kMaxExportLineBytes + 1) {}

  absl::Status ReadHeader() {
    ASSIGN_OR_RETURN(std::optional<ExportLine> line, ReadLine());
    if (!line.has_value()) return LineError("the export is empty");
    if (line->kind != ExportLine::Kind::kHeader) {
      return LineError("the first line must be the header");
    }
    log_id_ = std::move(line->log_id);
    return absl::OkStatus();
  }

  const std::string& log_id() const { return log_id_; }

  absl::StatusOr<bool> NextEntry(v1::LogEntry* entry) {
    if (in_heads_) return false;
    ASSIGN_OR_RETURN(std::optional<ExportLine> line, ReadLine());
    if (!line.has_value()) return false;
    if (line->kind == ExportLine::Kind::kTreeHead) {
      RETURN_IF_ERROR(CheckHeadOrder(line->head));
      pending_head_ = std::move(line->head);
      in_heads_ = true;
      return false;
    }
    if (line->kind != ExportLine::Kind::kEntry) {
      return LineError("only the first line may be a header");
    }
    *entry = std::move(line->entry);
    return true;
  }

  absl::StatusOr<bool> NextHead(v1::SignedTreeHead* head) {
    if (pending_head_.has_value()) {
      *head = *std::move(pending_head_);
      pending_head_.reset();
      return true;
    }
    ASSIGN_OR_RETURN(std::optional<ExportLine> line, ReadLine());
    if (!line.has_value()) return false;
    if (line->kind != ExportLine::Kind::kTreeHead) {
      return LineError("after the first tree head only tree heads may follow");
    }
    RETURN_IF_ERROR(CheckHeadOrder(line->head));
    *head = std::move(line->head);
    return true;
  }

 private:
  absl::Status LineError(absl::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", line_number_, ": ", what));
  }

  // The writer lists heads by (tree_size, time); anything else was moved.
  absl::Status CheckHeadOrder(const v1::SignedTreeHead& head) {
    const std::pair<uint64_t, int64_t> key = {
        head.tree_size(), TimestampMicros(head.timestamp())};
    if (last_head_.has_value() && key < *last_head_) {
      return LineError("the tree heads are not in order of size and time");
    }
    last_head_ = key;
    return absl::OkStatus();
  }

  // The next line parsed, or nullopt at the end of the input.
  absl::StatusOr<std::optional<ExportLine>> ReadLine() {
    if (in_.peek() == std::char_traits<char>::eof()) {
      if (in_.bad()) return absl::DataLossError("the export cannot be read");
      return std::nullopt;
    }
    if (++line_number_ > kMaxExportLines) {
      return LineError(
          absl::StrCat("an export holds at most ", kMaxExportLines, " lines"));
    }
    // getline stores at most size - 1 bytes; a longer line sets failbit.
    in_.getline(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    const std::streamsize extracted = in_.gcount();
    if (in_.bad()) return absl::DataLossError("the export cannot be read");
    if (in_.eof()) return LineError("the line does not end with a newline");
    if (in_.fail()) {
      return LineError(absl::StrCat("the line is longer than ",
                                    kMaxExportLineBytes, " bytes"));
    }
    // `extracted` counts the newline, which is not stored.
    absl::StatusOr<ExportLine> line = ParseExportLine(
        absl::string_view(buffer_.data(), static_cast<size_t>(extracted) - 1));
    if (!line.ok()) return LineError(line.status().message());
    return *std::move(line);
  }

  std::istream& in_;
  std::vector<char> buffer_;
  uint64_t line_number_ = 0;
  std::string log_id_;
  bool in_heads_ = false;
  std::optional<v1::SignedTreeHead> pending_head_;
  std::optional<std::pair<uint64_t, int64_t>> last_head_;
};

class ExportEntries final : public EntrySource {
 public:
  explicit ExportEntries(ExportReader& reader) : reader_(reader) {}
  absl::StatusOr<bool> Next(v1::LogEntry* entry,
                            std::optional<std::string>* stored) override {
    stored->reset();  // an export keeps no leaf hashes
    return reader_.NextEntry(entry);
  }

 private:
  ExportReader& reader_;
};

class ExportHeads final : public TreeHeadSource {
 public:
  explicit ExportHeads(ExportReader& reader) : reader_(reader) {}
  absl::StatusOr<bool> Next(v1::SignedTreeHead* head) override {
    return reader_.NextHead(head);
  }

 private:
  ExportReader& reader_;
};

absl::Status CheckExists(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) return absl::OkStatus();
  if (errno == ENOENT) {
    return absl::NotFoundError(absl::StrCat("no log export at ", path));
  }
  return PosixError(absl::StrCat("stat ", path), errno);
}

}  // namespace

absl::Status WriteExport(const std::string& db_path,
                         const std::string& out_path) {
  ASSIGN_OR_RETURN(std::unique_ptr<LogDatabaseReader> reader,
                   LogDatabaseReader::Open(db_path));
  ASSIGN_OR_RETURN(std::unique_ptr<EntrySource> entries, reader->Entries());
  ASSIGN_OR_RETURN(std::unique_ptr<TreeHeadSource> heads, reader->TreeHeads());
  ASSIGN_OR_RETURN(std::unique_ptr<AtomicFile> file,
                   AtomicFile::Create(out_path, 0600));
  LineWriter out(*file);
  RETURN_IF_ERROR(out.Line(ExportHeaderLine(reader->log_id())));
  v1::LogEntry entry;
  std::optional<std::string> leaf_hash;
  while (true) {
    ASSIGN_OR_RETURN(bool more, entries->Next(&entry, &leaf_hash));
    if (!more) break;
    RETURN_IF_ERROR(out.Line(ExportEntryLine(entry)));
  }
  v1::SignedTreeHead head;
  while (true) {
    ASSIGN_OR_RETURN(bool more, heads->Next(&head));
    if (!more) break;
    RETURN_IF_ERROR(out.Line(ExportTreeHeadLine(head)));
  }
  RETURN_IF_ERROR(out.Flush());
  return file->Commit();
}

absl::StatusOr<VerifyReport> VerifyExportStream(
    std::istream& in, const std::vector<crypto::PublicIdentity>& keys,
    const std::optional<v1::SignedTreeHead>& trusted_head) {
  ExportReader reader(in);
  RETURN_IF_ERROR(reader.ReadHeader());
  ExportEntries entries(reader);
  ExportHeads heads(reader);
  return VerifyEntries(reader.log_id(), entries, heads, keys, trusted_head);
}

absl::StatusOr<VerifyReport> VerifyExportFile(
    const std::string& path, const std::vector<crypto::PublicIdentity>& keys,
    const std::optional<v1::SignedTreeHead>& trusted_head) {
  RETURN_IF_ERROR(CheckExists(path));
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::UnavailableError(absl::StrCat("cannot open ", path));
  }
  absl::StatusOr<VerifyReport> report =
      VerifyExportStream(in, keys, trusted_head);
  if (!report.ok()) {
    return absl::Status(
        report.status().code(),
        absl::StrCat("log export ", path, ": ", report.status().message()));
  }
  return report;
}

}  // namespace handover::deliverylog
