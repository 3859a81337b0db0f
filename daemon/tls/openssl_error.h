// The one translator from OpenSSL failures to absl::Status, in the manner of
// LevelDB's PosixError(). Only daemon/tls includes OpenSSL headers.
#ifndef HANDOVER_TLS_OPENSSL_ERROR_H_
#define HANDOVER_TLS_OPENSSL_ERROR_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace handover::tls {

// Drains this thread's OpenSSL error queue into one line, "`what`: reason;
// reason", so no stale error is left to confuse a later call. The code is
// ResourceExhausted if OpenSSL ran out of memory and InvalidArgument
// otherwise, as the inputs here are files an operator supplied. The reasons
// are OpenSSL's short texts; they never contain key material.
absl::Status OpenSslError(absl::string_view what);

}  // namespace handover::tls

#endif  // HANDOVER_TLS_OPENSSL_ERROR_H_
