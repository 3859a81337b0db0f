#include "directory/signed_directory.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/unknown_field_set.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "crypto/secret_bytes.h"
#include "crypto/signing.h"
#include "directory/directory_validate.h"

namespace handover::directory {
namespace {

namespace v1 = handover::v1;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Directory -> Agency -> AgencyKey -> Timestamp is 4 deep; allow some slack.
constexpr int kMaxRecursion = 8;

// Binary parsing keeps fields it does not know; a strict reader refuses
// them, since a dropped field could be one that matters (a revocation).
bool HasUnknownFields(const Message& message) {
  const Reflection* reflection = message.GetReflection();
  if (!reflection->GetUnknownFields(message).empty()) return true;
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (!field->is_repeated()) {
      if (HasUnknownFields(reflection->GetMessage(message, field))) return true;
      continue;
    }
    for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
      if (HasUnknownFields(reflection->GetRepeatedMessage(message, field, i))) {
        return true;
      }
    }
  }
  return false;
}

absl::Status ParseStrictly(absl::string_view bytes, Message* message,
                           absl::string_view what) {
  google::protobuf::io::CodedInputStream input(
      reinterpret_cast<const uint8_t*>(bytes.data()),
      static_cast<int>(bytes.size()));
  input.SetRecursionLimit(kMaxRecursion);
  // Protobuf logs invalid UTF-8 to stderr as well as failing; the returned
  // status is the one report.
  google::protobuf::LogSilencer silence_protobuf_log;
  if (!message->ParseFromCodedStream(&input) ||
      !input.ConsumedEntireMessage()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " is not a valid ", message->GetTypeName()));
  }
  if (HasUnknownFields(*message)) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " holds fields this version of handover does not know"));
  }
  return absl::OkStatus();
}

// Steps 1 and 2 of VerifySignedDirectory.
absl::StatusOr<v1::SignedDirectory> ParseOuter(absl::string_view bytes) {
  if (bytes.size() > kMaxSignedDirectoryBytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("signed directory is ", bytes.size(),
                     " bytes; the limit is ", kMaxSignedDirectoryBytes));
  }
  v1::SignedDirectory signed_directory;
  RETURN_IF_ERROR(ParseStrictly(bytes, &signed_directory, "signed directory"));
  // One encoding only: no repeated, reordered or padded fields.
  if (signed_directory.SerializeAsString() != bytes) {
    return absl::InvalidArgumentError(
        "signed directory is not in canonical protobuf encoding");
  }
  if (signed_directory.signature().size() != crypto::kSignatureBytes ||
      signed_directory.authority_key_id().size() != crypto::kKeyIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("signed directory must carry a ", crypto::kSignatureBytes,
                     "-byte signature and a ", crypto::kKeyIdBytes,
                     "-byte authority key id"));
  }
  return signed_directory;
}

absl::Status CheckSignature(const v1::SignedDirectory& signed_directory,
                            const crypto::PublicIdentity& trust_root) {
  const std::string trusted_id = trust_root.sign_key_id();
  if (!crypto::ConstantTimeEquals(signed_directory.authority_key_id(),
                                  trusted_id)) {
    return absl::UnauthenticatedError(absl::StrCat(
        "directory is signed by authority key ",
        crypto::ToHex(signed_directory.authority_key_id()),
        ", not by the trust root key ", crypto::ToHex(trusted_id)));
  }
  absl::Status verified = crypto::VerifyDetached(
      trust_root, kDirectorySignatureContext, signed_directory.directory(),
      signed_directory.signature());
  if (verified.code() == absl::StatusCode::kUnauthenticated) {
    return absl::UnauthenticatedError(
        absl::StrCat("directory signature does not verify with the trust "
                     "root key ",
                     crypto::ToHex(trusted_id),
                     ": the directory or its signature was altered"));
  }
  return verified;
}

}  // namespace

absl::StatusOr<std::string> SignDirectory(
    const v1::Directory& directory, const crypto::SecretIdentity& authority) {
  RETURN_IF_ERROR(ValidateDirectory(directory));
  v1::SignedDirectory signed_directory;
  if (!directory.SerializeToString(signed_directory.mutable_directory())) {
    return absl::InternalError("cannot serialize the directory");
  }
  ASSIGN_OR_RETURN(*signed_directory.mutable_signature(),
                   crypto::SignDetached(authority, kDirectorySignatureContext,
                                        signed_directory.directory()));
  signed_directory.set_authority_key_id(
      authority.public_identity().sign_key_id());
  std::string out = signed_directory.SerializeAsString();
  if (out.size() > kMaxSignedDirectoryBytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("signed directory would be ", out.size(),
                     " bytes; the limit is ", kMaxSignedDirectoryBytes));
  }
  return out;
}

absl::StatusOr<v1::Directory> VerifySignedDirectory(
    absl::string_view signed_bytes, const crypto::PublicIdentity& trust_root,
    uint64_t minimum_version) {
  ASSIGN_OR_RETURN(const v1::SignedDirectory signed_directory,
                   ParseOuter(signed_bytes));
  RETURN_IF_ERROR(CheckSignature(signed_directory, trust_root));
  v1::Directory directory;
  RETURN_IF_ERROR(ParseStrictly(signed_directory.directory(), &directory,
                                "signed directory content"));
  if (directory.version() < minimum_version) {
    return absl::FailedPreconditionError(absl::StrCat(
        "directory version ", directory.version(), " is older than version ",
        minimum_version, ", the oldest this reader accepts (a rollback)"));
  }
  RETURN_IF_ERROR(ValidateDirectory(directory));
  return directory;
}

absl::StatusOr<UnverifiedDirectory> ParseSignedDirectoryUnverified(
    absl::string_view signed_bytes) {
  ASSIGN_OR_RETURN(v1::SignedDirectory signed_directory,
                   ParseOuter(signed_bytes));
  UnverifiedDirectory out;
  RETURN_IF_ERROR(ParseStrictly(signed_directory.directory(), &out.directory,
                                "signed directory content"));
  out.authority_key_id = signed_directory.authority_key_id();
  return out;
}

}  // namespace handover::directory
