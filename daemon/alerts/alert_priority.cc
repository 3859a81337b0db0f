#include "alerts/alert_priority.h"

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "bundle/postcode.h"

namespace handover::alerts {
namespace {

using handover::v1::CaseBundle;

// "b15 " and "B15" name the same district.
std::string Normalized(absl::string_view district) {
  std::string out(absl::StripAsciiWhitespace(district));
  absl::AsciiStrToUpper(&out);
  return out;
}

bool KnownRiskPersonNearPlacement(const CaseBundle& bundle) {
  const std::string& postcode = bundle.move().placement_postcode();
  if (!bundle::IsUkPostcode(postcode)) return false;
  const std::string district = bundle::PostcodeDistrict(postcode);
  for (const handover::v1::KnownRiskPerson& person :
       bundle.risk().known_risk_persons()) {
    if (!person.postcode_district().empty() &&
        Normalized(person.postcode_district()) == district) {
      return true;
    }
  }
  return false;
}

}  // namespace

AssessedPriority AssessPriority(const CaseBundle& bundle) {
  AssessedPriority out;
  const handover::v1::MoveNotice& move = bundle.move();
  if (move.kind() == handover::v1::MOVE_NOTICE_KIND_MOVED_ON) {
    out.reasons.push_back("moved_on");
    return out;
  }
  if (bundle.legal_status().has_deprivation_of_liberty()) {
    out.reasons.push_back("deprivation_of_liberty");
  }
  const handover::v1::RiskLevel exploitation =
      bundle.risk().sexual_exploitation().level();
  if (exploitation == handover::v1::RISK_LEVEL_MEDIUM ||
      exploitation == handover::v1::RISK_LEVEL_HIGH) {
    out.reasons.push_back("sexual_exploitation");
  }
  if (KnownRiskPersonNearPlacement(bundle)) {
    out.reasons.push_back("known_risk_person_near_placement");
  }
  if (!bundle.risk().missing_episodes().empty()) {
    out.reasons.push_back("missing_episodes");
  }
  if (move.kind() == handover::v1::MOVE_NOTICE_KIND_MISSING_EPISODE) {
    out.reasons.push_back("reported_missing");
  }
  if (move.urgency() == handover::v1::MOVE_URGENCY_EMERGENCY) {
    out.reasons.push_back("emergency_move");
  }
  for (const std::string& reason : move.priority_reasons()) {
    if (std::find(out.reasons.begin(), out.reasons.end(), reason) ==
        out.reasons.end()) {
      out.reasons.push_back(reason);
    }
  }
  if (!out.reasons.empty()) out.priority = Priority::kHigh;
  return out;
}

}  // namespace handover::alerts
