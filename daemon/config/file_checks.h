// Internal to daemon/config: checks of the files a config names. Each
// function adds one line per problem to `problems`, labelled with where
// the path came from (e.g. "[listen] tls_cert"), and skips empty paths,
// which the parser has already reported. Secret keys are read to check them
// and wiped; they are never quoted in a message.
#ifndef HANDOVER_CONFIG_FILE_CHECKS_H_
#define HANDOVER_CONFIG_FILE_CHECKS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "config/problems.h"

namespace handover::config::internal {

// The certificate `table` tls_cert and private key `table` tls_key: each
// exists, the certificate is current at `now`, the key has mode 0600 and
// the two match. `table` is a label such as "[listen]".
void CheckTlsKeyPair(absl::string_view table, const std::string& cert_path,
                     const std::string& key_path, absl::Time now,
                     ProblemList* problems);

// A CA file: exists and holds at least one current certificate.
void CheckCaFile(absl::string_view what, const std::string& path,
                 absl::Time now, ProblemList* problems);

// An agency key directory whose secret key has mode 0600 and belongs to
// `agency_id` (not checked if `agency_id` is empty).
void CheckAgencyKeyDir(absl::string_view what, const std::string& dir,
                       const std::string& agency_id, ProblemList* problems);

// Key directories of the same agency's earlier keys (`what` labels them,
// e.g. "[node] previous_key_dirs"): each is checked as CheckAgencyKeyDir,
// and none may hold the encryption key of `current_dir` or of an earlier
// entry, since a reader picks the key by its id.
void CheckPreviousKeyDirs(absl::string_view what,
                          const std::vector<std::string>& dirs,
                          const std::string& current_dir,
                          const std::string& agency_id, ProblemList* problems);

// A public key file (the directory authority's trust root).
void CheckTrustRoot(absl::string_view what, const std::string& path,
                    ProblemList* problems);

// A readable regular file.
void CheckReadableFile(absl::string_view what, const std::string& path,
                       ProblemList* problems);

// A writable directory, or a missing one whose nearest existing ancestor
// is a writable directory (the daemon creates it).
void CheckDataDir(absl::string_view what, const std::string& path,
                  ProblemList* problems);

}  // namespace handover::config::internal

#endif  // HANDOVER_CONFIG_FILE_CHECKS_H_
