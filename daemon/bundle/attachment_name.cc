#include "bundle/attachment_name.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace handover::bundle {
namespace {

// Decodes one UTF-8 sequence at s[pos]. Returns its length in bytes and sets
// *cp, or returns 0 if the bytes there are not well-formed UTF-8.
size_t DecodeUtf8(absl::string_view s, size_t pos, char32_t* cp) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  const uint8_t b0 = byte(pos);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  size_t len;
  char32_t min;
  if ((b0 & 0xe0) == 0xc0) {
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
    const uint8_t b = byte(pos + i);
    if ((b & 0xc0) != 0x80) return 0;
    *cp = (*cp << 6) | (b & 0x3f);
  }
  if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff)) {
    return 0;
  }
  return len;
}

bool IsBidiControl(char32_t cp) {
  return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

absl::Status Invalid(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("attachment name ", why));
}

// Checks each character; the name is known to be 1..255 bytes.
absl::Status CheckCharacters(absl::string_view name) {
  for (size_t pos = 0; pos < name.size();) {
    char32_t cp;
    const size_t len = DecodeUtf8(name, pos, &cp);
    if (len == 0)
      return Invalid(absl::StrCat("is not valid UTF-8 at byte ", pos));
    if (cp == '/') return Invalid("contains '/'");
    if (cp == '\\') return Invalid("contains '\\'");
    if (cp == 0) return Invalid("contains a NUL byte");
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
      return Invalid(
          absl::StrCat("contains a control character at byte ", pos));
    }
    if (IsBidiControl(cp)) {
      return Invalid(absl::StrCat(
          "contains a bidirectional formatting character at byte ", pos));
    }
    pos += len;
  }
  return absl::OkStatus();
}

}  // namespace

bool IsValidUtf8(absl::string_view s) {
  for (size_t pos = 0; pos < s.size();) {
    char32_t cp;
    const size_t len = DecodeUtf8(s, pos, &cp);
    if (len == 0) return false;
    pos += len;
  }
  return true;
}

absl::Status ValidateAttachmentName(absl::string_view name) {
  if (name.empty()) return Invalid("is empty");
  if (name.size() > kMaxAttachmentNameBytes) {
    return Invalid(absl::StrCat("is ", name.size(), " bytes; the limit is ",
                                kMaxAttachmentNameBytes));
  }
  if (name == "." || name == "..") return Invalid("is \".\" or \"..\"");
  RETURN_IF_ERROR(CheckCharacters(name));
  if (name.front() == '.') return Invalid("starts with '.'");
  if (name.back() == ' ') return Invalid("ends with a space");
  if (name.back() == '.') return Invalid("ends with '.'");
  return absl::OkStatus();
}

}  // namespace handover::bundle
