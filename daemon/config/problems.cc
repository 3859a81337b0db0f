#include "config/problems.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace handover::config {

void ProblemList::Add(int line, std::string text, absl::StatusCode code,
                      int column) {
  problems_.push_back(Problem{line, column, code, std::move(text)});
}

void ProblemList::AddStatus(absl::string_view context,
                            const absl::Status& status) {
  if (status.ok()) return;
  Add(0, absl::StrCat(context, ": ", status.message()), status.code());
}

std::vector<ProblemList::Problem> ProblemList::Sorted() const {
  std::vector<Problem> sorted = problems_;
  // Line 0 (unknown) sorts after every real line.
  auto key = [](const Problem& p) {
    return p.line > 0 ? p.line : std::numeric_limits<int>::max();
  };
  std::stable_sort(
      sorted.begin(), sorted.end(),
      [&](const Problem& a, const Problem& b) { return key(a) < key(b); });
  return sorted;
}

std::string ProblemList::Format(const Problem& p) const {
  if (p.line <= 0) return absl::StrCat(source_, ": ", p.text);
  if (p.column <= 0) return absl::StrCat(source_, ":", p.line, ": ", p.text);
  return absl::StrCat(source_, ":", p.line, ":", p.column, ": ", p.text);
}

std::vector<std::string> ProblemList::Lines() const {
  std::vector<std::string> lines;
  for (const Problem& p : Sorted()) lines.push_back(Format(p));
  return lines;
}

absl::Status ProblemList::ToStatus() const {
  if (problems_.empty()) return absl::OkStatus();
  std::vector<std::string> lines = Lines();
  size_t extra = 0;
  if (lines.size() > kMaxReportedProblems) {
    extra = lines.size() - kMaxReportedProblems;
    lines.resize(kMaxReportedProblems);
    lines.push_back(
        absl::StrCat(source_, ": ...and ", extra, " more problems"));
  }
  return absl::Status(Sorted().front().code, absl::StrJoin(lines, "\n"));
}

}  // namespace handover::config
