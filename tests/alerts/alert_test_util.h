// Shared fixtures for the alert tests: a sample alert and fixed times.
#ifndef HANDOVER_TESTS_ALERTS_ALERT_TEST_UTIL_H_
#define HANDOVER_TESTS_ALERTS_ALERT_TEST_UTIL_H_

#include <string>

#include "absl/time/time.h"
#include "alerts/alert_book.h"

namespace handover::alerts::testing {

inline const absl::Time kStart = absl::FromUnixSeconds(1798761600);

// A transfer id of 16 bytes, all `fill`.
inline std::string TransferId(char fill) {
  return std::string(kTransferIdBytes, fill);
}

inline NewAlert SampleAlert(char fill, Priority priority,
                            absl::Time at = kStart) {
  NewAlert a;
  a.transfer_id = TransferId(fill);
  a.sender_agency_id = "la-north-childrens-services";
  a.child_reference = "REF-0042";
  a.area_code = "NE-07";
  a.priority = priority;
  a.reasons = {"missing_episodes", "sexual_exploitation"};
  a.raised_at = at;
  return a;
}

}  // namespace handover::alerts::testing

#endif  // HANDOVER_TESTS_ALERTS_ALERT_TEST_UTIL_H_
