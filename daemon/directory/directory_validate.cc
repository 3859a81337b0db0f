#include "directory/directory_validate.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "crypto/identity.h"

namespace handover::directory {
namespace {

namespace v1 = handover::v1;
using google::protobuf::Timestamp;

// The range google.protobuf.Timestamp allows: 0001-01-01 to 9999-12-31.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;

// `where` is empty for fields of the directory itself.
absl::Status Invalid(absl::string_view where, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(
      "directory is invalid: ", where, where.empty() ? "" : ": ", what));
}

bool IsValidTimestamp(const Timestamp& t) {
  return t.seconds() >= kMinTimestampSeconds &&
         t.seconds() <= kMaxTimestampSeconds && t.nanos() >= 0 &&
         t.nanos() <= 999999999;
}

bool Before(const Timestamp& a, const Timestamp& b) {
  return a.seconds() < b.seconds() ||
         (a.seconds() == b.seconds() && a.nanos() < b.nanos());
}

// A timestamp field, checked when present; `required` makes absence an error.
absl::Status CheckTime(absl::string_view where, absl::string_view field,
                       bool present, const Timestamp& t, bool required) {
  if (!present) {
    return required ? Invalid(where, absl::StrCat(field, " is missing"))
                    : absl::OkStatus();
  }
  if (!IsValidTimestamp(t)) {
    return Invalid(where,
                   absl::StrCat(field, " is outside years 0001 to 9999"));
  }
  return absl::OkStatus();
}

absl::Status CheckName(absl::string_view where, absl::string_view name) {
  if (absl::StripAsciiWhitespace(name).empty()) {
    return Invalid(where, "name is missing");
  }
  if (name.size() > kMaxAgencyNameBytes) {
    return Invalid(
        where, absl::StrCat("name is ", name.size(), " bytes; the limit is ",
                            kMaxAgencyNameBytes));
  }
  if (std::any_of(name.begin(), name.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
      })) {
    return Invalid(where, "name holds a control character");
  }
  return absl::OkStatus();
}

absl::Status CheckEnums(absl::string_view where, const v1::Agency& a) {
  if (a.kind() == v1::AGENCY_KIND_UNSPECIFIED) {
    return Invalid(where, "kind is missing");
  }
  if (!v1::AgencyKind_IsValid(a.kind())) {
    return Invalid(where, absl::StrCat("kind ", a.kind(), " is not known"));
  }
  if (a.status() == v1::AGENCY_STATUS_UNSPECIFIED) {
    return Invalid(where, "status is missing");
  }
  if (!v1::AgencyStatus_IsValid(a.status())) {
    return Invalid(where, absl::StrCat("status ", a.status(), " is not known"));
  }
  return absl::OkStatus();
}

