#include "directory/directory_json.h"

#include <google/protobuf/util/json_util.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "crypto/key_file.h"
#include "directory/strict_json.h"

namespace handover::directory {
namespace {

namespace v1 = handover::v1;

absl::Status WithPrefix(absl::string_view prefix, const absl::Status& status) {
  return absl::Status(status.code(),
                      absl::StrCat(prefix, ": ", status.message()));
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp out;
  out.set_seconds(absl::ToUnixSeconds(t));
  return out;
}

std::string ResolvePath(const std::string& base_dir, const std::string& path) {
  const std::filesystem::path p(path);
  if (p.is_absolute() || base_dir.empty()) return path;
  return (std::filesystem::path(base_dir) / p).string();
}

absl::StatusOr<v1::AgencyKey> LoadKey(const v1::AgencySource& agency,
                                      const v1::AgencyKeySource& source,
                                      const std::string& base_dir) {
  if (source.public_key_file().empty()) {
    return absl::InvalidArgumentError("public_key_file is missing");
  }
  const std::string path = ResolvePath(base_dir, source.public_key_file());
  ASSIGN_OR_RETURN(const crypto::PublicIdentity identity,
                   crypto::LoadPublicIdentity(path));
  if (identity.agency_id != agency.id()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is a key of agency \"", identity.agency_id,
                     "\", not of this one"));
  }
  v1::AgencyKey key;
  key.set_sign_public_key(identity.sign_public_key);
  key.set_box_public_key(identity.box_public_key);
  if (source.has_not_before()) *key.mutable_not_before() = source.not_before();
  if (source.has_not_after()) *key.mutable_not_after() = source.not_after();
  if (source.has_compromised_since()) {
    *key.mutable_compromised_since() = source.compromised_since();
  }
  return key;
}

absl::StatusOr<v1::Agency> BuildAgency(const v1::AgencySource& source,
                                       const std::string& base_dir) {
  // AgencySource shares Agency's field numbers for everything but keys, so
  // the wire format copies those fields; the key sources (field 10) become
  // unknown fields and are dropped.
  v1::Agency agency;
  if (!agency.ParseFromString(source.SerializeAsString())) {
    return absl::InternalError("cannot convert an AgencySource");
  }
  agency.DiscardUnknownFields();
  for (int i = 0; i < source.keys_size(); ++i) {
    absl::StatusOr<v1::AgencyKey> key =
        LoadKey(source, source.keys(i), base_dir);
    if (!key.ok()) {
      return WithPrefix(absl::StrCat("agency \"", source.id(), "\": keys[", i,
                                     "].public_key_file"),
                        key.status());
    }
    *agency.add_keys() = *std::move(key);
  }
  return agency;
}

}  // namespace

absl::StatusOr<v1::DirectorySource> ParseDirectorySourceJson(
    absl::string_view json) {
  if (json.size() > kMaxDirectoryJsonBytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("directory JSON is ", json.size(), " bytes; the limit is ",
                     kMaxDirectoryJsonBytes));
  }
  RETURN_IF_ERROR(CheckStrictJson(json, kMaxDirectoryJsonDepth));
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  options.case_insensitive_enum_parsing = false;
  v1::DirectorySource source;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &source,
      options);
  if (!status.ok()) {
    // Protobuf prefixes the field path, or ": " when there is none.
    absl::string_view message(status.message().data(), status.message().size());
    message = message.substr(0, message.find('\n'));
    if (message.substr(0, 2) == ": ") message.remove_prefix(2);
    return absl::InvalidArgumentError(message);
  }
  return source;
}

absl::StatusOr<v1::Directory> BuildDirectory(const v1::DirectorySource& source,
                                             const std::string& base_dir,
                                             absl::Time issued_at) {
  v1::Directory directory;
  directory.set_version(source.version());
  *directory.mutable_issued_at() = ToTimestamp(issued_at);
  for (const v1::AgencySource& agency : source.agencies()) {
    ASSIGN_OR_RETURN(*directory.add_agencies(), BuildAgency(agency, base_dir));
  }
  return directory;
}

absl::StatusOr<v1::Directory> ReadDirectoryJsonFile(const std::string& path,
                                                    absl::Time issued_at) {
  ASSIGN_OR_RETURN(const std::string json,
                   ReadFileBounded(path, kMaxDirectoryJsonBytes));
  absl::StatusOr<v1::DirectorySource> source = ParseDirectorySourceJson(json);
  if (!source.ok()) return WithPrefix(path, source.status());
  const std::string base_dir =
      std::filesystem::path(path).parent_path().string();
  absl::StatusOr<v1::Directory> directory =
      BuildDirectory(*source, base_dir, issued_at);
  if (!directory.ok()) return WithPrefix(path, directory.status());
  return directory;
}

}  // namespace handover::directory
