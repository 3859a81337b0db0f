#include "deliverylog/log_entry_codec.h"

#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/byte_io.h"
#include "common/status_macros.h"
#include "crypto/identity.h"
#include "deliverylog/delivery_log.h"

namespace handover::deliverylog {
namespace {

namespace v1 = handover::v1;

// google.protobuf.Timestamp's range: 0001-01-01 to 9999-12-31.
constexpr int64_t kMinSeconds = -62135596800;
constexpr int64_t kMaxSeconds = 253402300799;

absl::Status Invalid(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("log entry: ", what));
}

// The length of the well-formed UTF-8 sequence at s[pos] (shortest form,
// no surrogates, at most U+10FFFF) with its code point in *cp, or 0.
size_t DecodeUtf8(absl::string_view s, size_t pos, char32_t* cp) {
  const auto byte = [&](size_t i) {
    return static_cast<unsigned char>(s[pos + i]);
  };
  const unsigned char b0 = byte(0);
  size_t len;
  char32_t min;
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  } else if ((b0 & 0xe0) == 0xc0) {
    len = 2, min = 0x80, *cp = b0 & 0x1f;
  } else if ((b0 & 0xf0) == 0xe0) {
    len = 3, min = 0x800, *cp = b0 & 0x0f;
  } else if ((b0 & 0xf8) == 0xf0) {
    len = 4, min = 0x10000, *cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (s.size() - pos < len) return 0;
  for (size_t i = 1; i < len; ++i) {
    if ((byte(i) & 0xc0) != 0x80) return 0;
    *cp = (*cp << 6) | (byte(i) & 0x3f);
  }
  if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff)) {
    return 0;
  }
  return len;
}

// C0 and C1 controls, DEL, the Unicode line and paragraph separators, and
// the bidi embeddings, overrides and isolates, which can make a listed
// line read differently from what it holds.
bool IsForbidden(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 ||
         cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

absl::Status CheckText(absl::string_view field, absl::string_view text,
                       size_t max_bytes) {
  if (text.size() > max_bytes) {
    return Invalid(absl::StrCat(field, " is ", text.size(),
                                " bytes; the limit is ", max_bytes));
  }
  for (size_t pos = 0; pos < text.size();) {
    char32_t cp;
    const size_t len = DecodeUtf8(text, pos, &cp);
    if (len == 0) {
      return Invalid(absl::StrCat(field, " is not valid UTF-8 at byte ", pos));
    }
    if (IsForbidden(cp)) {
      return Invalid(absl::StrCat(
          field, " holds a control or line-break character at byte ", pos));
    }
    pos += len;
  }
  return absl::OkStatus();
}

absl::Status CheckAgency(absl::string_view field, absl::string_view id) {
  if (id.empty()) return absl::OkStatus();
  if (id.size() > kMaxIdBytes) {
    return Invalid(absl::StrCat(field, " is ", id.size(),
                                " bytes; the limit is ", kMaxIdBytes));
  }
  if (absl::Status s = crypto::ValidateAgencyId(id); !s.ok()) {
    return Invalid(absl::StrCat(field, " is not an agency id: ", s.message()));
  }
  return absl::OkStatus();
}

absl::Status CheckBytes(absl::string_view field, absl::string_view bytes,
                        size_t want) {
  if (!bytes.empty() && bytes.size() != want) {
    return Invalid(absl::StrCat(field, " is ", bytes.size(), " bytes, not ",
                                want, " or empty"));
  }
  return absl::OkStatus();
}

absl::Status CheckTime(const v1::LogEntry& entry) {
  if (!entry.has_time()) return Invalid("time is missing");
  const google::protobuf::Timestamp& t = entry.time();
  if (t.seconds() < kMinSeconds || t.seconds() > kMaxSeconds || t.nanos() < 0 ||
      t.nanos() > 999999999) {
    return Invalid("time is outside years 0001 to 9999");
  }
  if (t.nanos() % 1000 != 0) {
    return Invalid("time is not in whole microseconds");
  }
  return absl::OkStatus();
}

// A u16-length-prefixed field; the caller has checked the length fits.
void Put16(ByteWriter& w, absl::string_view bytes) {
  w.U16(static_cast<uint16_t>(bytes.size()));
  w.Raw(bytes);
}

}  // namespace

absl::Status ValidateEntry(const v1::LogEntry& entry) {
  RETURN_IF_ERROR(CheckTime(entry));
  if (entry.event() == v1::LOG_EVENT_KIND_UNSPECIFIED ||
      !v1::LogEventKind_IsValid(entry.event())) {
    return Invalid("event is unspecified or unknown");
  }
  RETURN_IF_ERROR(
      CheckBytes("transfer_id", entry.transfer_id(), kTransferIdBytes));
  RETURN_IF_ERROR(
      CheckBytes("envelope_hash", entry.envelope_hash(), kEnvelopeHashBytes));
  RETURN_IF_ERROR(CheckAgency("sender", entry.sender()));
  RETURN_IF_ERROR(CheckAgency("recipient", entry.recipient()));
  RETURN_IF_ERROR(CheckText("view", entry.view(), kMaxViewBytes));
  RETURN_IF_ERROR(CheckText("actor", entry.actor(), kMaxActorBytes));
  RETURN_IF_ERROR(CheckText("detail", entry.detail(), kMaxDetailBytes));
  // SQLite integers are signed 64-bit.
  if (entry.size() >
      static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return Invalid("size is not below 2^63");
  }
  return absl::OkStatus();
}

std::string EncodeLeaf(const v1::LogEntry& entry) {
  for (const std::string* field :
       {&entry.transfer_id(), &entry.sender(), &entry.recipient(),
        &entry.view(), &entry.envelope_hash(), &entry.actor(),
        &entry.detail()}) {
    if (field->size() > std::numeric_limits<uint16_t>::max()) return "";
  }
  ByteWriter w;
  w.Raw(kLeafContext);
  w.U64(entry.index());
  w.I64(TimestampMicros(entry.time()));
  w.U32(static_cast<uint32_t>(entry.event()));
  Put16(w, entry.transfer_id());
  Put16(w, entry.sender());
  Put16(w, entry.recipient());
  Put16(w, entry.view());
  w.U64(entry.size());
  Put16(w, entry.envelope_hash());
  Put16(w, entry.actor());
  Put16(w, entry.detail());
  return w.Release();
}

int64_t TimestampMicros(const google::protobuf::Timestamp& t) {
  // Unsigned arithmetic wraps where signed would overflow (undefined).
  const uint64_t micros = static_cast<uint64_t>(t.seconds()) * 1000000u +
                          static_cast<uint64_t>(t.nanos() / 1000);
  return static_cast<int64_t>(micros);
}

google::protobuf::Timestamp MicrosToTimestamp(int64_t micros) {
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {  // nanos must be >= 0: borrow a second
    rest += 1000000;
    --seconds;
  }
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  t.set_nanos(static_cast<int32_t>(rest * 1000));
  return t;
}

}  // namespace handover::deliverylog
