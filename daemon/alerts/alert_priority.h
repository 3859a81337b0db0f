// How urgent a move alert is, from the police view of the child's record
// it carries. A child the review's questions 3 to 5 are about (deprived of
// liberty, at risk of sexual exploitation, placed near a known risk
// person, or with a history of going missing) must never sit in a routine
// queue, so any one of these makes the alert high priority:
//
//   deprivation_of_liberty            legal_status.deprivation_of_liberty set
//   sexual_exploitation               risk.sexual_exploitation MEDIUM or HIGH
//   known_risk_person_near_placement  a known risk person's postcode
//                                     district is the placement's
//   missing_episodes                  risk.missing_episodes not empty
//   reported_missing                  the notice reports a missing episode
//   emergency_move                    the move's urgency is EMERGENCY
//
// The sending node judges the same from the whole record and lists its
// codes in move.priority_reasons (the police view leaves out, say, the
// missing-episode history); the alert carries the union, in the table's
// order, unknown codes last. Otherwise the alert is routine. A MOVED_ON notice
// (the child went on to another area) is routine with reason "moved_on".
// Reasons are machine codes, never case content. Free function; thread-safe.
#ifndef HANDOVER_ALERTS_ALERT_PRIORITY_H_
#define HANDOVER_ALERTS_ALERT_PRIORITY_H_

#include <string>
#include <vector>

#include "alerts/alert_book.h"
#include "handover/v1/bundle.pb.h"

namespace handover::alerts {

struct AssessedPriority {
  Priority priority = Priority::kRoutine;
  std::vector<std::string> reasons;  // in the order of the table above
};

// `bundle.move` must be set (the caller checks it is a move notice).
AssessedPriority AssessPriority(const handover::v1::CaseBundle& bundle);

}  // namespace handover::alerts

#endif  // HANDOVER_ALERTS_ALERT_PRIORITY_H_
