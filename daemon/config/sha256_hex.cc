#include "config/sha256_hex.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "config/quoted.h"

namespace handover::config {
namespace {

constexpr size_t kDigits = 64;

// True for "ab:cd:...": pairs of digits separated by single colons.
bool IsColonForm(absl::string_view text) {
  if (text.size() != kDigits + kDigits / 2 - 1) return false;
  for (size_t i = 2; i < text.size(); i += 3) {
    if (text[i] != ':') return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::string> ParseSha256Hex(absl::string_view text) {
  std::string digits = IsColonForm(text)
                           ? absl::StrReplaceAll(text, {{":", ""}})
                           : std::string(text);
  bool ok = digits.size() == kDigits;
  for (char c : digits) ok = ok && absl::ascii_isxdigit(c);
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        Quoted(text),
        " is not a SHA-256 digest; expected 64 hex digits (colons between "
        "pairs are allowed)"));
  }
  return absl::AsciiStrToLower(digits);
}

}  // namespace handover::config
