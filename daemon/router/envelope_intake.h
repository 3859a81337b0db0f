// SubmitEnvelope: checks an uploaded envelope against the directory without
// decrypting it, streams its ciphertext through a CiphertextVerifier into
// durable storage, and only then records it for delivery. In order, cheap
// checks first: the head (strict parse), the sender is the caller, a
// transfer id already stored (the same signed header and signature: OK,
// already_stored, and the rest of the upload is not read; another header:
// ALREADY_EXISTS), the size limit (from the header, before any ciphertext
// is read), the expiry and clock skew, the sender's signature with its key
// valid at created_at (the key id picks one of two during a rotation
// overlap), every recipient known, active and not the router; then the
// ciphertext's length and signed hash.
//
// Small ciphertext (<= kInlineCiphertextBytes) is stored inline in the
// same commit as the metadata; larger ciphertext goes to a spool file that
// is durable before the commit. Nothing is stored half-way: any failure
// removes what was written.
//
// Thread-safe: any number of uploads may run at once.
#ifndef HANDOVER_ROUTER_ENVELOPE_INTAKE_H_
#define HANDOVER_ROUTER_ENVELOPE_INTAKE_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "handover/v1/envelope.pb.h"
#include "router/router_env.h"

namespace handover::router {

// The parts of one upload, in order. grpc::ServerReader in production.
class PartReader {
 public:
  virtual ~PartReader() = default;
  // False at the end of the stream (or when the call is cancelled).
  virtual bool Read(handover::v1::EnvelopePart* part) = 0;
};

class EnvelopeIntake {
 public:
  explicit EnvelopeIntake(const RouterEnv* env) : env_(env) {}

  // Stores one envelope uploaded by `caller_id`. Returns already_stored:
  // true if the same envelope was stored before (nothing changes). The
  // status codes are those of the common conventions (see router.proto and
  // docs/OPERATIONS.md); the message is one line.
  absl::StatusOr<bool> Submit(absl::string_view caller_id, PartReader* parts);

 private:
  const RouterEnv* const env_;
};

}  // namespace handover::router

#endif  // HANDOVER_ROUTER_ENVELOPE_INTAKE_H_
