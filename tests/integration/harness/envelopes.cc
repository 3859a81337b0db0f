#include "harness/envelopes.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "casefile/case_file.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "harness/test_data.h"

namespace handover::integration {

absl::StatusOr<crypto::EnvelopeHeader> SealTestEnvelope(
    const crypto::SecretIdentity& sender,
    const std::vector<crypto::PublicIdentity>& recipients,
    absl::string_view reference, const std::string& out_path,
    absl::Duration time_to_live) {
  casefile::SealRequest request;
  request.bundle = MinimalBundle(reference);
  request.options.time_to_live = time_to_live;
  return casefile::SealCaseFile(sender, recipients, request, out_path);
}

absl::Status CorruptEnvelopeSignature(const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<InputFile> file, InputFile::Open(path));
  std::string prefix(crypto::kPrefixBytes, '\0');
  ASSIGN_OR_RETURN(size_t got, file->Read(prefix.data(), prefix.size()));
  if (got != prefix.size()) return absl::InvalidArgumentError("short file");
  ASSIGN_OR_RETURN(uint32_t header_length, crypto::ParsePrefix(prefix));
  const std::streamoff offset =
      static_cast<std::streamoff>(crypto::kPrefixBytes + header_length);
  std::fstream io(path, std::ios::in | std::ios::out | std::ios::binary);
  io.seekg(offset);
  char byte = 0;
  io.read(&byte, 1);
  byte ^= 1;
  io.seekp(offset);
  io.write(&byte, 1);
  if (!io) return absl::InternalError(absl::StrCat("rewrite ", path));
  return absl::OkStatus();
}

}  // namespace handover::integration
