// A small guess at an attachment's media type from its file extension, so
// that a photo sealed as photo.jpg arrives labelled image/jpeg.
#ifndef HANDOVER_CLIENT_MEDIA_TYPE_H_
#define HANDOVER_CLIENT_MEDIA_TYPE_H_

#include <string>
#include "absl/strings/string_view.h"

namespace handover::cli {

// The media type for `file_name`'s extension (case-insensitive), or
// "application/octet-stream" for an extension not in the table.
std::string GuessMediaType(absl::string_view file_name);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_MEDIA_TYPE_H_
