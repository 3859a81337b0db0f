#include "crypto/opener.h"

#include <sodium.h>

#include "absl/strings/str_cat.h"
#include "common/byte_io.h"
#include "common/status_macros.h"
#include "crypto/key_commitment.h"
#include "crypto/sodium_util.h"

namespace handover::crypto {
namespace {

using StreamState = crypto_secretstream_xchacha20poly1305_state;

const unsigned char* U(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

absl::Status Fail(absl::StatusCode code, EnvelopeFailure failure,
                  absl::string_view message) {
  return EnvelopeError(code, failure, message);
}

// Reads exactly `n` bytes, or fails as truncated naming `what`.
absl::StatusOr<std::string> ReadExactly(ByteSource* source, size_t n,
                                        absl::string_view what) {
  std::string out(n, '\0');
  ASSIGN_OR_RETURN(size_t got, source->Read(out.data(), n));
  if (got != n) {
    return Fail(absl::StatusCode::kDataLoss, EnvelopeFailure::kTruncated,
                absl::StrCat("envelope is truncated in its ", what));
  }
  return out;
}

std::string TimeString(int64_t unix_seconds) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                          absl::FromUnixSeconds(unix_seconds),
                          absl::UTCTimeZone());
}

}  // namespace

absl::StatusOr<EnvelopeHead> ReadEnvelopeHead(ByteSource* source) {
  std::string prefix(kPrefixBytes, '\0');
  ASSIGN_OR_RETURN(size_t got, source->Read(prefix.data(), kPrefixBytes));
  prefix.resize(got);
  ASSIGN_OR_RETURN(uint32_t header_length, ParsePrefix(prefix));
  EnvelopeHead head;
  ASSIGN_OR_RETURN(std::string header,
                   ReadExactly(source, header_length, "header"));
  head.signed_header = prefix + header;
  ASSIGN_OR_RETURN(head.header, ParseHeader(head.signed_header));
  ASSIGN_OR_RETURN(head.signature,
                   ReadExactly(source, kSignatureBytes, "signature"));
  for (size_t i = 0; i < head.header.recipients.size(); ++i) {
    ASSIGN_OR_RETURN(std::string wrapped,
                     ReadExactly(source, kWrappedKeyBytes, "wrapped keys"));
    head.wrapped_keys.push_back(std::move(wrapped));
  }
  return head;
}

absl::Status VerifyEnvelopeSignature(const EnvelopeHead& head,
                                     const PublicIdentity& sender) {
  const EnvelopeHeader& h = head.header;
  if (h.sender_id != sender.agency_id ||
      !ConstantTimeEquals(h.sender_key_id, sender.sign_key_id())) {
    return Fail(
        absl::StatusCode::kUnauthenticated, EnvelopeFailure::kWrongSenderKey,
        absl::StrCat("envelope is signed by ", h.sender_id, " key ",
                     ToHex(h.sender_key_id), ", not by the given ",
                     sender.agency_id, " key ", ToHex(sender.sign_key_id())));
  }
  std::string message = absl::StrCat(kSignatureContext, head.signed_header);
  if (head.signature.size() != kSignatureBytes ||
      crypto_sign_verify_detached(U(head.signature), U(message), message.size(),
                                  U(sender.sign_public_key)) != 0) {
    return Fail(absl::StatusCode::kUnauthenticated,
                EnvelopeFailure::kBadSignature,
                "envelope signature does not verify: the header or signature "
                "was altered");
  }
  return absl::OkStatus();
}

struct EnvelopeOpener::State {
  State() : stream(sizeof(StreamState)) {}
  StreamState* stream_state() {
    return reinterpret_cast<StreamState*>(stream.data());
  }

  ByteSource* source = nullptr;
  EnvelopeHead head;
  SecretBytes stream;
  crypto_generichash_state hash;
  std::string frame;
  uint64_t next_index = 0;
  bool done = false;
};

EnvelopeOpener::EnvelopeOpener(std::unique_ptr<State> state)
    : state_(std::move(state)) {}
EnvelopeOpener::~EnvelopeOpener() = default;

const EnvelopeHeader& EnvelopeOpener::header() const {
  return state_->head.header;
}

