// Describes an envelope header for people and scripts: the routing and
// timing metadata only, which is what the router sees too. Shared by the
// seal, open and inspect commands.
#ifndef HANDOVER_CLIENT_HEADER_SUMMARY_H_
#define HANDOVER_CLIENT_HEADER_SUMMARY_H_

#include "cli_output.h"
#include "crypto/envelope_format.h"

namespace handover::cli {

// Appends rows and JSON fields for the transfer id, sender, recipients,
// validity window, content type, chunk size and sizes.
void AddHeaderSummary(const crypto::EnvelopeHeader& header, Report* report);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_HEADER_SUMMARY_H_
