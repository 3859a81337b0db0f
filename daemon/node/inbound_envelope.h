// One envelope the router pushes to us, from its head to its end. Before
// anything is kept it checks, without decrypting: that we are a listed
// recipient sealed to a key in our key ring, the size limit, the validity
// window, and the sender's signature with the directory's keys valid when
// it was sealed. The ciphertext streams through a CiphertextVerifier into a
// temporary file in the inbox directory; only when the length and hash
// match is the file synced, renamed into place and recorded in the inbox,
// together with our signed delivery receipt for the sender.
//
// A transfer id already in the inbox is answered STORED without keeping a
// second copy. Any verification failure is answered REJECTED with a
// one-line reason and leaves nothing behind.
//
// Not thread-safe: one envelope is handled by one thread.
#ifndef HANDOVER_NODE_INBOUND_ENVELOPE_H_
#define HANDOVER_NODE_INBOUND_ENVELOPE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/file_util.h"
#include "crypto/ciphertext_verifier.h"
#include "crypto/opener.h"
#include "handover/v1/envelope.pb.h"
#include "handover/v1/notice.pb.h"
#include "node/link_context.h"

namespace handover::node {

class InboundEnvelope {
 public:
  // Checks the head. Never fails: a refusal is remembered and answered at
  // Finish(), and the ciphertext that still follows is skipped.
  InboundEnvelope(const LinkContext& context,
                  const handover::v1::EnvelopeHead& head);
  ~InboundEnvelope();
  InboundEnvelope(const InboundEnvelope&) = delete;
  InboundEnvelope& operator=(const InboundEnvelope&) = delete;

  // The next ciphertext bytes. An error is a local failure (disk); a
  // verification failure is remembered for Finish().
  absl::Status Append(absl::string_view ciphertext);

  // The envelope is complete; `declared_size` is EnvelopeEnd's count.
  // Stores it and queues our receipt, and returns the ack to send.
  AckOrLocalFailure Finish(uint64_t declared_size);

  // The transfer id in hex, or "" if the head did not parse; for logs.
  const std::string& transfer_hex() const { return transfer_hex_; }

 private:
  // The one-line reason to refuse the head, or nullopt if it may be kept.
  std::optional<std::string> CheckHead(const handover::v1::EnvelopeHead& head);
  absl::Status StartFile();
  absl::Status Store(std::string* signed_receipt);
  void Reject(std::string reason);
  // DELIVERED in the log, with the log's proof put into `receipt`.
  void RecordDelivery(absl::Time now, handover::v1::DeliveryReceipt* receipt);
  void RecordRejection();

  const LinkContext& context_;
  std::string transfer_hex_;
  crypto::EnvelopeHead head_;
  // Our identity the envelope is sealed to, once the head is checked.
  const crypto::SecretIdentity* recipient_key_ = nullptr;
  bool duplicate_ = false;
  std::optional<std::string> rejection_;
  absl::Status local_failure_;
  std::unique_ptr<crypto::CiphertextVerifier> verifier_;
  std::unique_ptr<AtomicFile> file_;
  uint64_t file_bytes_ = 0;
};

}  // namespace handover::node

#endif  // HANDOVER_NODE_INBOUND_ENVELOPE_H_