absl::Status CheckAreas(absl::string_view where, const v1::Agency& a) {
  if (a.areas_size() > kMaxAreasPerAgency) {
    return Invalid(
        where, absl::StrCat("lists ", a.areas_size(), " areas; the limit is ",
                            kMaxAreasPerAgency));
  }
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < a.areas_size(); ++i) {
    const std::string field = absl::StrCat("areas[", i, "]");
    if (!IsValidGssCode(a.areas(i))) {
      return Invalid(where, absl::StrCat(field,
                                         " is not an ONS GSS code (one "
                                         "upper-case letter and 8 digits)"));
    }
    if (!seen.insert(a.areas(i)).second) {
      return Invalid(where, absl::StrCat(field, " ", a.areas(i),
                                         " is listed more than once"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckKey(absl::string_view where, int index,
                      const v1::AgencyKey& key) {
  const std::string field = absl::StrCat("keys[", index, "]");
  if (key.sign_public_key().size() != crypto::kSignPublicKeyBytes) {
    return Invalid(where, absl::StrCat(field,
                                       ".sign_public_key must be 32 "
                                       "bytes, got ",
                                       key.sign_public_key().size()));
  }
  if (key.box_public_key().size() != crypto::kBoxPublicKeyBytes) {
    return Invalid(where, absl::StrCat(field,
                                       ".box_public_key must be 32 "
                                       "bytes, got ",
                                       key.box_public_key().size()));
  }
  RETURN_IF_ERROR(CheckTime(where, absl::StrCat(field, ".not_before"),
                            key.has_not_before(), key.not_before(), true));
  RETURN_IF_ERROR(CheckTime(where, absl::StrCat(field, ".not_after"),
                            key.has_not_after(), key.not_after(), true));
  RETURN_IF_ERROR(CheckTime(where, absl::StrCat(field, ".compromised_since"),
                            key.has_compromised_since(),
                            key.compromised_since(), false));
  if (!Before(key.not_before(), key.not_after())) {
    return Invalid(where, absl::StrCat(field,
                                       ": not_before must be before "
                                       "not_after"));
  }
  return absl::OkStatus();
}

absl::Status CheckKeys(absl::string_view where, const v1::Agency& a) {
  if (a.keys_size() > kMaxKeysPerAgency) {
    return Invalid(where,
                   absl::StrCat("lists ", a.keys_size(), " keys; the limit is ",
                                kMaxKeysPerAgency));
  }
  if (a.keys_size() == 0 && a.status() == v1::AGENCY_STATUS_ACTIVE) {
    return Invalid(where, "an active agency needs at least one key");
  }
  for (int i = 0; i < a.keys_size(); ++i) {
    RETURN_IF_ERROR(CheckKey(where, i, a.keys(i)));
  }
  return absl::OkStatus();
}

absl::Status CheckStatusFields(absl::string_view where, const v1::Agency& a) {
  const bool active = a.status() == v1::AGENCY_STATUS_ACTIVE;
  if (!a.tls_cert_sha256().empty() && !IsValidCertSha256(a.tls_cert_sha256())) {
    return Invalid(where,
                   "tls_cert_sha256 must be 64 lower-case hex "
                   "characters");
  }
  if (active && a.tls_cert_sha256().empty()) {
    return Invalid(where,
                   "tls_cert_sha256 is missing (required for an "
                   "active agency)");
  }
  if (active && a.has_revoked_at()) {
    return Invalid(where, "revoked_at is set but status is ACTIVE");
  }
  RETURN_IF_ERROR(CheckTime(where, "revoked_at", a.has_revoked_at(),
                            a.revoked_at(), !active));
  return CheckTime(where, "compromised_since", a.has_compromised_since(),
                   a.compromised_since(), false);
}

absl::Status ValidateAgency(int index, const v1::Agency& a) {
  if (absl::Status s = crypto::ValidateAgencyId(a.id()); !s.ok()) {
    return Invalid(absl::StrCat("agencies[", index, "].id"), s.message());
  }
  const std::string where = absl::StrCat("agency \"", a.id(), "\"");
  RETURN_IF_ERROR(CheckName(where, a.name()));
  RETURN_IF_ERROR(CheckEnums(where, a));
  RETURN_IF_ERROR(CheckAreas(where, a));
  RETURN_IF_ERROR(CheckKeys(where, a));
  return CheckStatusFields(where, a);
}

// Ids, keys and certificate fingerprints each name exactly one agency, so
// that a signature, a ciphertext or a TLS peer maps to one agency only.
class UniquenessCheck {
 public:
  absl::Status Add(const v1::Agency& a) {
    const std::string where = absl::StrCat("agency \"", a.id(), "\"");
    if (!ids_.insert(a.id()).second) {
      return Invalid(where, "id is listed more than once");
    }
    for (int i = 0; i < a.keys_size(); ++i) {
      const std::string field = absl::StrCat("keys[", i, "]");
      RETURN_IF_ERROR(Claim(&sign_keys_, a.keys(i).sign_public_key(), a.id(),
                            where, field + ".sign_public_key"));
      RETURN_IF_ERROR(Claim(&box_keys_, a.keys(i).box_public_key(), a.id(),
                            where, field + ".box_public_key"));
    }
    if (a.tls_cert_sha256().empty()) return absl::OkStatus();
    return Claim(&certs_, a.tls_cert_sha256(), a.id(), where,
                 "tls_cert_sha256");
  }

 private:
  using Owners = absl::flat_hash_map<std::string, std::string>;

  static absl::Status Claim(Owners* owners, const std::string& value,
                            const std::string& id, absl::string_view where,
                            absl::string_view field) {
    auto [it, inserted] = owners->emplace(value, id);
    if (inserted) return absl::OkStatus();
    return Invalid(where,
                   absl::StrCat(field, " is already listed for agency \"",
                                it->second, "\""));
  }

  absl::flat_hash_set<std::string> ids_;
  Owners sign_keys_;
  Owners box_keys_;
  Owners certs_;
};

}  // namespace

absl::Status ValidateDirectory(const v1::Directory& directory) {
  if (directory.version() == 0)
    return Invalid("", "version must be at least 1");
  RETURN_IF_ERROR(CheckTime("", "issued_at", directory.has_issued_at(),
                            directory.issued_at(), true));
  if (directory.agencies_size() > kMaxAgencies) {
    return Invalid("", absl::StrCat("lists ", directory.agencies_size(),
                                    " agencies; the limit is ", kMaxAgencies));
  }
  UniquenessCheck unique;
  for (int i = 0; i < directory.agencies_size(); ++i) {
    RETURN_IF_ERROR(ValidateAgency(i, directory.agencies(i)));
    RETURN_IF_ERROR(unique.Add(directory.agencies(i)));
  }
  return absl::OkStatus();
}

bool IsValidGssCode(absl::string_view code) {
  return code.size() == 9 && code[0] >= 'A' && code[0] <= 'Z' &&
         std::all_of(code.begin() + 1, code.end(), absl::ascii_isdigit);
}

bool IsValidCertSha256(absl::string_view hex) {
  return hex.size() == kCertSha256HexChars &&
         std::all_of(hex.begin(), hex.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace handover::directory
