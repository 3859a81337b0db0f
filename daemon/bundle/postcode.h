// UK postcodes, as a move notice gives a placement's: the shape only, to
// catch typing mistakes. This is not a lookup against the Royal Mail
// address file, so a well-formed postcode that does not exist passes.
//
//   postcode = outward " " inward          ; exactly one space
//   outward  = A9 | A99 | A9A | AA9 | AA99 | AA9A
//   inward   = 9 AA                        ; letters not C I K M O V
//
// Letters may be in either case. Free functions; thread-safe.
#ifndef HANDOVER_BUNDLE_POSTCODE_H_
#define HANDOVER_BUNDLE_POSTCODE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace handover::bundle {

// True for "B15 2TT", "M1 1AE", "SW1A 1AA", "sw1a 1aa".
bool IsUkPostcode(absl::string_view postcode);

// The outward code in upper case ("SW1A" for "sw1a 1aa"), which is the
// postcode district that IsValidPostcodeDistrict() accepts; "" if
// `postcode` is not IsUkPostcode().
std::string PostcodeDistrict(absl::string_view postcode);

}  // namespace handover::bundle

#endif  // HANDOVER_BUNDLE_POSTCODE_H_
