#include "config/file_checks.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/posix_error.h"
#include "config/quoted.h"
#include "crypto/key_file.h"
#include "tls/certificate.h"
#include "tls/private_key.h"

namespace handover::config::internal {
namespace {

absl::Status CheckExists(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) == 0) return absl::OkStatus();
  if (errno == ENOENT) {
    return absl::NotFoundError(absl::StrCat(path, " does not exist"));
  }
  return PosixError(absl::StrCat("stat ", path), errno);
}

// Adds `status` (if not OK) and says whether it was OK.
bool Ok(absl::string_view what, const absl::Status& status,
        ProblemList* problems) {
  problems->AddStatus(what, status);
  return status.ok();
}

// Loads a certificate file and checks that its first certificate is
// current; adds a problem and returns nullopt if not.
std::optional<std::string> LoadCurrentCertificate(absl::string_view what,
                                                  const std::string& path,
                                                  absl::Time now,
                                                  ProblemList* problems) {
  if (!Ok(what, CheckExists(path), problems)) return std::nullopt;
  absl::StatusOr<std::string> pem = tls::LoadCertificateChainPem(path);
  if (!Ok(what, pem.status(), problems)) return std::nullopt;
  if (!Ok(absl::StrCat(what, ": ", path),
          tls::CheckCertificateCurrent(*pem, now), problems)) {
    return std::nullopt;
  }
  return std::move(pem).value();
}

std::optional<crypto::SecretBytes> LoadKey(absl::string_view what,
                                           const std::string& path,
                                           ProblemList* problems) {
  if (!Ok(what, CheckExists(path), problems)) return std::nullopt;
  absl::StatusOr<crypto::SecretBytes> key = tls::LoadPrivateKeyPem(path);
  if (!Ok(what, key.status(), problems)) return std::nullopt;
  return std::move(key).value();
}

// Loads the secret key in `dir` and checks that it is `agency_id`'s (if
// given); adds a problem and returns nullopt if not.
std::optional<crypto::SecretIdentity> LoadAgencyKey(
    absl::string_view what, const std::string& dir,
    const std::string& agency_id, ProblemList* problems) {
  if (!Ok(what, CheckExists(dir), problems)) return std::nullopt;
  absl::StatusOr<crypto::SecretIdentity> identity =
      crypto::LoadSecretIdentity(dir);
  if (!Ok(what, identity.status(), problems)) return std::nullopt;
  if (!agency_id.empty() && identity->agency_id() != agency_id) {
    problems->Add(0,
                  absl::StrCat(what, ": ", dir, " holds the key of agency ",
                               Quoted(identity->agency_id()), ", not ",
                               Quoted(agency_id)),
                  absl::StatusCode::kFailedPrecondition);
    return std::nullopt;
  }
  return std::move(identity).value();
}

bool IsWritableDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode) &&
         access(path.c_str(), W_OK | X_OK) == 0;
}

// The closest ancestor of the missing `path` that exists.
std::string NearestExistingAncestor(const std::string& path) {
  std::error_code error;
  std::filesystem::path dir =
      std::filesystem::absolute(path, error).parent_path();
  while (!std::filesystem::exists(dir, error) && dir != dir.parent_path()) {
    dir = dir.parent_path();
  }
  return dir.string();
}

}  // namespace

void CheckTlsKeyPair(absl::string_view table, const std::string& cert_path,
                     const std::string& key_path, absl::Time now,
                     ProblemList* problems) {
  std::string cert_what = absl::StrCat(table, " tls_cert");
  std::string key_what = absl::StrCat(table, " tls_key");
  std::optional<std::string> cert;
  std::optional<crypto::SecretBytes> key;
  if (!cert_path.empty()) {
    cert = LoadCurrentCertificate(cert_what, cert_path, now, problems);
  }
  if (!key_path.empty()) key = LoadKey(key_what, key_path, problems);
  if (!cert || !key) return;
  absl::Status match = tls::CheckKeyMatchesCertificate(*cert, key->view());
  if (!match.ok()) {
    problems->Add(
        0,
        absl::StrCat(key_what, " ", key_path, " does not match ", cert_what,
                     " ", cert_path, ": ", match.message()),
        absl::StatusCode::kFailedPrecondition);
  }
}

void CheckCaFile(absl::string_view what, const std::string& path,
                 absl::Time now, ProblemList* problems) {
  if (path.empty()) return;
  LoadCurrentCertificate(what, path, now, problems);
}

void CheckAgencyKeyDir(absl::string_view what, const std::string& dir,
                       const std::string& agency_id, ProblemList* problems) {
  if (dir.empty()) return;
  LoadAgencyKey(what, dir, agency_id, problems);
}

void CheckPreviousKeyDirs(absl::string_view what,
                          const std::vector<std::string>& dirs,
                          const std::string& current_dir,
                          const std::string& agency_id, ProblemList* problems) {
  // Encryption key ids seen so far, and how a repeat is explained. A
  // broken key_dir has already been reported, so it is simply left out.
  std::vector<std::pair<std::string, std::string>> seen;
  if (!current_dir.empty()) {
    absl::StatusOr<crypto::SecretIdentity> current =
        crypto::LoadSecretIdentity(current_dir);
    if (current.ok()) {
      seen.emplace_back(current->public_identity().box_key_id(),
                        "[node] key_dir; list only earlier keys here");
    }
  }
  for (const std::string& dir : dirs) {
    std::optional<crypto::SecretIdentity> identity =
        LoadAgencyKey(what, dir, agency_id, problems);
    if (!identity) continue;
    const std::string key_id = identity->public_identity().box_key_id();
    auto repeat = std::find_if(seen.begin(), seen.end(), [&](const auto& s) {
      return s.first == key_id;
    });
    if (repeat != seen.end()) {
      problems->Add(0,
                    absl::StrCat(what, ": ", dir, " holds the same key as ",
                                 repeat->second),
                    absl::StatusCode::kFailedPrecondition);
      continue;
    }
    seen.emplace_back(key_id, absl::StrCat(dir, ", listed before it"));
  }
}

void CheckTrustRoot(absl::string_view what, const std::string& path,
                    ProblemList* problems) {
  if (path.empty()) return;
  if (!Ok(what, CheckExists(path), problems)) return;
  Ok(what, crypto::LoadPublicIdentity(path).status(), problems);
}

void CheckReadableFile(absl::string_view what, const std::string& path,
                       ProblemList* problems) {
  if (path.empty()) return;
  if (!Ok(what, CheckExists(path), problems)) return;
  Ok(what, InputFile::Open(path).status(), problems);
}

void CheckDataDir(absl::string_view what, const std::string& path,
                  ProblemList* problems) {
  if (path.empty()) return;
  std::error_code error;
  if (std::filesystem::exists(path, error)) {
    if (!std::filesystem::is_directory(path, error)) {
      problems->Add(0, absl::StrCat(what, ": ", path, " is not a directory"),
                    absl::StatusCode::kFailedPrecondition);
    } else if (!IsWritableDirectory(path)) {
      problems->Add(0, absl::StrCat(what, ": ", path, " is not writable"),
                    absl::StatusCode::kPermissionDenied);
    }
    return;
  }
  std::string ancestor = NearestExistingAncestor(path);
  if (!IsWritableDirectory(ancestor)) {
    problems->Add(
        0,
        absl::StrCat(what, ": ", path, " does not exist, and ", ancestor,
                     " is not a writable directory to create it in"),
        absl::StatusCode::kPermissionDenied);
  }
}

}  // namespace handover::config::internal
