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

void ReadLogTable(TableReader& root, LogSettings* log) {
  std::optional<TableReader> table = root.Table("log", Need::kOptional);
  if (!table) return;
  absl::Duration interval;
  if (table->Duration("tree_head_interval", Need::kOptional, &interval)) {
    if (interval < kMinTreeHeadInterval || interval > kMaxTreeHeadInterval) {
      table->AddValueProblem(
          "tree_head_interval",
          absl::StrCat(FormatConfigDuration(interval),
                       " is out of range; it must be from ",
                       FormatConfigDuration(kMinTreeHeadInterval), " to ",
                       FormatConfigDuration(kMaxTreeHeadInterval)));
    } else {
      log->tree_head_interval = interval;
    }
  }
  table->ReportUnknownKeys();
}

void ReadRetentionTable(TableReader& root, RetentionSettings* retention) {
  std::optional<TableReader> table = root.Table("retention", Need::kOptional);
  if (!table) return;
  absl::Duration after;
  if (table->Duration("inbox_content_after", Need::kOptional, &after)) {
    if (after < kMinInboxContentAfter || after > kMaxInboxContentAfter) {
      table->AddValueProblem(
          "inbox_content_after",
          absl::StrCat(FormatConfigDuration(after),
                       " is out of range; it must be from ",
                       FormatConfigDuration(kMinInboxContentAfter), " to ",
                       FormatConfigDuration(kMaxInboxContentAfter)));
    } else {
      retention->inbox_content_after = after;
    }
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
