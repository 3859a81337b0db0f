#include "loadgen/network_start.h"

#include <algorithm>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "harness/move_calls.h"

namespace handover::bench {

absl::StatusOr<std::unique_ptr<integration::TestNetwork>> StartLoadNetwork(
    const integration::NetworkOptions& options,
    const std::vector<std::string>& submitters) {
  auto net = integration::TestNetwork::Create(options);
  if (!net.ok()) return net.status();
  for (const std::string& id : submitters) {
    (*net)->node_settings(id).extra_toml =
        "\n[limits]\nsubmissions_per_minute_per_client = 1000000\n";
  }
  if (absl::Status s = (*net)->StartAll(); !s.ok()) return s;
  return net;
}

TlsMaterial BaselineTls(integration::TestNetwork& net,
                        const std::string& client_cert) {
  return {net.CaPath(), net.CertPath("router"), net.KeyPath("router"),
          net.CertPath(client_cert), net.KeyPath(client_cert)};
}

handover::v1::CaseBundle ChildRecord(uint64_t i) {
  handover::v1::CaseBundle bundle =
      integration::RichBundle(absl::StrCat("BENCH-MOVE-", i));
  bundle.mutable_identity()->clear_nhs_number();
  handover::v1::LocalCaseId* id =
      bundle.mutable_identity()->add_local_case_ids();
  id->set_system("load generator case system");
  id->set_id(absl::StrCat("CHILD-", i));
  return bundle;
}

absl::Status WritePayloadFile(const std::string& path, uint64_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  std::string block(1 << 20, '\0');
  for (size_t i = 0; i < block.size(); ++i) block[i] = static_cast<char>(i);
  for (uint64_t written = 0; written < size;) {
    const uint64_t n = std::min<uint64_t>(block.size(), size - written);
    out.write(block.data(), static_cast<std::streamsize>(n));
    written += n;
  }
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

}  // namespace handover::bench
