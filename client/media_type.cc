#include "media_type.h"

#include <map>

#include "absl/strings/ascii.h"

namespace handover::cli {

std::string GuessMediaType(absl::string_view file_name) {
  static const auto* const kTypes = new std::map<std::string, std::string>{
      {"pdf", "application/pdf"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"png", "image/png"},
      {"txt", "text/plain"},
      {"json", "application/json"},
      {"doc", "application/msword"},
      {"docx",
       "application/"
       "vnd.openxmlformats-officedocument.wordprocessingml.document"},
  };
  const size_t dot = file_name.rfind('.');
  if (dot != absl::string_view::npos) {
    auto it = kTypes->find(absl::AsciiStrToLower(file_name.substr(dot + 1)));
    if (it != kTypes->end()) return it->second;
  }
  return "application/octet-stream";
}

}  // namespace handover::cli
