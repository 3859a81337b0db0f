#include "directory/strict_json.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace handover::directory {
namespace {

using Json = nlohmann::json;

// nlohmann's SAX interface. Every callback returns false to stop at the
// first problem, which is recorded in `error`; nothing here throws.
class StrictHandler {
 public:
  explicit StrictHandler(int max_depth) : max_depth_(max_depth) {}

  bool null() { return Fail("null is not allowed"); }
  bool boolean(bool) { return true; }
  bool number_integer(Json::number_integer_t) { return true; }
  bool number_unsigned(Json::number_unsigned_t) { return true; }
  bool number_float(Json::number_float_t, const Json::string_t&) {
    return true;
  }
  bool string(Json::string_t&) { return true; }
  bool binary(Json::binary_t&) { return Fail("binary values are not JSON"); }
  bool start_object(size_t) {
    keys_.emplace_back();
    return Enter();
  }
  bool key(Json::string_t& key) {
    std::string folded;
    for (char c : key) {
      if (c != '_') folded.push_back(absl::ascii_tolower(c));
    }
    if (!keys_.back().insert(folded).second) {
      return Fail(absl::StrCat("field \"", absl::CHexEscape(key),
                               "\" appears more than once in one object"));
    }
    return true;
  }
  bool end_object() {
    keys_.pop_back();
    --depth_;
    return true;
  }
  bool start_array(size_t) { return Enter(); }
  bool end_array() {
    --depth_;
    return true;
  }
  bool parse_error(size_t position, const std::string&,
                   const nlohmann::detail::exception& e) {
    // The library's message starts "[json.exception.parse_error.101] ".
    std::string what = e.what();
    if (const size_t end = what.find("] "); end != std::string::npos) {
      what.erase(0, end + 2);
    }
    error =
        what.find("at line ") != std::string::npos
            ? absl::StrCat("not valid JSON: ", what)
            : absl::StrCat("not valid JSON near byte ", position, ": ", what);
    return false;
  }

  std::string error;

 private:
  bool Enter() {
    if (++depth_ > max_depth_) {
      return Fail(absl::StrCat("nested more than ", max_depth_, " deep"));
    }
    return true;
  }
  bool Fail(std::string what) {
    error = std::move(what);
    return false;
  }

  int max_depth_;
  int depth_ = 0;
  std::vector<absl::flat_hash_set<std::string>> keys_;
};

}  // namespace

absl::Status CheckStrictJson(absl::string_view json, int max_depth) {
  if (json.substr(0, 3) == "\xef\xbb\xbf") {
    return absl::InvalidArgumentError(
        "starts with a byte order mark; write UTF-8 without one");
  }
  StrictHandler handler(max_depth);
  const bool ok = Json::sax_parse(json.data(), json.data() + json.size(),
                                  &handler, Json::input_format_t::json,
                                  /*strict=*/true, /*ignore_comments=*/false);
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(handler.error.empty() ? "not valid JSON"
                                                          : handler.error);
}

}  // namespace handover::directory
