#include "node/link_context.h"

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace handover::node {
namespace {

absl::StatusOr<std::vector<crypto::PublicIdentity>> LookUp(
    const LinkContext& context, absl::string_view agency, absl::Time at) {
  std::shared_ptr<const directory::DirectoryView> view =
      context.directory->Current();
  if (view == nullptr) {
    return absl::FailedPreconditionError("no verified directory yet");
  }
  return view->SigningKeysAt(agency, at);
}

}  // namespace

handover::v1::Ack StoredAck() {
  handover::v1::Ack ack;
  ack.set_result(handover::v1::Ack::RESULT_STORED);
  return ack;
}

handover::v1::Ack RejectedAck(absl::string_view reason) {
  handover::v1::Ack ack;
  ack.set_result(handover::v1::Ack::RESULT_REJECTED);
  ack.set_reason(std::string(reason));
  return ack;
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  const int64_t seconds = absl::ToUnixSeconds(t);
  google::protobuf::Timestamp out;
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return out;
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

absl::StatusOr<std::vector<crypto::PublicIdentity>> SignerKeysAt(
    const LinkContext& context, absl::string_view agency, absl::Time at) {
  absl::StatusOr<std::vector<crypto::PublicIdentity>> keys =
      LookUp(context, agency, at);
  if (keys.ok() || absl::IsPermissionDenied(keys.status())) return keys;
  // A new agency or a new key: our copy may be behind the router's.
  absl::Status refreshed = context.directory->Refresh();
  if (!refreshed.ok()) {
    spdlog::info("directory refresh for an unknown signer failed: {}",
                 refreshed.ToString());
  }
  return LookUp(context, agency, at);
}

}  // namespace handover::node
