#include "directory/directory_view.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "directory/directory_validate.h"

namespace handover::directory {
namespace {

namespace v1 = handover::v1;

absl::Time ToTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

std::string Utc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

crypto::PublicIdentity IdentityOf(const v1::Agency& agency,
                                  const v1::AgencyKey& key) {
  return {agency.id(), key.sign_public_key(), key.box_public_key()};
}

}  // namespace

DirectoryView::DirectoryView(v1::Directory directory)
    : directory_(std::move(directory)) {
  for (int i = 0; i < directory_.agencies_size(); ++i) {
    const v1::Agency& agency = directory_.agencies(i);
    by_id_.emplace(agency.id(), i);
    if (!agency.tls_cert_sha256().empty()) {
      by_cert_.emplace(agency.tls_cert_sha256(), i);
    }
    for (const std::string& area : agency.areas()) by_area_[area].push_back(i);
  }
}

absl::StatusOr<std::unique_ptr<DirectoryView>> DirectoryView::Create(
    v1::Directory directory) {
  RETURN_IF_ERROR(ValidateDirectory(directory));
  return std::unique_ptr<DirectoryView>(
      new DirectoryView(std::move(directory)));
}

absl::StatusOr<const v1::Agency*> DirectoryView::FindAgency(
    absl::string_view id) const {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) {
    return absl::NotFoundError(absl::StrCat(
        "agency \"", id, "\" is not in directory version ", version()));
  }
  return &directory_.agencies(it->second);
}

absl::StatusOr<const v1::Agency*> DirectoryView::FindAgencyByCertSha256(
    absl::string_view cert_sha256_hex) const {
  auto it = by_cert_.find(cert_sha256_hex);
  if (it == by_cert_.end()) {
    return absl::NotFoundError(absl::StrCat(
        "no agency in directory version ", version(),
        " has a TLS certificate with SHA-256 ",
        IsValidCertSha256(cert_sha256_hex) ? cert_sha256_hex : "(malformed)"));
  }
  return &directory_.agencies(it->second);
}

absl::StatusOr<std::vector<const v1::AgencyKey*>> DirectoryView::ValidKeysAt(
    const v1::Agency& agency, absl::Time at) const {
  if (agency.status() != v1::AGENCY_STATUS_ACTIVE) {
    return absl::PermissionDeniedError(
        absl::StrCat("agency \"", agency.id(), "\" was revoked at ",
                     Utc(ToTime(agency.revoked_at())), " (directory version ",
                     version(), ")"));
  }
  return KeysValidAt(agency, at, /*include_compromised=*/false);
}

absl::StatusOr<std::vector<const v1::AgencyKey*>> DirectoryView::KeysValidAt(
    const v1::Agency& agency, absl::Time at, bool include_compromised) const {
  std::vector<const v1::AgencyKey*> keys;
  const v1::AgencyKey* compromised = nullptr;
  for (const v1::AgencyKey& key : agency.keys()) {
    if (ToTime(key.not_before()) <= at && at < ToTime(key.not_after())) {
      if (!include_compromised && CompromisedSince(agency, key).has_value()) {
        compromised = &key;
        continue;
      }
      keys.push_back(&key);
    }
  }
  if (keys.empty() && compromised != nullptr) {
    return CheckNotCompromised(agency.id(),
                               crypto::KeyIdOf(compromised->sign_public_key()));
  }
  if (keys.empty()) {
    return absl::NotFoundError(
        absl::StrCat("agency \"", agency.id(), "\" has no key valid at ",
                     Utc(at), " (directory version ", version(), ")"));
  }
  return keys;
}

absl::StatusOr<std::vector<crypto::PublicIdentity>>
DirectoryView::SigningKeysAt(absl::string_view id, absl::Time at) const {
  ASSIGN_OR_RETURN(const v1::Agency* agency, FindAgency(id));
  ASSIGN_OR_RETURN(const std::vector<const v1::AgencyKey*> keys,
                   ValidKeysAt(*agency, at));
  std::vector<crypto::PublicIdentity> out;
  for (const v1::AgencyKey* key : keys) {
    out.push_back(IdentityOf(*agency, *key));
  }
  return out;
}

