// Exporting a delivery log for people outside the daemon (an auditor, an
// inspectorate) as JSON Lines (log_export_json.h), and verifying such an
// export offline with exactly the checks `handover log verify` runs on the
// database (log_verifier.h). An untouched export verifies; any edit to an
// entry or head line is found as it would be in the database.
//
// Free functions; thread-safe.
#ifndef HANDOVER_DELIVERYLOG_LOG_EXPORT_H_
#define HANDOVER_DELIVERYLOG_LOG_EXPORT_H_

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "crypto/identity.h"
#include "deliverylog/log_verifier.h"
#include "handover/v1/log.pb.h"

namespace handover::deliverylog {

// Bounds on what a reader accepts, checked before parsing: a line (without
// its newline), and the lines in all. A verifier keeps about 64 bytes per
// entry, so the line bound also bounds its memory (about 2 GiB).
inline constexpr size_t kMaxExportLineBytes = 16 * 1024;
inline constexpr uint64_t kMaxExportLines = uint64_t{1} << 25;

// Writes the log database at `db_path` (entries in index order, then tree
// heads in size order) to `out_path` through a temporary file renamed into
// place, mode 0600. Errors as LogDatabaseReader::Open, or from the file.
absl::Status WriteExport(const std::string& db_path,
                         const std::string& out_path);

// Reads an export and verifies it as VerifyEntries does. InvalidArgument,
// naming the line, if it is not a well-formed export: a line that is not
// JSON, too long or not newline-terminated; an unknown or repeated field
// or one of the wrong type; a header that is not first or not alone;
// an entry after a tree head, or heads out of size order; more than
// kMaxExportLines lines. Tamper findings are in the report.
absl::StatusOr<VerifyReport> VerifyExportStream(
    std::istream& in, const std::vector<crypto::PublicIdentity>& keys,
    const std::optional<handover::v1::SignedTreeHead>& trusted_head);

// VerifyExportStream over the file at `path` (NotFound if there is none),
// with the file named in errors.
absl::StatusOr<VerifyReport> VerifyExportFile(
    const std::string& path, const std::vector<crypto::PublicIdentity>& keys,
    const std::optional<handover::v1::SignedTreeHead>& trusted_head);

}  // namespace handover::deliverylog

#endif  // HANDOVER_DELIVERYLOG_LOG_EXPORT_H_