absl::StatusOr<std::unique_ptr<EnvelopeOpener>> EnvelopeOpener::Open(
    ByteSource* source, const SecretIdentity& recipient,
    const PublicIdentity& sender, const OpenOptions& options) {
  auto state = std::make_unique<State>();
  state->source = source;
  ASSIGN_OR_RETURN(state->head, ReadEnvelopeHead(source));
  const EnvelopeHeader& h = state->head.header;
  RETURN_IF_ERROR(VerifyEnvelopeSignature(state->head, sender));

  const std::string my_key_id = recipient.public_identity().box_key_id();
  size_t slot = h.recipients.size();
  for (size_t i = 0; i < h.recipients.size(); ++i) {
    if (h.recipients[i].agency_id == recipient.agency_id() &&
        ConstantTimeEquals(h.recipients[i].box_key_id, my_key_id)) {
      slot = i;
    }
  }
  if (slot == h.recipients.size()) {
    return Fail(
        absl::StatusCode::kPermissionDenied, EnvelopeFailure::kNotARecipient,
        absl::StrCat(recipient.agency_id(), " with key ", ToHex(my_key_id),
                     " is not a recipient of this envelope"));
  }

  const absl::Time now = options.clock->Now();
  if (now >= absl::FromUnixSeconds(h.expires_at)) {
    return Fail(absl::StatusCode::kFailedPrecondition,
                EnvelopeFailure::kExpired,
                absl::StrCat("envelope expired at ", TimeString(h.expires_at)));
  }
  if (absl::FromUnixSeconds(h.created_at) > now + options.max_clock_skew) {
    return Fail(
        absl::StatusCode::kFailedPrecondition, EnvelopeFailure::kNotYetValid,
        absl::StrCat("envelope claims creation at ", TimeString(h.created_at),
                     ", beyond the allowed clock skew"));
  }

  SecretBytes content_key(kContentKeyBytes);
  if (crypto_box_seal_open(content_key.data(),
                           U(state->head.wrapped_keys[slot]), kWrappedKeyBytes,
                           U(recipient.public_identity().box_public_key),
                           recipient.box_secret_key().data()) != 0) {
    return Fail(absl::StatusCode::kDataLoss, EnvelopeFailure::kBadWrappedKey,
                "the wrapped content key for this recipient does not open");
  }
  if (!ConstantTimeEquals(ComputeKeyCommitment(content_key, h.transfer_id),
                          h.key_commitment)) {
    return Fail(absl::StatusCode::kDataLoss,
                EnvelopeFailure::kKeyCommitmentMismatch,
                "the content key does not match the sender's commitment");
  }

  ASSIGN_OR_RETURN(std::string stream_header,
                   ReadExactly(source, kStreamHeaderBytes, "stream header"));
  if (crypto_secretstream_xchacha20poly1305_init_pull(
          state->stream_state(), U(stream_header), content_key.data()) != 0) {
    return Fail(absl::StatusCode::kDataLoss, EnvelopeFailure::kChunkAuthFailed,
                "invalid secretstream header");
  }
  crypto_generichash_init(&state->hash, nullptr, 0, kCiphertextHashBytes);
  crypto_generichash_update(&state->hash, U(kCiphertextHashContext),
                            kCiphertextHashContext.size());
  crypto_generichash_update(&state->hash, U(stream_header), kStreamHeaderBytes);
  state->frame.resize(kFrameIndexBytes + h.chunk_size + kChunkOverheadBytes);
  return std::unique_ptr<EnvelopeOpener>(new EnvelopeOpener(std::move(state)));
}

absl::StatusOr<bool> EnvelopeOpener::Next(std::string* plaintext) {
  State& s = *state_;
  if (s.done) return absl::FailedPreconditionError("envelope already read");
  const EnvelopeHeader& h = s.head.header;
  const uint64_t index = s.next_index;
  const bool last = index + 1 == h.ChunkCount();
  const size_t plain_len = h.ChunkPlaintextSize(index);
  const size_t frame_len = kFrameIndexBytes + plain_len + kChunkOverheadBytes;
  auto* frame = reinterpret_cast<unsigned char*>(s.frame.data());

  ASSIGN_OR_RETURN(size_t got, s.source->Read(s.frame.data(), frame_len));
  if (got < kFrameIndexBytes) {
    return Fail(absl::StatusCode::kDataLoss, EnvelopeFailure::kTruncated,
                absl::StrCat("envelope is truncated: stream ends before chunk ",
                             index, " of ", h.ChunkCount()));
  }
  if (LoadU32(frame) != index) {
    return Fail(absl::StatusCode::kDataLoss, EnvelopeFailure::kChunkOutOfOrder,
                absl::StrCat("chunk ", LoadU32(frame), " found where chunk ",
                             index, " belongs: chunks were reordered"));
  }
  if (got != frame_len) {
    return Fail(absl::StatusCode::kDataLoss, EnvelopeFailure::kTruncated,
                absl::StrCat("envelope is truncated inside chunk ", index));
  }
  crypto_generichash_update(&s.hash, frame, frame_len);
  plaintext->resize(plain_len);
  unsigned char tag = 0;
  if (crypto_secretstream_xchacha20poly1305_pull(
          s.stream_state(), reinterpret_cast<unsigned char*>(plaintext->data()),
          nullptr, &tag, frame + kFrameIndexBytes,
          plain_len + kChunkOverheadBytes, nullptr, 0) != 0) {
    Wipe(plaintext->data(), plaintext->size());
    plaintext->clear();
    return Fail(absl::StatusCode::kDataLoss, EnvelopeFailure::kChunkAuthFailed,
                absl::StrCat("chunk ", index, " fails authentication"));
  }
  // Only MESSAGE then one FINAL is canonical; PUSH and REKEY are refused.
  const unsigned char want =
      last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
           : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
  if (tag != want) {
    return Fail(absl::StatusCode::kDataLoss, EnvelopeFailure::kBadStreamTag,
                last ? "the last chunk lacks the final tag"
                     : absl::StrCat("chunk ", index,
                                    " carries a tag other than MESSAGE"));
  }
  ++s.next_index;
  if (!last) return false;

  s.done = true;
  unsigned char hash[kCiphertextHashBytes];
  crypto_generichash_final(&s.hash, hash, sizeof hash);
  if (!ConstantTimeEquals(
          absl::string_view(reinterpret_cast<const char*>(hash), sizeof hash),
          h.ciphertext_hash)) {
    return Fail(absl::StatusCode::kDataLoss,
                EnvelopeFailure::kCiphertextHashMismatch,
                "ciphertext differs from the one the sender signed");
  }
  char extra;
  ASSIGN_OR_RETURN(size_t more, s.source->Read(&extra, 1));
  if (more != 0) {
    return Fail(absl::StatusCode::kDataLoss, EnvelopeFailure::kTrailingData,
                "data follows the final chunk");
  }
  return true;
}

}  // namespace handover::crypto
