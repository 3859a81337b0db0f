// CLI11 validators for option values, so a bad value is a usage error
// (exit 2) before anything is read or sent. Each returns a validator whose
// message says what was expected.
#ifndef HANDOVER_CLIENT_CLI_VALIDATORS_H_
#define HANDOVER_CLIENT_CLI_VALIDATORS_H_

#include <string>

#include "CLI/CLI.hpp"

namespace handover::cli {

// A duration as duration.h parses it: "5d", "12h", "30m", "1d12h".
CLI::Validator DurationValidator();

// A transfer id: 32 lower-case hex digits.
CLI::Validator TransferIdValidator();

// An agency id (docs/FORMAT.md §4.1).
CLI::Validator AgencyIdValidator();

// An idempotency key: 1 to 128 printable ASCII characters.
CLI::Validator IdempotencyKeyValidator();

// An ONS GSS area code: one upper-case letter and 8 digits, "E08000025".
CLI::Validator GssCodeValidator();

// A UK postcode, e.g. "B15 2TT": an outward code, an optional space, a
// digit and two letters. Either case is accepted; the value is rewritten
// in upper case with one space, the form the node expects.
CLI::Validator PostcodeValidator();

// An RFC 3339 time with a zone, e.g. "2026-12-04T10:15:00Z".
CLI::Validator TimestampValidator();

// An operator id for an acknowledgement: 1 to 64 printable ASCII
// characters (node.proto).
CLI::Validator OperatorIdValidator();

// An acknowledgement note: at most 2000 bytes (node.proto).
CLI::Validator NoteValidator();

// The postcode `text` in canonical form ("B15 2TT"), or empty if it is not
// shaped like a UK postcode.
std::string CanonicalPostcode(const std::string& text);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_CLI_VALIDATORS_H_
