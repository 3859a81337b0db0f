#include "node/api/move_sealer.h"

#include <unistd.h>

#include <algorithm>
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
  std::vector<SealedSubmission> sealed;
  for (View& view : views_) {
    absl::StatusOr<SealedSubmission> one = view.sealer->Finish();
    if (!one.ok()) {
      for (const SealedSubmission& done : sealed) unlink(done.path.c_str());
      return one.status();
    }
    sealed.push_back(*std::move(one));
  }
  return sealed;
}

}  // namespace handover::node::api
