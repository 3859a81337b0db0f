#include "node/api/move_sealer.h"

#include <unistd.h>

#include <algorithm>
#include <optional>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace handover::node::api {

MoveSealer::MoveSealer(std::vector<AttachmentPlan> attachments)
    : attachments_(std::move(attachments)) {}

void MoveSealer::AddView(std::unique_ptr<SubmissionSealer> sealer,
                         std::vector<bool> keeps) {
  keeps.resize(attachments_.size(), false);
  views_.push_back({std::move(sealer), std::move(keeps)});
}

void MoveSealer::SkipFinished() {
  if (!started_) {
    started_ = true;
    current_ = 0;
    remaining_ = attachments_.empty() ? 0 : attachments_[0].size;
  }
  while (remaining_ == 0 && current_ < attachments_.size()) {
    ++current_;
    remaining_ =
        current_ < attachments_.size() ? attachments_[current_].size : 0;
  }
}

absl::Status MoveSealer::Write(absl::string_view data) {
  while (!data.empty()) {
    SkipFinished();
    if (current_ >= attachments_.size()) {
      return absl::InvalidArgumentError(
          "more attachment data arrived than the attachments declare");
    }
    const size_t take =
        static_cast<size_t>(std::min<uint64_t>(remaining_, data.size()));
    const absl::string_view piece = data.substr(0, take);
    for (View& view : views_) {
      if (view.keeps[current_]) RETURN_IF_ERROR(view.sealer->Write(piece));
    }
    data.remove_prefix(take);
    remaining_ -= take;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<SealedSubmission>> MoveSealer::Finish() {
  SkipFinished();
  if (current_ < attachments_.size()) {
    const AttachmentPlan& a = attachments_[current_];
    return absl::InvalidArgumentError(absl::StrCat(
        "attachments[", current_, "] ended after ", a.size - remaining_,
        " of its declared ", a.size, " bytes"));
  }
  // Each view ends with its own fsyncs (file, then directory); finishing
  // the views side by side overlaps those waits instead of adding them up,
  // which is most of what a move costs before its police view can leave.
  std::vector<std::optional<absl::StatusOr<SealedSubmission>>> finished(
      views_.size());
  {
    std::vector<std::thread> finishing;
    for (size_t i = 1; i < views_.size(); ++i) {
      finishing.emplace_back(
          [this, &finished, i] { finished[i] = views_[i].sealer->Finish(); });
    }
    if (!views_.empty()) finished[0] = views_[0].sealer->Finish();
    for (std::thread& t : finishing) t.join();
  }
  std::vector<SealedSubmission> sealed;
  absl::Status first_error;
  for (std::optional<absl::StatusOr<SealedSubmission>>& one : finished) {
    if (one->ok()) {
      sealed.push_back(**std::move(one));
    } else if (first_error.ok()) {
      first_error = one->status();
    }
  }
  if (!first_error.ok()) {
    for (const SealedSubmission& done : sealed) unlink(done.path.c_str());
    return first_error;
  }
  return sealed;
}

}  // namespace handover::node::api
