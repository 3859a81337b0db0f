#include "config/shared_sections.h"

#include "absl/strings/str_cat.h"
#include "config/config_file.h"
#include "config/quoted.h"
#include "config/units.h"
#include "crypto/identity.h"

namespace handover::config::internal {

void ReadAgencyId(TableReader& table, absl::string_view key, Need need,
                  std::string* out) {
  if (!table.String(key, need, out)) return;
  absl::Status valid = crypto::ValidateAgencyId(*out);
  if (!valid.ok()) {
    table.AddValueProblem(key,
                          absl::StrCat(Quoted(*out), ": ", valid.message()));
    out->clear();
  }
}

void ReadRetryTable(TableReader& root, RetryPolicy* retry) {
  std::optional<TableReader> table = root.Table("retry", Need::kOptional);
  if (!table) return;
  bool have_initial = table->Duration("initial_backoff", Need::kOptional,
                                      &retry->initial_backoff);
  bool have_max =
      table->Duration("max_backoff", Need::kOptional, &retry->max_backoff);
  table->Number("multiplier", Need::kOptional, 1.0, 10.0, &retry->multiplier);
  if (retry->initial_backoff > retry->max_backoff) {
    std::string initial = FormatConfigDuration(retry->initial_backoff);
    std::string max = FormatConfigDuration(retry->max_backoff);
    if (have_initial) {
      table->AddValueProblem(
          "initial_backoff",
          absl::StrCat(initial, " is longer than max_backoff (", max, ")"));
    } else if (have_max) {
      table->AddValueProblem(
          "max_backoff", absl::StrCat(max, " is shorter than initial_backoff (",
                                      initial, ")"));
    }
  }
  table->ReportUnknownKeys();
}

bool ReadDurationInRange(TableReader& table, absl::string_view key,
                         absl::Duration min, absl::Duration max,
                         absl::Duration* out) {
  absl::Duration value;
  if (!table.Duration(key, Need::kOptional, &value)) return false;
  if (value < min || value > max) {
    table.AddValueProblem(key,
                          absl::StrCat(FormatConfigDuration(value),
                                       " is out of range; it must be from ",
                                       FormatConfigDuration(min), " to ",
                                       FormatConfigDuration(max)));
    return false;
  }
  *out = value;
  return true;
}

void ReadLogTable(TableReader& root, LogSettings* log) {
  std::optional<TableReader> table = root.Table("log", Need::kOptional);
  if (!table) return;
  ReadDurationInRange(*table, "tree_head_interval", kMinTreeHeadInterval,
                      kMaxTreeHeadInterval, &log->tree_head_interval);
  table->ReportUnknownKeys();
}

void ReadRetentionTable(TableReader& root, RetentionSettings* retention) {
  std::optional<TableReader> table = root.Table("retention", Need::kOptional);
  if (!table) return;
  absl::Duration after;
  if (ReadDurationInRange(*table, "inbox_content_after", kMinInboxContentAfter,
                          kMaxInboxContentAfter, &after)) {
    retention->inbox_content_after = after;
  }
  table->ReportUnknownKeys();
}

bool CheckConfigTextSize(absl::string_view text, ProblemList* problems) {
  if (text.size() <= kMaxConfigFileBytes) return true;
  problems->Add(
      0,
      absl::StrCat("the config is ", text.size(), " bytes; the limit is ",
                   FormatByteSize(kMaxConfigFileBytes)),
      absl::StatusCode::kResourceExhausted);
  return false;
}

}  // namespace handover::config::internal
