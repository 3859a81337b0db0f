// Safe attachment names, and the UTF-8 check they (and the JSON reader) need.
//
// An attachment name becomes a file name on every receiving node, so it must
// be a plain basename that cannot climb out of a directory, hide itself, or
// spoof its extension. Error messages never echo the name: names are chosen
// by case systems and may contain a child's name.
//
// Free functions, no state; thread-safe.
#ifndef HANDOVER_BUNDLE_ATTACHMENT_NAME_H_
#define HANDOVER_BUNDLE_ATTACHMENT_NAME_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace handover::bundle {

inline constexpr size_t kMaxAttachmentNameBytes = 255;

// OK if `name` is a safe basename; otherwise InvalidArgument saying which rule
// failed. The rules:
// - 1 to 255 bytes of valid UTF-8 (shortest form, no surrogates);
// - no '/', '\\' or NUL;
// - no control characters: C0 (below 0x20), DEL (0x7f) or C1 (U+0080 to
//   U+009F);
// - no bidirectional formatting characters (U+202A to U+202E, U+2066 to
//   U+2069), which can make "exe.jpg" display as "gpj.exe";
// - not "." or "..", and no leading '.' (no hidden files);
// - no trailing space or '.' (Windows strips them, so two names could
//   collide).
absl::Status ValidateAttachmentName(absl::string_view name);

// True if `s` is well-formed UTF-8: shortest-form sequences only, no
// surrogate code points (U+D800 to U+DFFF), nothing above U+10FFFF.
bool IsValidUtf8(absl::string_view s);

}  // namespace handover::bundle

#endif  // HANDOVER_BUNDLE_ATTACHMENT_NAME_H_