absl::StatusOr<std::vector<crypto::PublicIdentity>>
DirectoryView::SigningKeysForAccepted(absl::string_view id,
                                      absl::Time signed_at,
                                      absl::Time accepted_at) const {
  ASSIGN_OR_RETURN(const v1::Agency* agency, FindAgency(id));
  if (agency->status() != v1::AGENCY_STATUS_ACTIVE &&
      ToTime(agency->revoked_at()) <= accepted_at) {
    return ValidKeysAt(*agency, signed_at).status();  // the revocation error
  }
  ASSIGN_OR_RETURN(
      const std::vector<const v1::AgencyKey*> keys,
      KeysValidAt(*agency, signed_at, /*include_compromised=*/true));
  std::vector<crypto::PublicIdentity> out;
  for (const v1::AgencyKey* key : keys) {
    out.push_back(IdentityOf(*agency, *key));
  }
  return out;
}

absl::StatusOr<crypto::PublicIdentity> DirectoryView::EncryptionKeyAt(
    absl::string_view id, absl::Time at) const {
  ASSIGN_OR_RETURN(const v1::Agency* agency, FindAgency(id));
  ASSIGN_OR_RETURN(const std::vector<const v1::AgencyKey*> keys,
                   ValidKeysAt(*agency, at));
  const v1::AgencyKey* newest = keys.front();
  for (const v1::AgencyKey* key : keys) {
    if (ToTime(key->not_before()) > ToTime(newest->not_before())) newest = key;
  }
  return IdentityOf(*agency, *newest);
}

std::optional<absl::Time> DirectoryView::CompromisedSince(
    const v1::Agency& agency, const v1::AgencyKey& key) {
  if (key.has_compromised_since()) return ToTime(key.compromised_since());
  if (agency.status() == v1::AGENCY_STATUS_REVOKED &&
      agency.has_compromised_since()) {
    return ToTime(agency.compromised_since());
  }
  return std::nullopt;
}

absl::Status DirectoryView::CheckNotCompromised(
    absl::string_view id, absl::string_view sign_key_id) const {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return absl::OkStatus();
  const v1::Agency& agency = directory_.agencies(it->second);
  for (const v1::AgencyKey& key : agency.keys()) {
    if (crypto::KeyIdOf(key.sign_public_key()) != sign_key_id) continue;
    std::optional<absl::Time> since = CompromisedSince(agency, key);
    if (!since.has_value()) return absl::OkStatus();
    return absl::PermissionDeniedError(
        absl::StrCat("signing key ", crypto::ToHex(sign_key_id),
                     " of agency \"", id, "\" is revoked: compromised since ",
                     Utc(*since), " (directory version ", version(), ")"));
  }
  return absl::OkStatus();
}

std::vector<CompromisedKey> DirectoryView::CompromisedKeys() const {
  std::vector<CompromisedKey> out;
  for (const v1::Agency& agency : directory_.agencies()) {
    for (const v1::AgencyKey& key : agency.keys()) {
      std::optional<absl::Time> since = CompromisedSince(agency, key);
      if (!since.has_value()) continue;
      out.push_back(
          {agency.id(), crypto::KeyIdOf(key.sign_public_key()), *since});
    }
  }
  return out;
}

std::vector<const v1::Agency*> DirectoryView::AgenciesServing(
    absl::string_view area, v1::AgencyKind kind) const {
  std::vector<const v1::Agency*> out;
  auto it = by_area_.find(area);
  if (it == by_area_.end()) return out;
  for (int i : it->second) {
    const v1::Agency& agency = directory_.agencies(i);
    if (agency.status() == v1::AGENCY_STATUS_ACTIVE &&
        (kind == v1::AGENCY_KIND_UNSPECIFIED || agency.kind() == kind)) {
      out.push_back(&agency);
    }
  }
  return out;
}

}  // namespace handover::directory
