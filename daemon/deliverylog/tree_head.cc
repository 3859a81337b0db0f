#include "deliverylog/tree_head.h"

#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "auditlog/merkle.h"
#include "common/byte_io.h"
#include "common/status_macros.h"
#include "crypto/signing.h"
#include "deliverylog/log_entry_codec.h"

namespace handover::deliverylog {
namespace {

namespace v1 = handover::v1;

// google.protobuf.Timestamp's range: 0001-01-01 to 9999-12-31.
constexpr int64_t kMinSeconds = -62135596800;
constexpr int64_t kMaxSeconds = 253402300799;

absl::Status CheckShape(absl::string_view log_id, uint64_t tree_size,
                        absl::string_view root) {
  if (root.size() != auditlog::kHashBytes) {
    return absl::InvalidArgumentError(absl::StrCat("tree head root is ",
                                                   root.size(), " bytes, not ",
                                                   auditlog::kHashBytes));
  }
  if (absl::Status s = crypto::ValidateAgencyId(log_id); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("tree head log id is not an agency id: ", s.message()));
  }
  if (tree_size >= auditlog::kMaxTreeSizeExclusive) {
    return absl::InvalidArgumentError("tree head size is not below 2^63");
  }
  return absl::OkStatus();
}

absl::Status CheckTime(const google::protobuf::Timestamp& t) {
  if (t.seconds() < kMinSeconds || t.seconds() > kMaxSeconds || t.nanos() < 0 ||
      t.nanos() > 999999999) {
    return absl::InvalidArgumentError(
        "tree head time is outside years 0001 to 9999");
  }
  if (t.nanos() % 1000 != 0) {
    return absl::InvalidArgumentError(
        "tree head time is not in whole microseconds");
  }
  return absl::OkStatus();
}

}  // namespace

std::string TreeHeadSignedBytes(absl::string_view log_id, uint64_t tree_size,
                                absl::string_view root, absl::Time time) {
  if (log_id.size() > std::numeric_limits<uint16_t>::max()) return "";
  ByteWriter w;
  w.U16(static_cast<uint16_t>(log_id.size()));
  w.Raw(log_id);
  w.U64(tree_size);
  w.Raw(root);
  w.I64(absl::ToUnixMicros(time));
  return w.Release();
}

absl::StatusOr<v1::SignedTreeHead> SignTreeHead(
    const crypto::SecretIdentity& signer, absl::string_view log_id,
    uint64_t tree_size, absl::string_view root, absl::Time time) {
  RETURN_IF_ERROR(CheckShape(log_id, tree_size, root));
  const int64_t micros = absl::ToUnixMicros(time);
  v1::SignedTreeHead head;
  *head.mutable_timestamp() = MicrosToTimestamp(micros);
  RETURN_IF_ERROR(CheckTime(head.timestamp()));
  ASSIGN_OR_RETURN(
      std::string signature,
      crypto::SignDetached(
          signer, kTreeHeadContext,
          TreeHeadSignedBytes(log_id, tree_size, root, MicrosToTime(micros))));
  head.set_log_id(std::string(log_id));
  head.set_tree_size(tree_size);
  head.set_root_hash(std::string(root));
  head.set_signature(std::move(signature));
  head.set_signer_key_id(signer.public_identity().sign_key_id());
  return head;
}

absl::Status VerifyTreeHead(const v1::SignedTreeHead& head,
                            const std::vector<crypto::PublicIdentity>& keys) {
  const crypto::PublicIdentity* key = nullptr;
  for (const crypto::PublicIdentity& k : keys) {
    if (k.sign_key_id() == head.signer_key_id()) {
      key = &k;
      break;
    }
  }
  if (key == nullptr) {
    return absl::UnauthenticatedError("tree head is signed by an unknown key");
  }
  RETURN_IF_ERROR(
      CheckShape(head.log_id(), head.tree_size(), head.root_hash()));
  RETURN_IF_ERROR(CheckTime(head.timestamp()));
  const std::string signed_bytes =
      TreeHeadSignedBytes(head.log_id(), head.tree_size(), head.root_hash(),
                          MicrosToTime(TimestampMicros(head.timestamp())));
  if (absl::Status s = crypto::VerifyDetached(*key, kTreeHeadContext,
                                              signed_bytes, head.signature());
      !s.ok()) {
    if (absl::IsUnauthenticated(s)) {
      return absl::UnauthenticatedError("tree head signature does not verify");
    }
    return s;
  }
  return absl::OkStatus();
}

std::string TreeHeadTimeText(const v1::SignedTreeHead& head) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ",
                          MicrosToTime(TimestampMicros(head.timestamp())),
                          absl::UTCTimeZone());
}

}  // namespace handover::deliverylog
