#include "commands/log_common.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "cli_output.h"
#include "crypto/key_file.h"

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

}  // namespace handover::cli
