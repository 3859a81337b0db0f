// A strict RFC 8259 syntax check to run before protobuf's JSON parser, which
// on its own accepts single quotes, trailing commas, unquoted keys and
// repeated keys (the last silently winning). For a document that decides who
// is trusted, a repeated "status" must be an error, not a coin toss.
//
// Free function, no state; thread-safe.
#ifndef HANDOVER_DIRECTORY_STRICT_JSON_H_
#define HANDOVER_DIRECTORY_STRICT_JSON_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace handover::directory {

// OK if `json` is one RFC 8259 JSON value in UTF-8 with: no byte order mark,
// comments or trailing data; no `null`; objects and arrays nested at most
// `max_depth` deep; and no key twice in one object, counting keys that
// differ only in case or underscores ("tls_cert_sha256" and "tlsCertSha256")
// as the same. Otherwise InvalidArgument with the byte offset.
absl::Status CheckStrictJson(absl::string_view json, int max_depth);

}  // namespace handover::directory

#endif  // HANDOVER_DIRECTORY_STRICT_JSON_H_
