// The child-move calls of a node's local API for integration tests:
// SubmitMove (attachments streamed from files), the control room's alert
// stream and acknowledgement, and a case bundle rich enough that every
// kind of agency's view differs. Thread-safe like NodeClient.
#ifndef HANDOVER_TESTS_INTEGRATION_HARNESS_MOVE_CALLS_H_
#define HANDOVER_TESTS_INTEGRATION_HARNESS_MOVE_CALLS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "handover/v1/node.pb.h"
#include "harness/node_client.h"

namespace handover::integration {

inline constexpr char kStockportArea[] = "E08000007";
inline constexpr char kBirminghamArea[] = "E08000025";

struct MoveRequest {
  std::string idempotency_key;
  handover::v1::CaseBundle bundle;
  std::vector<AttachmentFile> attachments;
  handover::v1::MoveNoticeKind kind = handover::v1::MOVE_NOTICE_KIND_MOVE;
  std::string from_area = kStockportArea;
  std::string to_area = kBirminghamArea;
  std::string placement_address = "Residential children's home, Edgbaston";
  std::string placement_postcode = "B15 2TT";
  handover::v1::MoveUrgency urgency = handover::v1::MOVE_URGENCY_EMERGENCY;
};

absl::StatusOr<handover::v1::SubmitMoveResponse> SubmitMove(
    NodeClient& client, const MoveRequest& request);

// Every alert event after `after_cursor` stored now (stop_at_end).
absl::StatusOr<std::vector<handover::v1::AlertEvent>> AlertEventsAfter(
    NodeClient& client, uint64_t after_cursor);

// Polls AlertEventsAfter until one of `kind` has arrived, or `timeout`.
absl::StatusOr<handover::v1::AlertEvent> WaitForAlertEvent(
    NodeClient& client, uint64_t after_cursor,
    handover::v1::AlertEventKind kind, absl::Duration timeout);

absl::StatusOr<handover::v1::AckAlertResponse> AckAlert(
    NodeClient& client, const std::string& alert_id,
    const std::string& operator_id, const std::string& note);

absl::StatusOr<handover::v1::ListOverdueResponse> ListOverdue(
    NodeClient& client);

// A child with a Deprivation of Liberty order, high sexual-exploitation
// risk, a known risk person in the placement's district, missing
// episodes, health needs, medication, a grab pack and contacts, and three
// with `with_attachments`, three attachments described (labels photo,
// care-plan and medical): photo.jpg, care-plan.pdf, medical.pdf.
handover::v1::CaseBundle RichBundle(const std::string& reference,
                                    bool with_attachments = false);

}  // namespace handover::integration

#endif  // HANDOVER_TESTS_INTEGRATION_HARNESS_MOVE_CALLS_H_
