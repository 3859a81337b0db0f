// Strict readers and a deterministic writer for CaseBundle.
//
// JSON follows the proto3 JSON mapping, made strict. Before protobuf sees the
// text, it must pass, in this order:
//   1. a size bound: at most kMaxBundleJsonBytes (else ResourceExhausted);
//   2. a nesting pre-scan: at most kMaxBundleJsonDepth nested objects and
//      arrays, counting brackets outside strings only (else InvalidArgument:
//      no schema-valid bundle nests deeper than 5, so a deeper document is
//      malformed, not merely large);
//   3. a strict RFC 8259 scan against the CaseBundle schema (else
//      InvalidArgument): no trailing commas, single quotes, comments, byte
//      order mark or trailing data; strings well-formed UTF-8 with no lone
//      surrogate escapes; every key a known field, each field at most once
//      per object (counting "family_name" and "familyName" as the same);
//      repeated fields given as arrays (with no null items), messages as
//      objects, strings as strings, booleans as true/false, enums as known
//      names or numbers.
// Only then does protobuf's JsonStringToMessage run, with unknown fields
// rejected.
//
// Error messages give the field path and the line and column, and never
// echo the input, not even unknown keys (a lost '":' merges a key with its
// value): bundles hold children's names and NHS numbers, and errors end up
// in logs.
//
// Parsing does NOT call ValidateBundle (bundle_validate.h): a parsed bundle is
// well-typed but may still break content rules. Callers validate, or use
// ReadAndValidateBundleJsonFile, which does both.
//
// Free functions, no state; thread-safe.
#ifndef HANDOVER_BUNDLE_BUNDLE_JSON_H_
#define HANDOVER_BUNDLE_BUNDLE_JSON_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "handover/v1/bundle.pb.h"

namespace handover::bundle {

inline constexpr size_t kMaxBundleJsonBytes = 16 * 1024 * 1024;
inline constexpr size_t kMaxBundleBinaryBytes = kMaxBundleJsonBytes;
inline constexpr int kMaxBundleJsonDepth = 32;

// Parses a bundle from JSON as described above. InvalidArgument for malformed
// or schema-breaking JSON, ResourceExhausted when over the size bound.
absl::StatusOr<handover::v1::CaseBundle> ParseBundleJson(
    absl::string_view json);

// Reads `path` (bounded by kMaxBundleJsonBytes before reading) and parses it
// with ParseBundleJson. Every error message starts with the path.
absl::StatusOr<handover::v1::CaseBundle> ReadBundleJsonFile(
    const std::string& path);

// ReadBundleJsonFile followed by ValidateBundle.
absl::StatusOr<handover::v1::CaseBundle> ReadAndValidateBundleJsonFile(
    const std::string& path);

// Writes the canonical JSON form: protobuf's pretty printer (one-space
// indent), proto field names (snake_case), fields in field-number order,
// default values omitted, enums by name, 64-bit integers as strings. The same
// bundle always gives the same text, and ParseBundleJson reads it back to an
// equal message. InvalidArgument if protobuf cannot print it (it never
// should for a bundle that parsed).
absl::StatusOr<std::string> BundleToJson(
    const handover::v1::CaseBundle& bundle);

// Parses protobuf binary, e.g. a decrypted payload. ResourceExhausted over
// kMaxBundleBinaryBytes; InvalidArgument if the bytes do not parse (including
// invalid UTF-8 in a string field), nest deeper than kMaxBundleJsonDepth, or
// carry fields this schema does not know: dropping them silently would lose
// case data without anyone noticing.
absl::StatusOr<handover::v1::CaseBundle> ParseBundleBinary(
    absl::string_view bytes);

// InvalidArgument, naming the first field path and number, if `bundle` (at
// any depth) carries fields this schema does not know, as a bundle parsed
// from protobuf binary, e.g. one received in a gRPC request, may.
absl::Status CheckNoUnknownBundleFields(const handover::v1::CaseBundle& bundle);

}  // namespace handover::bundle

#endif  // HANDOVER_BUNDLE_BUNDLE_JSON_H_
