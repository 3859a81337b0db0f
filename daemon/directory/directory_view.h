// DirectoryView answers the questions the daemons ask of a verified
// directory: who is this agency, which of its keys are valid now, and who
// serves an area.
//
// Build one from the output of VerifySignedDirectory; Create checks the
// content rules again (ValidateDirectory) but not the signature. A view is
// immutable once built, so any number of threads may use one at a time; a
// daemon that picks up a newer directory builds a new view and swaps a
// std::shared_ptr<const DirectoryView>. Pointers a view returns stay valid
// for the view's lifetime.
#ifndef HANDOVER_DIRECTORY_DIRECTORY_VIEW_H_
#define HANDOVER_DIRECTORY_DIRECTORY_VIEW_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crypto/identity.h"
#include "handover/v1/directory.pb.h"

namespace handover::directory {

// A signing key the directory marks compromised (AgencyKey's
// compromised_since, or a revoked agency's own compromised_since).
struct CompromisedKey {
  std::string agency_id;
  std::string sign_key_id;  // 16 bytes, as crypto::KeyIdOf gives it
  absl::Time since;
};

class DirectoryView {
 public:
  // InvalidArgument if `directory` breaks a content rule.
  static absl::StatusOr<std::unique_ptr<DirectoryView>> Create(
      handover::v1::Directory directory);

  DirectoryView(const DirectoryView&) = delete;
  DirectoryView& operator=(const DirectoryView&) = delete;

  uint64_t version() const { return directory_.version(); }
  const handover::v1::Directory& directory() const { return directory_; }

  // The agency with `id`, active or revoked; NotFound if none.
  absl::StatusOr<const handover::v1::Agency*> FindAgency(
      absl::string_view id) const;

  // The agency whose TLS certificate has this SHA-256 (lower-case hex),
  // active or revoked; NotFound if none.
  absl::StatusOr<const handover::v1::Agency*> FindAgencyByCertSha256(
      absl::string_view cert_sha256_hex) const;

  // The agency's keys valid at `at` (not_before <= at < not_after), in
  // directory order: two during a rotation overlap. Each identity carries
  // the agency id and both public keys. A compromised key is never among
  // them. NotFound for an unknown agency or when no key is valid at `at`;
  // PermissionDenied for a revoked agency, or when every key valid at `at`
  // is compromised.
  absl::StatusOr<std::vector<crypto::PublicIdentity>> SigningKeysAt(
      absl::string_view id, absl::Time at) const;

  // For a record this node accepted at `accepted_at` and that was signed at
  // `signed_at`: the agency's keys valid at `signed_at`, even if the agency
  // was revoked later, so records delivered before a revocation stay
  // readable. PermissionDenied if the revocation came at or before
  // `accepted_at`; otherwise errors as SigningKeysAt.
  absl::StatusOr<std::vector<crypto::PublicIdentity>> SigningKeysForAccepted(
      absl::string_view id, absl::Time signed_at, absl::Time accepted_at) const;

  // The key to encrypt to at `at`: of the valid keys, the one that went live
  // last. Errors as SigningKeysAt.
  absl::StatusOr<crypto::PublicIdentity> EncryptionKeyAt(absl::string_view id,
                                                         absl::Time at) const;

  // PermissionDenied, naming the key as revoked, if the signing key with
  // `sign_key_id` of agency `id` is compromised; OK otherwise (also for an
  // unknown agency or key: the other lookups say so).
  absl::Status CheckNotCompromised(absl::string_view id,
                                   absl::string_view sign_key_id) const;

  // Every compromised signing key, in directory order.
  std::vector<CompromisedKey> CompromisedKeys() const;

  // When `key` of `agency` was compromised, if it was: the key's own
  // compromised_since, else a revoked agency's compromised_since.
  static std::optional<absl::Time> CompromisedSince(
      const handover::v1::Agency& agency, const handover::v1::AgencyKey& key);

  // The ACTIVE agencies of `kind` that serve `area` (a GSS code), in
  // directory order. AGENCY_KIND_UNSPECIFIED matches every kind.
  std::vector<const handover::v1::Agency*> AgenciesServing(
      absl::string_view area, handover::v1::AgencyKind kind) const;

 private:
  explicit DirectoryView(handover::v1::Directory directory);

  // The agency's keys valid at `at`, with the errors SigningKeysAt documents.
  absl::StatusOr<std::vector<const handover::v1::AgencyKey*>> ValidKeysAt(
      const handover::v1::Agency& agency, absl::Time at) const;
  // The keys valid at `at`, whatever the agency's status; compromised ones
  // only if `include_compromised` (records accepted before stay readable).
  absl::StatusOr<std::vector<const handover::v1::AgencyKey*>> KeysValidAt(
      const handover::v1::Agency& agency, absl::Time at,
      bool include_compromised) const;

  const handover::v1::Directory directory_;
  // Indexes into directory_.agencies().
  absl::flat_hash_map<std::string, int> by_id_;
  absl::flat_hash_map<std::string, int> by_cert_;
  absl::flat_hash_map<std::string, std::vector<int>> by_area_;
};

}  // namespace handover::directory

#endif  // HANDOVER_DIRECTORY_DIRECTORY_VIEW_H_
