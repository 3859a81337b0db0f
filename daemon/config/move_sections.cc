#include "config/move_sections.h"

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "config/quoted.h"
#include "config/units.h"
#include "crypto/identity.h"

namespace handover::config::internal {
namespace {

// Checks always_copy entries in order: each a valid agency id that no
// earlier entry repeats.
class AlwaysCopyCheck {
 public:
  std::string operator()(size_t place, const std::string& id) {
    if (absl::Status valid = crypto::ValidateAgencyId(id); !valid.ok()) {
      return absl::StrCat(Quoted(id), ": ", valid.message());
    }
    auto [it, inserted] = first_.emplace(id, place);
    if (!inserted) {
      return absl::StrCat(Quoted(id), " repeats entry ", it->second);
    }
    return "";
  }

 private:
  // Valid ids seen so far and the entry that first named each.
  std::map<std::string, size_t> first_;
};

void ReadDeadline(TableReader& table, absl::string_view key, AckDeadline* out) {
  std::string text;
  if (!table.String(key, Need::kOptional, &text)) return;
  absl::StatusOr<AckDeadline> parsed = ParseAckDeadline(text);
  if (!parsed.ok()) {
    table.AddValueProblem(key, parsed.status().message());
    return;
  }
  *out = *parsed;
}

}  // namespace

void ReadMoveTable(TableReader& root, MoveSettings* move) {
  std::optional<TableReader> table = root.Table("move", Need::kOptional);
  if (!table) return;
  std::vector<std::string> ids;
  if (table->StringArray("always_copy", Need::kOptional, AlwaysCopyCheck(),
                         &ids)) {
    if (ids.size() > kMaxAlwaysCopy) {
      table->AddValueProblem(
          "always_copy",
          absl::StrCat("lists ", ids.size(), " agencies; the limit is ",
                       kMaxAlwaysCopy));
    } else {
      move->always_copy = std::move(ids);
    }
  }
  table->Path("policy_file", Need::kOptional, &move->policy_file);
  table->ReportUnknownKeys();
}

void ReadAcknowledgementTable(TableReader& root,
                              AcknowledgementDeadlines* deadlines) {
  std::optional<TableReader> table =
      root.Table("acknowledgement", Need::kOptional);
  if (!table) return;
  ReadDeadline(*table, "police_force", &deadlines->police_force);
  ReadDeadline(*table, "health_team", &deadlines->health_team);
  ReadDeadline(*table, "local_authority_childrens_services",
               &deadlines->childrens_services);
  ReadDeadline(*table, "other", &deadlines->other);
  table->ReportUnknownKeys();
}

void ReadAlertsTable(TableReader& root, AlertSettings* alerts) {
  std::optional<TableReader> table = root.Table("alerts", Need::kOptional);
  if (!table) return;
  std::string raise;
  if (table->String("raise", Need::kOptional, &raise)) {
    if (raise == "auto") {
      alerts->raise = AlertMode::kAuto;
    } else if (raise == "on") {
      alerts->raise = AlertMode::kOn;
    } else if (raise == "off") {
      alerts->raise = AlertMode::kOff;
    } else {
      table->AddValueProblem(
          "raise", absl::StrCat("unknown mode ", Quoted(raise),
                                "; expected \"auto\", \"on\" or \"off\""));
    }
  }
  absl::Duration escalate_after;
  if (table->Duration("escalate_after", Need::kOptional, &escalate_after)) {
    if (escalate_after < kMinEscalateAfter ||
        escalate_after > kMaxEscalateAfter) {
      table->AddValueProblem(
          "escalate_after",
          absl::StrCat(FormatConfigDuration(escalate_after),
                       " is out of range; it must be from ",
                       FormatConfigDuration(kMinEscalateAfter), " to ",
                       FormatConfigDuration(kMaxEscalateAfter)));
    } else {
      alerts->escalate_after = escalate_after;
    }
  }
  table->ReportUnknownKeys();
}

}  // namespace handover::config::internal
