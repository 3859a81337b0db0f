// Seals the views of one move at once while the attachment bytes stream
// in, so a move costs one pass over its attachments and memory does not
// depend on their size. Each view is a SubmissionSealer that carries only
// the attachments its policy keeps; the incoming bytes are split by the
// declared sizes of the whole list and handed to the views that keep each
// attachment.
//
// Failure leaves nothing behind: a view that has not finished removes its
// temporary file when destroyed, and if any view fails to finish, the
// files of those that did are removed too. Not thread-safe (Finish uses
// threads internally; the sealers it finishes are each used by one).
#ifndef HANDOVER_NODE_API_MOVE_SEALER_H_
#define HANDOVER_NODE_API_MOVE_SEALER_H_

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "node/api/submission_sealer.h"
#include "node/api/submit_validation.h"

namespace handover::node::api {

class MoveSealer {
 public:
  // `attachments`: every attachment the move declared, in order.
  explicit MoveSealer(std::vector<AttachmentPlan> attachments);

  // A view; `keeps[i]` says whether it carries attachments[i], and the
  // sealer must have been begun with exactly those, in order.
  void AddView(std::unique_ptr<SubmissionSealer> sealer,
               std::vector<bool> keeps);

  // The next attachment bytes, any chunking. INVALID_ARGUMENT once more
  // arrive than the declared sizes add up to.
  absl::Status Write(absl::string_view data);

  // INVALID_ARGUMENT if an attachment is short; otherwise finishes every
  // view, side by side on threads of its own, and returns them in the
  // order added.
  absl::StatusOr<std::vector<SealedSubmission>> Finish();

 private:
  struct View {
    std::unique_ptr<SubmissionSealer> sealer;
    std::vector<bool> keeps;
  };
  // Moves past attachments with no bytes left.
  void SkipFinished();

  std::vector<AttachmentPlan> attachments_;
  std::vector<View> views_;
  size_t current_ = 0;      // attachment receiving bytes
  uint64_t remaining_ = 0;  // bytes still due for it
  bool started_ = false;
};

}  // namespace handover::node::api

#endif  // HANDOVER_NODE_API_MOVE_SEALER_H_
