#include "crypto/key_file.h"

#include <sodium.h>
#include <sys/stat.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/byte_io.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "crypto/sodium_util.h"

namespace handover::crypto {
namespace {

constexpr absl::string_view kPublicMagic = "HANDOVPK";
constexpr absl::string_view kSecretMagic = "HANDOVSK";
constexpr uint8_t kKeyFileVersion = 1;
constexpr size_t kCheckBytes = 16;
constexpr absl::string_view kCheckContext = "handover/v1/key-file";

std::string Checksum(absl::string_view body) {
  return ContextHash(kCheckContext, body, kCheckBytes);
}

// Checks magic, version and checksum, and returns the bytes between the
// version byte and the checksum.
absl::StatusOr<absl::string_view> OpenKeyFileBody(absl::string_view bytes,
                                                  absl::string_view magic,
                                                  absl::string_view kind) {
  if (bytes.size() < magic.size() + 1 + kCheckBytes ||
      bytes.substr(0, magic.size()) != magic) {
    return absl::DataLossError(
        absl::StrCat("not a Handover ", kind, " key file"));
  }
  uint8_t version = static_cast<uint8_t>(bytes[magic.size()]);
  if (version != kKeyFileVersion) {
    return absl::InvalidArgumentError(
        absl::StrCat("unsupported ", kind, " key file version ", int{version}));
  }
  absl::string_view body = bytes.substr(0, bytes.size() - kCheckBytes);
  absl::string_view check = bytes.substr(bytes.size() - kCheckBytes);
  if (!ConstantTimeEquals(Checksum(body), check)) {
    return absl::DataLossError(
        absl::StrCat(kind, " key file is corrupt (checksum mismatch)"));
  }
  return body.substr(magic.size() + 1);
}

std::string JoinPath(const std::string& dir, absl::string_view name) {
  return (std::filesystem::path(dir) / std::string(name)).string();
}

absl::Status Annotate(const absl::Status& s, absl::string_view path) {
  return absl::Status(s.code(), absl::StrCat(path, ": ", s.message()));
}

}  // namespace

std::string EncodePublicKeyFile(const PublicIdentity& identity) {
  ByteWriter w;
  w.Raw(kPublicMagic);
  w.U8(kKeyFileVersion);
  w.Str8(identity.agency_id).IgnoreError();  // ids are validated to <= 64
  w.Raw(identity.sign_public_key);
  w.Raw(identity.box_public_key);
  w.Raw(Checksum(w.bytes()));
  return w.Release();
}

absl::StatusOr<PublicIdentity> ParsePublicKeyFile(absl::string_view bytes) {
  ASSIGN_OR_RETURN(absl::string_view body,
                   OpenKeyFileBody(bytes, kPublicMagic, "public"));
  ByteReader r(body);
  PublicIdentity id;
  ASSIGN_OR_RETURN(absl::string_view agency, r.Str8("agency id"));
  ASSIGN_OR_RETURN(absl::string_view sign_pk,
                   r.Raw(kSignPublicKeyBytes, "signing key"));
  ASSIGN_OR_RETURN(absl::string_view box_pk,
                   r.Raw(kBoxPublicKeyBytes, "encryption key"));
  RETURN_IF_ERROR(r.ExpectEnd("public key file"));
  id.agency_id = std::string(agency);
  id.sign_public_key = std::string(sign_pk);
  id.box_public_key = std::string(box_pk);
  RETURN_IF_ERROR(id.Validate());
  return id;
}

SecretBytes EncodeSecretKeyFile(const SecretIdentity& identity) {
  const size_t id_len = identity.agency_id().size();
  const size_t total = kSecretMagic.size() + 1 + 1 + id_len +
                       kSignSecretKeyBytes + kBoxSecretKeyBytes + kCheckBytes;
  SecretBytes out(total);
  unsigned char* p = out.data();
  auto put = [&p](absl::string_view s) {
    std::copy(s.begin(), s.end(), p);
    p += s.size();
  };
  put(kSecretMagic);
  *p++ = kKeyFileVersion;
  *p++ = static_cast<unsigned char>(id_len);
  put(identity.agency_id());
  put(identity.sign_secret_key().view());
  put(identity.box_secret_key().view());
  put(Checksum(out.view().substr(0, total - kCheckBytes)));
  return out;
}

absl::StatusOr<SecretIdentity> ParseSecretKeyFile(absl::string_view bytes) {
  ASSIGN_OR_RETURN(absl::string_view body,
                   OpenKeyFileBody(bytes, kSecretMagic, "secret"));
  ByteReader r(body);
  ASSIGN_OR_RETURN(absl::string_view agency, r.Str8("agency id"));
  ASSIGN_OR_RETURN(absl::string_view sign_sk,
                   r.Raw(kSignSecretKeyBytes, "signing key"));
  ASSIGN_OR_RETURN(absl::string_view box_sk,
                   r.Raw(kBoxSecretKeyBytes, "encryption key"));
  RETURN_IF_ERROR(r.ExpectEnd("secret key file"));
  return SecretIdentity::FromSecretKeys(agency, sign_sk, box_sk);
}

absl::Status WriteKeyDirectory(const std::string& dir,
                               const SecretIdentity& identity) {
  RETURN_IF_ERROR(MakeDirectories(dir, 0700));
  const std::string secret_path = JoinPath(dir, kSecretKeyFileName);
  std::error_code ec;
  if (std::filesystem::exists(secret_path, ec)) {
    return absl::AlreadyExistsError(absl::StrCat(
        secret_path, " already exists; refusing to overwrite a secret key"));
  }
  SecretBytes secret = EncodeSecretKeyFile(identity);
  RETURN_IF_ERROR(WriteFileAtomically(secret_path, secret.view(), 0600));
  return WriteFileAtomically(JoinPath(dir, kPublicKeyFileName),
                             EncodePublicKeyFile(identity.public_identity()),
                             0644);
}

absl::StatusOr<SecretIdentity> LoadSecretIdentity(const std::string& path) {
  std::error_code ec;
  std::string file = std::filesystem::is_directory(path, ec)
                         ? JoinPath(path, kSecretKeyFileName)
                         : path;
  ASSIGN_OR_RETURN(std::string bytes,
                   ReadSecretFileBounded(file, kMaxKeyFileBytes));
  absl::StatusOr<SecretIdentity> identity = ParseSecretKeyFile(bytes);
  Wipe(bytes.data(), bytes.size());
  if (!identity.ok()) return Annotate(identity.status(), file);
  return identity;
}

absl::StatusOr<PublicIdentity> LoadPublicIdentity(const std::string& path) {
  std::error_code ec;
  std::string file = std::filesystem::is_directory(path, ec)
                         ? JoinPath(path, kPublicKeyFileName)
                         : path;
  ASSIGN_OR_RETURN(std::string bytes, ReadFileBounded(file, kMaxKeyFileBytes));
  absl::StatusOr<PublicIdentity> identity = ParsePublicKeyFile(bytes);
  if (!identity.ok()) return Annotate(identity.status(), file);
  return identity;
}

}  // namespace handover::crypto
