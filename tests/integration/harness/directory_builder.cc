#include "harness/directory_builder.h"

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "directory/signed_directory.h"

namespace handover::integration {

namespace v1 = handover::v1;

v1::AgencyKey MakeAgencyKey(const crypto::PublicIdentity& key,
                            absl::Time not_before, absl::Time not_after) {
  v1::AgencyKey entry;
  entry.set_sign_public_key(key.sign_public_key);
  entry.set_box_public_key(key.box_public_key);
  entry.mutable_not_before()->set_seconds(absl::ToUnixSeconds(not_before));
  entry.mutable_not_after()->set_seconds(absl::ToUnixSeconds(not_after));
  return entry;
}

v1::Agency* FindAgency(v1::Directory* directory, absl::string_view id) {
  for (v1::Agency& agency : *directory->mutable_agencies()) {
    if (agency.id() == id) return &agency;
  }
  return nullptr;
}

const v1::Agency* FindAgency(const v1::Directory& directory,
                             absl::string_view id) {
  for (const v1::Agency& agency : directory.agencies()) {
    if (agency.id() == id) return &agency;
  }
  return nullptr;
}

absl::Status RevokeAgency(v1::Directory* directory, absl::string_view id,
                          absl::Time when) {
  v1::Agency* agency = FindAgency(directory, id);
  if (agency == nullptr) {
    return absl::NotFoundError(absl::StrCat("no agency ", id));
  }
  agency->set_status(v1::AGENCY_STATUS_REVOKED);
  agency->mutable_revoked_at()->set_seconds(absl::ToUnixSeconds(when));
  return absl::OkStatus();
}

std::vector<crypto::PublicIdentity> PublicKeysOf(const v1::Agency& agency) {
  std::vector<crypto::PublicIdentity> keys;
  for (const v1::AgencyKey& key : agency.keys()) {
    keys.push_back(crypto::PublicIdentity{agency.id(), key.sign_public_key(),
                                          key.box_public_key()});
  }
  return keys;
}

absl::Status WriteSignedDirectory(const v1::Directory& directory,
                                  const crypto::SecretIdentity& authority,
                                  const std::string& path) {
  ASSIGN_OR_RETURN(std::string signed_bytes,
                   directory::SignDirectory(directory, authority));
  return WriteFileAtomically(path, signed_bytes, 0644);
}

}  // namespace handover::integration
