#include "bundle/postcode.h"

#include "absl/strings/ascii.h"
#include "bundle/bundle_validate.h"

namespace handover::bundle {
namespace {

// Royal Mail never uses these letters in an inward code, because they are
// easily misread (C/G, I/1, K/X, M/N, O/0, V/U).
bool IsInwardLetter(char c) {
  return c >= 'A' && c <= 'Z' &&
         absl::string_view("CIKMOV").find(c) == absl::string_view::npos;
}

bool IsInwardCode(absl::string_view s) {
  return s.size() == 3 && absl::ascii_isdigit(s[0]) && IsInwardLetter(s[1]) &&
         IsInwardLetter(s[2]);
}

}  // namespace

bool IsUkPostcode(absl::string_view postcode) {
  // The longest form is "AA9A 9AA"; bounding first keeps the copy small.
  if (postcode.size() < 6 || postcode.size() > 8) return false;
  const std::string upper = absl::AsciiStrToUpper(postcode);
  const size_t space = upper.find(' ');
  if (space == std::string::npos) return false;
  const absl::string_view text(upper);
  return IsValidPostcodeDistrict(text.substr(0, space)) &&
         IsInwardCode(text.substr(space + 1));
}

std::string PostcodeDistrict(absl::string_view postcode) {
  if (!IsUkPostcode(postcode)) return "";
  return absl::AsciiStrToUpper(postcode.substr(0, postcode.find(' ')));
}

}  // namespace handover::bundle
