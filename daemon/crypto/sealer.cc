#include "crypto/sealer.h"

#include <sodium.h>

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/byte_io.h"
#include "common/status_macros.h"
#include "crypto/key_commitment.h"
#include "crypto/sodium_util.h"

namespace handover::crypto {
namespace {

using StreamState = crypto_secretstream_xchacha20poly1305_state;

static_assert(kStreamHeaderBytes ==
              crypto_secretstream_xchacha20poly1305_HEADERBYTES);
static_assert(kChunkOverheadBytes ==
              crypto_secretstream_xchacha20poly1305_ABYTES);
static_assert(kWrappedKeyBytes == kContentKeyBytes + crypto_box_SEALBYTES);
static_assert(kContentKeyBytes ==
              crypto_secretstream_xchacha20poly1305_KEYBYTES);

const unsigned char* U(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

absl::Status CheckRecipients(const std::vector<PublicIdentity>& recipients) {
  if (recipients.empty() || recipients.size() > kMaxRecipients) {
    return absl::InvalidArgumentError(
        absl::StrCat("an envelope needs 1 to ", kMaxRecipients,
                     " recipients, got ", recipients.size()));
  }
  std::set<std::string> seen;
  for (const PublicIdentity& r : recipients) {
    RETURN_IF_ERROR(r.Validate());
    if (!seen.insert(r.agency_id).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("recipient ", r.agency_id, " is listed twice"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

struct EnvelopeSealer::State {
  State(const SecretIdentity& s, ByteSink* k, uint32_t chunk_size)
      : sender(s),
        sink(k),
        content_key(kContentKeyBytes),
        stream(sizeof(StreamState)),
        buffer(chunk_size) {}

  StreamState* stream_state() {
    return reinterpret_cast<StreamState*>(stream.data());
  }

  const SecretIdentity& sender;
  ByteSink* sink;
  EnvelopeHeader header;
  std::vector<std::string> recipient_box_keys;
  SecretBytes content_key;
  SecretBytes stream;  // secretstream state holds key material
  SecretBytes buffer;  // plaintext of the chunk being filled
  size_t buffered = 0;
  std::string frame;
  crypto_generichash_state hash;
  uint64_t next_index = 0;
  bool finished = false;
};

EnvelopeSealer::EnvelopeSealer(std::unique_ptr<State> state)
    : state_(std::move(state)) {}
EnvelopeSealer::~EnvelopeSealer() = default;

const std::string& EnvelopeSealer::transfer_id() const {
  return state_->header.transfer_id;
}

absl::StatusOr<std::unique_ptr<EnvelopeSealer>> EnvelopeSealer::Create(
    const SecretIdentity& sender, const std::vector<PublicIdentity>& recipients,
    const SealOptions& options, ByteSink* sink) {
  RETURN_IF_ERROR(CheckRecipients(recipients));
  if (options.chunk_size < kMinChunkSize ||
      options.chunk_size > kMaxChunkSize) {
    return absl::InvalidArgumentError("chunk size must be 1024..4194304");
  }
  if (options.time_to_live <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("time to live must be positive");
  }
  if (!options.transfer_id.empty() &&
      options.transfer_id.size() != kTransferIdBytes) {
    return absl::InvalidArgumentError("transfer id must be 16 bytes");
  }
  auto state = std::make_unique<State>(sender, sink, options.chunk_size);
  EnvelopeHeader& h = state->header;
  h.transfer_id = options.transfer_id;
  if (h.transfer_id.empty()) {
    h.transfer_id.resize(kTransferIdBytes);
    RandomBytes(h.transfer_id.data(), kTransferIdBytes);
  }
  h.sender_id = sender.agency_id();
  h.sender_key_id = sender.public_identity().sign_key_id();
  const absl::Time now = options.clock->Now();
  h.created_at = absl::ToUnixSeconds(now);
  h.expires_at = absl::ToUnixSeconds(now + options.time_to_live);
  h.content_type = options.content_type;
  h.chunk_size = options.chunk_size;
  for (const PublicIdentity& r : recipients) {
    h.recipients.push_back({r.agency_id, r.box_key_id()});
    state->recipient_box_keys.push_back(r.box_public_key);
  }
  // Validate the header grammar now, with placeholders, so a bad content
  // type or id fails before any work is done.
  h.key_commitment.assign(kKeyCommitmentBytes, '\0');
  h.ciphertext_hash.assign(kCiphertextHashBytes, '\0');
  RETURN_IF_ERROR(SerializeHeader(h).status());

  crypto_secretstream_xchacha20poly1305_keygen(state->content_key.data());
  h.key_commitment = ComputeKeyCommitment(state->content_key, h.transfer_id);

  // Reserve the head; Finish() overwrites it.
  RETURN_IF_ERROR(sink->Append(std::string(h.CiphertextOffset(), '\0')));

  unsigned char stream_header[kStreamHeaderBytes];
  if (crypto_secretstream_xchacha20poly1305_init_push(
          state->stream_state(), stream_header, state->content_key.data()) !=
      0) {
    return SodiumError("secretstream init_push");
  }
  crypto_generichash_init(&state->hash, nullptr, 0, kCiphertextHashBytes);
  crypto_generichash_update(&state->hash, U(kCiphertextHashContext),
                            kCiphertextHashContext.size());
  crypto_generichash_update(&state->hash, stream_header, sizeof stream_header);
  RETURN_IF_ERROR(sink->Append(absl::string_view(
      reinterpret_cast<const char*>(stream_header), sizeof stream_header)));
  state->frame.reserve(kFrameIndexBytes + options.chunk_size +
                       kChunkOverheadBytes);
  return std::unique_ptr<EnvelopeSealer>(new EnvelopeSealer(std::move(state)));
}

absl::Status EnvelopeSealer::EmitChunk(bool final) {
  State& s = *state_;
  const size_t cipher_len = s.buffered + kChunkOverheadBytes;
  s.frame.resize(kFrameIndexBytes + cipher_len);
  auto* out = reinterpret_cast<unsigned char*>(s.frame.data());
  // Indexes stop at 2^32 - 2 so the chunk count fits the header's rule.
  if (s.next_index > UINT32_MAX - 1) {
    return absl::ResourceExhaustedError(
        "plaintext needs more than 2^32 - 1 chunks");
  }
  StoreU32(static_cast<uint32_t>(s.next_index), out);
  const unsigned char tag =
      final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
            : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
  if (crypto_secretstream_xchacha20poly1305_push(
          s.stream_state(), out + kFrameIndexBytes, nullptr, s.buffer.data(),
          s.buffered, nullptr, 0, tag) != 0) {
    return SodiumError("secretstream push");
  }
  crypto_generichash_update(&s.hash, out, s.frame.size());
  RETURN_IF_ERROR(s.sink->Append(s.frame));
  s.header.plaintext_size += s.buffered;
  s.buffered = 0;
  ++s.next_index;
  return absl::OkStatus();
}

absl::Status EnvelopeSealer::Write(absl::string_view plaintext) {
  State& s = *state_;
  if (s.finished) return absl::FailedPreconditionError("sealer is finished");
  while (!plaintext.empty()) {
    const size_t take =
        std::min(plaintext.size(), s.header.chunk_size - s.buffered);
    std::copy_n(plaintext.data(), take, s.buffer.data() + s.buffered);
    s.buffered += take;
    plaintext.remove_prefix(take);
    // A full chunk is never the final one (the final chunk is always shorter
    // than chunk_size), so it can go out at once.
    if (s.buffered == s.header.chunk_size) RETURN_IF_ERROR(EmitChunk(false));
  }
  return absl::OkStatus();
}

absl::StatusOr<EnvelopeHeader> EnvelopeSealer::Finish() {
  State& s = *state_;
  if (s.finished) return absl::FailedPreconditionError("sealer is finished");
  s.finished = true;
  RETURN_IF_ERROR(EmitChunk(true));
  unsigned char hash[kCiphertextHashBytes];
  crypto_generichash_final(&s.hash, hash, sizeof hash);
  s.header.ciphertext_hash.assign(reinterpret_cast<const char*>(hash),
                                  sizeof hash);

  ASSIGN_OR_RETURN(std::string head, SerializeHeader(s.header));
  std::string message = absl::StrCat(kSignatureContext, head);
  unsigned char signature[kSignatureBytes];
  if (crypto_sign_detached(signature, nullptr, U(message), message.size(),
                           s.sender.sign_secret_key().data()) != 0) {
    return SodiumError("crypto_sign_detached");
  }
  head.append(reinterpret_cast<const char*>(signature), sizeof signature);
  for (const std::string& box_pk : s.recipient_box_keys) {
    unsigned char wrapped[kWrappedKeyBytes];
    if (crypto_box_seal(wrapped, s.content_key.data(), kContentKeyBytes,
                        U(box_pk)) != 0) {
      return SodiumError("crypto_box_seal");
    }
    head.append(reinterpret_cast<const char*>(wrapped), sizeof wrapped);
  }
  if (head.size() != s.header.CiphertextOffset()) {
    return absl::InternalError(
        "envelope head size differs from its reservation");
  }
  RETURN_IF_ERROR(s.sink->WriteAt(0, head));
  return s.header;
}

}  // namespace handover::crypto
