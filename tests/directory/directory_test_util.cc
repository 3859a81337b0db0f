#include "directory_test_util.h"

#include <cstdlib>

#include "crypto/sodium_util.h"

namespace handover::directory::testing {

namespace v1 = handover::v1;

google::protobuf::Timestamp Ts(absl::Time t) {
  google::protobuf::Timestamp out;
  out.set_seconds(absl::ToUnixSeconds(t));
  return out;
}

crypto::SecretIdentity NewIdentity(const std::string& id) {
  auto identity = crypto::SecretIdentity::Generate(id);
  if (!identity.ok()) std::abort();
  return *std::move(identity);
}

v1::AgencyKey KeyOf(const crypto::PublicIdentity& identity,
                    absl::Time not_before, absl::Time not_after) {
  v1::AgencyKey key;
  key.set_sign_public_key(identity.sign_public_key);
  key.set_box_public_key(identity.box_public_key);
  *key.mutable_not_before() = Ts(not_before);
  *key.mutable_not_after() = Ts(not_after);
  return key;
}

v1::Agency ActiveAgency(const std::string& id, v1::AgencyKind kind,
                        const std::vector<std::string>& areas,
                        const crypto::PublicIdentity& key) {
  v1::Agency agency;
  agency.set_id(id);
  agency.set_name("Test agency " + id);
  agency.set_kind(kind);
  for (const std::string& area : areas) agency.add_areas(area);
  *agency.add_keys() = KeyOf(key, kT0, kT0 + absl::Hours(24 * 365));
  // Any 64 lower-case hex characters will do.
  agency.set_tls_cert_sha256(
      crypto::ToHex(crypto::KeyIdOf(id) + crypto::KeyIdOf(id + "/tls")));
  agency.set_status(v1::AGENCY_STATUS_ACTIVE);
  return agency;
}

v1::Directory ValidDirectory(uint64_t version) {
  v1::Directory directory;
  directory.set_version(version);
  *directory.mutable_issued_at() = Ts(kT0);
  *directory.add_agencies() = ActiveAgency(
      "stockport-cs", v1::AGENCY_KIND_LOCAL_AUTHORITY_CHILDRENS_SERVICES,
      {"E08000007"}, NewIdentity("stockport-cs").public_identity());
  std::vector<std::string> gm;
  for (int i = 1; i <= 10; ++i) {
    gm.push_back(i < 10 ? "E0800000" + std::to_string(i) : "E08000010");
  }
  *directory.add_agencies() =
      ActiveAgency("gmp", v1::AGENCY_KIND_POLICE_FORCE, gm,
                   NewIdentity("gmp").public_identity());
  return directory;
}

}  // namespace handover::directory::testing
