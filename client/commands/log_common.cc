#include "commands/log_common.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cli_output.h"
#include "crypto/key_file.h"
#include "duration.h"

namespace handover::cli {

namespace v1 = handover::v1;

absl::StatusOr<v1::SignedTreeHead> FetchTreeHead(NodeConnection& node,
                                                 bool publish) {
  v1::GetTreeHeadRequest request;
  request.set_publish(publish);
  return CallNode(node, "GetTreeHead", &v1::Node::Stub::GetTreeHead, request);
}

absl::StatusOr<std::vector<crypto::PublicIdentity>> LoadPublicKeys(
    const std::vector<std::string>& paths) {
  std::vector<crypto::PublicIdentity> keys;
  for (const std::string& path : paths) {
    absl::StatusOr<crypto::PublicIdentity> key =
        NameFile(crypto::LoadPublicIdentity(path), {path});
    if (!key.ok()) return key.status();
    keys.push_back(*std::move(key));
  }
  return keys;
}

CLI::Validator RootHashValidator() {
  return CLI::Validator(
      [](std::string& hex) -> std::string {
        bool ok = hex.size() == 64;
        for (char c : hex) ok = ok && absl::ascii_isxdigit(c);
        if (!ok) {
          return "a root hash is 64 hex digits, as `handover log head` "
                 "prints it";
        }
        hex = absl::AsciiStrToLower(hex);
        return "";
      },
      "HEX");
}

std::string RootHashBytes(const std::string& hex) {
  return absl::HexStringToBytes(hex);
}

absl::StatusOr<absl::Time> ParseLogTime(const std::string& text,
                                        absl::Time now) {
  if (absl::StatusOr<absl::Time> t = ParseTimestamp(text); t.ok()) return t;
  if (absl::StatusOr<absl::Duration> ago = ParseDuration(text); ago.ok()) {
    return now - *ago;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("'", text,
                   "' is not a time; use RFC 3339 (2026-12-04T10:15:00Z) or "
                   "how long ago (30m, 2h, 7d)"));
}

CLI::Validator LogTimeValidator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        absl::StatusOr<absl::Time> t = ParseLogTime(text, absl::Now());
        return t.ok() ? "" : std::string(t.status().message());
      },
      "TIME");
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp out;
  const int64_t seconds = absl::ToUnixSeconds(t);  // rounds down
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return out;
}

void AddListFormatOption(CLI::App* app, LogFormat* format) {
  app->add_option_function<std::string>(
         "--format",
         [format](const std::string& name) {
           *format = name == "json"  ? LogFormat::kJson
                     : name == "csv" ? LogFormat::kCsv
                                     : LogFormat::kTable;
         },
         "Output format: table (or text) for people, csv (RFC 4180, with a "
         "header row) or json for scripts")
      ->check(CLI::IsMember({"table", "text", "csv", "json"}))
      ->default_str("table");
}

}  // namespace handover::cli
