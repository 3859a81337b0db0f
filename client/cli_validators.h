// CLI11 validators for option values, so a bad value is a usage error
// (exit 2) before anything is read or sent. Each returns a validator whose
// message says what was expected.
#ifndef HANDOVER_CLIENT_CLI_VALIDATORS_H_
#define HANDOVER_CLIENT_CLI_VALIDATORS_H_

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

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_CLI_VALIDATORS_H_
