// The sealed envelope's byte layout (docs/FORMAT.md is the normative text):
//
//   envelope  = prefix header signature wrapped_key{recipient_count} ciphertext
//   prefix    = "HANDOVER" version:u8(=1) header_length:u32
//   header    = suite:u8 transfer_id[16] sender_id:str8 sender_key_id[16]
//               created_at:i64 expires_at:i64 content_type:str8
//               chunk_size:u32 plaintext_size:u64 key_commitment[32]
//               ciphertext_hash[32] recipient_count:u8
//               (recipient_id:str8 recipient_key_id[16]){recipient_count}
//   signature = Ed25519(sign_sk, "handover/v1/envelope-signature" 0x00
//                                || prefix || header)
//   wrapped_key = crypto_box_seal(content_key, recipient_box_pk)  (80 bytes)
//   ciphertext  = secretstream_header[24] frame{n}
//   frame       = index:u32 secretstream_chunk
//
// Integers are big-endian. This file turns a header into bytes and back; it
// does no cryptography.
#ifndef HANDOVER_CRYPTO_ENVELOPE_FORMAT_H_
#define HANDOVER_CRYPTO_ENVELOPE_FORMAT_H_

#include <cstdint>
#include <string>

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace handover::crypto {

inline constexpr absl::string_view kEnvelopeMagic = "HANDOVER";
inline constexpr uint8_t kFormatVersion = 1;
inline constexpr uint8_t kSuiteV1 = 1;
inline constexpr size_t kPrefixBytes = 8 + 1 + 4;
inline constexpr size_t kTransferIdBytes = 16;
inline constexpr size_t kContentKeyBytes = 32;
inline constexpr size_t kKeyCommitmentBytes = 32;
inline constexpr size_t kCiphertextHashBytes = 32;
inline constexpr size_t kWrappedKeyBytes = 80;  // 32 + crypto_box_SEALBYTES
inline constexpr size_t kStreamHeaderBytes = 24;
inline constexpr size_t kChunkOverheadBytes = 17;  // secretstream ABYTES
inline constexpr size_t kFrameIndexBytes = 4;
inline constexpr size_t kMaxHeaderBytes = 64 * 1024;
inline constexpr size_t kMaxRecipients = 64;
inline constexpr size_t kMaxContentTypeBytes = 128;
inline constexpr uint32_t kDefaultChunkSize = 64 * 1024;
inline constexpr uint32_t kMinChunkSize = 1024;
inline constexpr uint32_t kMaxChunkSize = 4 * 1024 * 1024;
inline constexpr absl::string_view kSignatureContext =
    absl::string_view("handover/v1/envelope-signature\0", 31);
inline constexpr absl::string_view kCommitmentContext =
    "handover/v1/key-commitment";
inline constexpr absl::string_view kCiphertextHashContext =
    "handover/v1/ciphertext";

struct RecipientEntry {
  std::string agency_id;
  std::string box_key_id;  // kKeyIdBytes
};

struct EnvelopeHeader {
  uint8_t suite = kSuiteV1;
  std::string transfer_id;  // kTransferIdBytes of random
  std::string sender_id;
  std::string sender_key_id;  // kKeyIdBytes
  int64_t created_at = 0;     // Unix seconds
  int64_t expires_at = 0;     // Unix seconds
  std::string content_type;
  uint32_t chunk_size = kDefaultChunkSize;
  uint64_t plaintext_size = 0;
  std::string key_commitment;   // kKeyCommitmentBytes
  std::string ciphertext_hash;  // kCiphertextHashBytes
  std::vector<RecipientEntry> recipients;

  // Number of secretstream chunks: there is always a final chunk, which may
  // be empty, so plaintext_size / chunk_size + 1.
  uint64_t ChunkCount() const;
  // Plaintext length of chunk `index`.
  uint32_t ChunkPlaintextSize(uint64_t index) const;
  uint64_t CiphertextSize() const;
  // Bytes from the start of the envelope to the start of the ciphertext.
  uint64_t CiphertextOffset() const;
};

// The prefix and header, i.e. exactly the bytes the signature covers.
absl::StatusOr<std::string> SerializeHeader(const EnvelopeHeader& header);

// Parses signed bytes produced by SerializeHeader. Strict: wrong magic,
// unknown version, bad lengths, zero or too many recipients, duplicate
// recipients, bad ids, non-canonical values and trailing bytes all fail with
// an EnvelopeError.
absl::StatusOr<EnvelopeHeader> ParseHeader(absl::string_view signed_bytes);

// Reads header_length from a 13-byte prefix, checking magic, version and the
// size bound. Used to know how many bytes to read next.
absl::StatusOr<uint32_t> ParsePrefix(absl::string_view prefix);

}  // namespace handover::crypto

#endif  // HANDOVER_CRYPTO_ENVELOPE_FORMAT_H_
