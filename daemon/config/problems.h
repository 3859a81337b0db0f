// ProblemList collects every mistake found in one config file, so a daemon
// can report them all at once, one line each, instead of stopping at the
// first. Not thread-safe; owned by one parse or check.
//
// A line reads "SOURCE:LINE: TEXT" when the line is known (SOURCE:LINE:COL
// for TOML syntax errors) and "SOURCE: TEXT" otherwise.
#ifndef HANDOVER_CONFIG_PROBLEMS_H_
#define HANDOVER_CONFIG_PROBLEMS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace handover::config {

// Beyond this many lines, the rest are counted rather than listed, so that a
// file of garbage cannot produce a flood of output.
inline constexpr size_t kMaxReportedProblems = 50;

class ProblemList {
 public:
  // `source` names the file in every line, e.g. "/etc/handover/node.toml".
  explicit ProblemList(std::string source) : source_(std::move(source)) {}

  // Records a problem at `line` (1-based; 0 when unknown) and `column`
  // (0 when not given). `code` says what kind of failure it is.
  void Add(int line, std::string text,
           absl::StatusCode code = absl::StatusCode::kInvalidArgument,
           int column = 0);
  // Records a failure from elsewhere (a file check), as "context: message"
  // with the status's own code and no line.
  void AddStatus(absl::string_view context, const absl::Status& status);

  bool empty() const { return problems_.empty(); }
  size_t size() const { return problems_.size(); }
  const std::string& source() const { return source_; }

  // The lines, ordered by line number (problems without a line last, each
  // group in the order added).
  std::vector<std::string> Lines() const;

  // OK if empty. Otherwise a status whose message is Lines() joined by '\n'
  // (at most kMaxReportedProblems, then "...and N more problems") and whose
  // code is that of the first line.
  absl::Status ToStatus() const;

 private:
  struct Problem {
    int line;
    int column;
    absl::StatusCode code;
    std::string text;
  };
  std::vector<Problem> Sorted() const;
  std::string Format(const Problem& problem) const;

  std::string source_;
  std::vector<Problem> problems_;
};

}  // namespace handover::config

#endif  // HANDOVER_CONFIG_PROBLEMS_H_
