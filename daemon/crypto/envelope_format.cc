#include "crypto/envelope_format.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/byte_io.h"
#include "common/status_macros.h"
#include "crypto/envelope_errors.h"
#include "crypto/identity.h"

namespace handover::crypto {
namespace {

absl::Status Malformed(absl::string_view message) {
  return EnvelopeError(absl::StatusCode::kInvalidArgument,
                       EnvelopeFailure::kMalformedHeader,
                       absl::StrCat("malformed envelope header: ", message));
}

// Wraps ByteReader failures (truncation) as malformed-header errors.
template <typename T>
absl::StatusOr<T> Field(absl::StatusOr<T> v) {
  if (!v.ok()) return Malformed(v.status().message());
  return v;
}

absl::Status CheckContentType(absl::string_view ct) {
  if (ct.empty() || ct.size() > kMaxContentTypeBytes) {
    return Malformed("content type must be 1 to 128 bytes");
  }
  for (char c : ct) {
    if (c < 0x21 || c > 0x7e) {
      return Malformed("content type must be printable ASCII without spaces");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckSemantics(const EnvelopeHeader& h) {
  if (h.suite != kSuiteV1) {
    return Malformed(absl::StrCat("unknown suite ", int{h.suite}));
  }
  if (auto s = ValidateAgencyId(h.sender_id); !s.ok()) {
    return Malformed(absl::StrCat("sender id: ", s.message()));
  }
  if (h.expires_at <= h.created_at) {
    return Malformed("expires_at must be after created_at");
  }
  RETURN_IF_ERROR(CheckContentType(h.content_type));
  if (h.chunk_size < kMinChunkSize || h.chunk_size > kMaxChunkSize) {
    return Malformed(
        absl::StrCat("chunk size ", h.chunk_size, " is outside 1024..4194304"));
  }
  // Frame indexes are 32-bit, which bounds the number of chunks.
  if (h.plaintext_size / h.chunk_size >= (uint64_t{1} << 32) - 1) {
    return Malformed("plaintext size needs more than 2^32 chunks");
  }
  if (h.recipients.empty() || h.recipients.size() > kMaxRecipients) {
    return Malformed("there must be 1 to 64 recipients");
  }
  std::set<std::string> seen;
  for (const RecipientEntry& r : h.recipients) {
    if (auto s = ValidateAgencyId(r.agency_id); !s.ok()) {
      return Malformed(absl::StrCat("recipient id: ", s.message()));
    }
    if (!seen.insert(r.agency_id).second) {
      return Malformed(
          absl::StrCat("recipient ", r.agency_id, " is listed twice"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

uint64_t EnvelopeHeader::ChunkCount() const {
  return plaintext_size / chunk_size + 1;
}

uint32_t EnvelopeHeader::ChunkPlaintextSize(uint64_t index) const {
  return index + 1 < ChunkCount()
             ? chunk_size
             : static_cast<uint32_t>(plaintext_size % chunk_size);
}

uint64_t EnvelopeHeader::CiphertextSize() const {
  return kStreamHeaderBytes + plaintext_size +
         ChunkCount() * (kFrameIndexBytes + kChunkOverheadBytes);
}

absl::StatusOr<std::string> SerializeHeader(const EnvelopeHeader& h) {
  RETURN_IF_ERROR(CheckSemantics(h));
  if (h.transfer_id.size() != kTransferIdBytes ||
      h.sender_key_id.size() != kKeyIdBytes ||
      h.key_commitment.size() != kKeyCommitmentBytes ||
      h.ciphertext_hash.size() != kCiphertextHashBytes) {
    return absl::InvalidArgumentError("header field has the wrong length");
  }
  ByteWriter body;
  body.U8(h.suite);
  body.Raw(h.transfer_id);
  RETURN_IF_ERROR(body.Str8(h.sender_id));
  body.Raw(h.sender_key_id);
  body.I64(h.created_at);
  body.I64(h.expires_at);
  RETURN_IF_ERROR(body.Str8(h.content_type));
  body.U32(h.chunk_size);
  body.U64(h.plaintext_size);
  body.Raw(h.key_commitment);
  body.Raw(h.ciphertext_hash);
  body.U8(static_cast<uint8_t>(h.recipients.size()));
  for (const RecipientEntry& r : h.recipients) {
    RETURN_IF_ERROR(body.Str8(r.agency_id));
    if (r.box_key_id.size() != kKeyIdBytes) {
      return absl::InvalidArgumentError(
          "recipient key id has the wrong length");
    }
    body.Raw(r.box_key_id);
  }
  ByteWriter out;
  out.Raw(kEnvelopeMagic);
  out.U8(kFormatVersion);
  out.U32(static_cast<uint32_t>(body.bytes().size()));
  out.Raw(body.bytes());
  return out.Release();
}

absl::StatusOr<uint32_t> ParsePrefix(absl::string_view prefix) {
  if (prefix.size() < kEnvelopeMagic.size() ||
      prefix.substr(0, kEnvelopeMagic.size()) != kEnvelopeMagic) {
    return EnvelopeError(absl::StatusCode::kInvalidArgument,
                         EnvelopeFailure::kNotAnEnvelope,
                         "not a Handover envelope (bad magic)");
  }
  if (prefix.size() < kPrefixBytes) {
    return EnvelopeError(absl::StatusCode::kDataLoss,
                         EnvelopeFailure::kTruncated,
                         "envelope ends inside its prefix");
  }
  uint8_t version = static_cast<uint8_t>(prefix[kEnvelopeMagic.size()]);
  if (version != kFormatVersion) {
    return EnvelopeError(
        absl::StatusCode::kInvalidArgument, EnvelopeFailure::kUnknownVersion,
        absl::StrCat("unsupported envelope format version ", int{version},
                     " (this build reads version 1)"));
  }
  uint32_t length =
      LoadU32(reinterpret_cast<const unsigned char*>(prefix.data()) + 9);
  if (length > kMaxHeaderBytes) {
    return EnvelopeError(absl::StatusCode::kResourceExhausted,
                         EnvelopeFailure::kHeaderTooLarge,
                         absl::StrCat("envelope header of ", length,
                                      " bytes exceeds the 65536-byte limit"));
  }
  return length;
}

absl::StatusOr<EnvelopeHeader> ParseHeader(absl::string_view signed_bytes) {
  ASSIGN_OR_RETURN(uint32_t length, ParsePrefix(signed_bytes));
  if (signed_bytes.size() - kPrefixBytes != length) {
    return Malformed("header length does not match the prefix");
  }
  ByteReader r(signed_bytes.substr(kPrefixBytes));
  EnvelopeHeader h;
  ASSIGN_OR_RETURN(h.suite, Field(r.U8("suite")));
  ASSIGN_OR_RETURN(auto transfer_id,
                   Field(r.Raw(kTransferIdBytes, "transfer id")));
  ASSIGN_OR_RETURN(auto sender_id, Field(r.Str8("sender id")));
  ASSIGN_OR_RETURN(auto sender_key_id,
                   Field(r.Raw(kKeyIdBytes, "sender key id")));
  ASSIGN_OR_RETURN(h.created_at, Field(r.I64("created_at")));
  ASSIGN_OR_RETURN(h.expires_at, Field(r.I64("expires_at")));
  ASSIGN_OR_RETURN(auto content_type, Field(r.Str8("content type")));
  ASSIGN_OR_RETURN(h.chunk_size, Field(r.U32("chunk size")));
  ASSIGN_OR_RETURN(h.plaintext_size, Field(r.U64("plaintext size")));
  ASSIGN_OR_RETURN(auto commitment,
                   Field(r.Raw(kKeyCommitmentBytes, "key commitment")));
  ASSIGN_OR_RETURN(auto hash,
                   Field(r.Raw(kCiphertextHashBytes, "ciphertext hash")));
  ASSIGN_OR_RETURN(uint8_t count, Field(r.U8("recipient count")));
  h.transfer_id = std::string(transfer_id);
  h.sender_id = std::string(sender_id);
  h.sender_key_id = std::string(sender_key_id);
  h.content_type = std::string(content_type);
  h.key_commitment = std::string(commitment);
  h.ciphertext_hash = std::string(hash);
  for (int i = 0; i < count; ++i) {
    ASSIGN_OR_RETURN(auto id, Field(r.Str8("recipient id")));
    ASSIGN_OR_RETURN(auto key_id,
                     Field(r.Raw(kKeyIdBytes, "recipient key id")));
    h.recipients.push_back({std::string(id), std::string(key_id)});
  }
  if (r.remaining() != 0) return Malformed("trailing bytes after recipients");
  RETURN_IF_ERROR(CheckSemantics(h));
  return h;
}

uint64_t EnvelopeHeader::CiphertextOffset() const {
  uint64_t header_len = 1 + kTransferIdBytes + 1 + sender_id.size() +
                        kKeyIdBytes + 8 + 8 + 1 + content_type.size() + 4 + 8 +
                        kKeyCommitmentBytes + kCiphertextHashBytes + 1;
  for (const RecipientEntry& r : recipients) {
    header_len += 1 + r.agency_id.size() + kKeyIdBytes;
  }
  return kPrefixBytes + header_len + kSignatureBytes +
         recipients.size() * kWrappedKeyBytes;
}

}  // namespace handover::crypto
