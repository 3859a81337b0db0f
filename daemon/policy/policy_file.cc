#include "policy/policy_file.h"

#include <functional>
#include <optional>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "config/problems.h"
#include "config/quoted.h"
#include "config/toml_reader.h"
#include "config/units.h"
#include "policy/agency_kind_name.h"

namespace handover::policy {
namespace {

using handover::config::Need;
using handover::config::ProblemList;
using handover::config::Quoted;
using handover::config::TableReader;

constexpr absl::string_view kFieldsKey = "fields";
constexpr absl::string_view kLabelsKey = "attachment_labels";

std::string_view StdView(absl::string_view s) { return {s.data(), s.size()}; }

int LineOf(const toml::node& node, int fallback) {
  const int line = static_cast<int>(node.source().begin.line);
  return line > 0 ? line : fallback;
}

// One [kind] table. TableReader checked that it is a table and gives its
// line; the two lists are read from the toml::table itself, because each
// entry's own line is wanted in messages.
class KindTableReader {
 public:
  KindTableReader(const toml::table& table, std::string label, int line,
                  ProblemList* problems)
      : table_(table),
        label_(std::move(label)),
        line_(line),
        problems_(problems) {}

  KindPolicy Read() {
    KindPolicy policy;
    const bool fields_ok =
        ReadList(kFieldsKey, "fields = [\"identity\", \"contacts\"]",
                 [&](absl::string_view s) { return policy.AddField(s); });
    ReadList(kLabelsKey, "attachment_labels = [\"photo\"]",
             [&](absl::string_view s) { return policy.AddAttachmentLabel(s); });
    if (fields_ok) {
      if (absl::Status s = policy.CheckComplete(); !s.ok()) {
        problems_->Add(KeyLine(kFieldsKey),
                       absl::StrCat(label_, " ", kFieldsKey, " ", s.message()));
      }
    }
    ReportUnknownKeys();
    return policy;
  }

 private:
  using AddFn = std::function<absl::Status(absl::string_view)>;

  int KeyLine(absl::string_view key) const {
    const toml::node* node = table_.get(StdView(key));
    return node == nullptr ? line_ : LineOf(*node, line_);
  }

  // True if the list was present and every entry was accepted.
  bool ReadList(absl::string_view key, absl::string_view example,
                const AddFn& add) {
    const toml::node* node = table_.get(StdView(key));
    if (node == nullptr) {
      problems_->Add(line_, absl::StrCat("missing required key \"", key,
                                         "\" in ", label_));
      return false;
    }
    const toml::array* array = node->as_array();
    if (array == nullptr) {
      problems_->Add(
          KeyLine(key),
          absl::StrCat(label_, " ", key,
                       " must be an array of strings, such as ", example));
      return false;
    }
    bool ok = true;
    for (size_t i = 0; i < array->size(); ++i) {
      const toml::node& entry = *array->get(i);
      const int line = LineOf(entry, KeyLine(key));
      const auto* text = entry.as_string();
      if (text == nullptr) {
        problems_->Add(line, absl::StrCat(label_, " ", key, " entry ", i + 1,
                                          " must be a string"));
        ok = false;
      } else if (absl::Status s = add(text->get()); !s.ok()) {
        problems_->Add(line,
                       absl::StrCat(label_, " ", key, ": ", Quoted(text->get()),
                                    ": ", s.message()));
        ok = false;
      }
    }
    return ok;
  }

  void ReportUnknownKeys() {
    for (const auto& [key, node] : table_) {
      const std::string_view name = key.str();
      if (name == StdView(kFieldsKey) || name == StdView(kLabelsKey)) continue;
      const int line = static_cast<int>(key.source().begin.line);
      problems_->Add(
          line > 0 ? line : line_,
          absl::StrCat("unknown key ",
                       Quoted(absl::string_view(name.data(), name.size())),
                       " in ", label_, "; the keys are ", kFieldsKey, " and ",
                       kLabelsKey));
    }
  }

  const toml::table& table_;
  std::string label_;
  int line_;
  ProblemList* problems_;
};

bool CheckSize(absl::string_view text, ProblemList* problems) {
  if (text.size() <= kMaxViewPolicyFileBytes) return true;
  problems->Add(
      0,
      absl::StrCat("the view policy is ", text.size(), " bytes; the limit is ",
                   config::FormatByteSize(kMaxViewPolicyFileBytes)),
      absl::StatusCode::kResourceExhausted);
  return false;
}

// Reads every kind's table into `kinds`, adding what is wrong to `problems`.
void ReadKinds(const toml::table& document, ProblemList* problems,
               ViewPolicy::KindMap* kinds) {
  TableReader root(document, "", problems);
  for (handover::v1::AgencyKind kind : PolicyAgencyKinds()) {
    const absl::string_view name = AgencyKindName(kind);
    std::optional<TableReader> table = root.Table(name, Need::kRequired);
    if (!table) continue;
    KindTableReader reader(*document.get(StdView(name))->as_table(),
                           absl::StrCat("[", name, "]"), table->line(),
                           problems);
    kinds->emplace(kind, reader.Read());
  }
  // Unknown tables are most likely misspelt kinds; this suggests the
  // nearest one.
  root.ReportUnknownKeys();
}

}  // namespace

absl::StatusOr<ViewPolicy> ParseViewPolicy(absl::string_view text,
                                           absl::string_view source) {
  ProblemList problems{std::string(source)};
  if (!CheckSize(text, &problems)) return problems.ToStatus();
  std::optional<toml::table> document = config::ParseTomlText(text, &problems);
  if (!document) return problems.ToStatus();
  ViewPolicy::KindMap kinds;
  ReadKinds(*document, &problems, &kinds);
  if (!problems.empty()) return problems.ToStatus();
  absl::StatusOr<ViewPolicy> policy = ViewPolicy::Create(std::move(kinds));
  if (!policy.ok()) {
    // Every rule Create applies was checked above, so this is a bug.
    problems.AddStatus("internal error", policy.status());
    return problems.ToStatus();
  }
  return policy;
}

absl::StatusOr<ViewPolicy> LoadViewPolicyFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text,
                   ReadFileBounded(path, kMaxViewPolicyFileBytes));
  return ParseViewPolicy(text, path);
}

}  // namespace handover::policy
