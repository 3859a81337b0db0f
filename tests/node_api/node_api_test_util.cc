#include "node_api/node_api_test_util.h"

#include <cstdlib>
#include <map>

#include "absl/strings/str_cat.h"
#include "crypto/sha256.h"
#include "google/protobuf/timestamp.pb.h"

namespace handover::node::api::testing {
namespace {

namespace v1 = handover::v1;

google::protobuf::Timestamp Ts(absl::Time t) {
  google::protobuf::Timestamp out;
  out.set_seconds(absl::ToUnixSeconds(t));
  return out;
}

v1::Agency AgencyOf(const std::string& id, v1::AgencyKind kind,
                    const std::string& area, absl::Time not_before) {
  const crypto::PublicIdentity& key = Identity(id).public_identity();
  v1::Agency agency;
  agency.set_id(id);
  agency.set_name(absl::StrCat("Test agency ", id));
  agency.set_kind(kind);
  agency.add_areas(area);
  v1::AgencyKey* k = agency.add_keys();
  k->set_sign_public_key(key.sign_public_key);
  k->set_box_public_key(key.box_public_key);
  *k->mutable_not_before() = Ts(not_before);
  *k->mutable_not_after() = Ts(kT0 + absl::Hours(24 * 365));
  agency.set_tls_cert_sha256(crypto::Sha256Hex(id));
  agency.set_status(v1::AGENCY_STATUS_ACTIVE);
  return agency;
}

}  // namespace

const crypto::SecretIdentity& Identity(const std::string& agency_id) {
  static auto* identities = new std::map<std::string, crypto::SecretIdentity>;
  auto it = identities->find(agency_id);
  if (it == identities->end()) {
    absl::StatusOr<crypto::SecretIdentity> made =
        crypto::SecretIdentity::Generate(agency_id);
    if (!made.ok()) std::abort();
    it = identities->emplace(agency_id, *std::move(made)).first;
  }
  return it->second;
}

v1::Directory TestDirectory(uint64_t version) {
  v1::Directory directory;
  directory.set_version(version);
  *directory.mutable_issued_at() = Ts(kT0);
  *directory.add_agencies() =
      AgencyOf(kOwnId, v1::AGENCY_KIND_LOCAL_AUTHORITY_CHILDRENS_SERVICES,
               "E08000007", kT0);
  *directory.add_agencies() =
      AgencyOf(kPeerId, v1::AGENCY_KIND_LOCAL_AUTHORITY_CHILDRENS_SERVICES,
               "E08000025", kT0);
  *directory.add_agencies() =
      AgencyOf(kPoliceId, v1::AGENCY_KIND_POLICE_FORCE, "E08000025", kT0);
  v1::Agency revoked =
      AgencyOf(kRevokedId, v1::AGENCY_KIND_HEALTH_TEAM, "E08000025", kT0);
  revoked.set_status(v1::AGENCY_STATUS_REVOKED);
  *revoked.mutable_revoked_at() = Ts(kT0);
  *directory.add_agencies() = revoked;
  *directory.add_agencies() =
      AgencyOf(kNotYetLiveId, v1::AGENCY_KIND_HEALTH_TEAM, "E08000007",
               kT0 + absl::Hours(24 * 100));
  return directory;
}

std::shared_ptr<const directory::DirectoryView> TestDirectoryView() {
  absl::StatusOr<std::unique_ptr<directory::DirectoryView>> view =
      directory::DirectoryView::Create(TestDirectory());
  if (!view.ok()) std::abort();
  return std::shared_ptr<const directory::DirectoryView>(std::move(*view));
}

v1::CaseBundle MinimalBundle() {
  v1::CaseBundle bundle;
  bundle.mutable_metadata()->set_schema_version(1);
  *bundle.mutable_metadata()->mutable_created_time() = Ts(kT0);
  bundle.mutable_identity()->set_given_names("Test");
  bundle.mutable_identity()->set_family_name("Child");
  return bundle;
}

}  // namespace handover::node::api::testing
