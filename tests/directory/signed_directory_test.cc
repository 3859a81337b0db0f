// Signing and verifying the directory: the round trip and every way a
// reader must refuse a signed directory.
#include "directory/signed_directory.h"

#include <string>

#include "crypto/signing.h"
#include "directory_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::directory {
namespace {

namespace v1 = handover::v1;
using ::testing::HasSubstr;
using testing::NewIdentity;
using testing::ValidDirectory;

class SignedDirectoryTest : public ::testing::Test {
 protected:
  const crypto::PublicIdentity& root() const {
    return authority_.public_identity();
  }
  std::string SignValid(uint64_t version = 5) {
    auto signed_bytes = SignDirectory(ValidDirectory(version), authority_);
    EXPECT_OK(signed_bytes.status());
    return signed_bytes.value_or("");
  }
  static v1::SignedDirectory Outer(const std::string& bytes) {
    v1::SignedDirectory outer;
    EXPECT_TRUE(outer.ParseFromString(bytes));
    return outer;
  }
  // A SignedDirectory over arbitrary bytes, signed properly by `signer`.
  static std::string SignRaw(const std::string& directory_bytes,
                             const crypto::SecretIdentity& signer) {
    v1::SignedDirectory outer;
    outer.set_directory(directory_bytes);
    outer.set_signature(*crypto::SignDetached(
        signer, kDirectorySignatureContext, directory_bytes));
    outer.set_authority_key_id(signer.public_identity().sign_key_id());
    return outer.SerializeAsString();
  }

  crypto::SecretIdentity authority_ = NewIdentity("directory-authority");
};

TEST_F(SignedDirectoryTest, RoundTripGivesTheSameDirectory) {
  const v1::Directory directory = ValidDirectory(5);
  ASSERT_OK_AND_ASSIGN(const std::string signed_bytes,
                       SignDirectory(directory, authority_));
  ASSERT_OK_AND_ASSIGN(const v1::Directory verified,
                       VerifySignedDirectory(signed_bytes, root(), 0));
  EXPECT_EQ(verified.SerializeAsString(), directory.SerializeAsString());
  EXPECT_EQ(Outer(signed_bytes).authority_key_id(), root().sign_key_id());
}

TEST_F(SignedDirectoryTest, SignatureCoversContextAndDirectoryBytesExactly) {
  const v1::SignedDirectory outer = Outer(SignValid());
  EXPECT_EQ(kDirectorySignatureContext.size(), 32u);
  EXPECT_EQ(kDirectorySignatureContext.back(), '\0');
  EXPECT_OK(crypto::VerifyDetached(
      root(), absl::string_view("handover/v1/directory-signature\0", 32),
      outer.directory(), outer.signature()));
  EXPECT_EQ(
      crypto::VerifyDetached(root(), "", outer.directory(), outer.signature())
          .code(),
      absl::StatusCode::kUnauthenticated);
}

TEST_F(SignedDirectoryTest, SignRefusesAnInvalidDirectory) {
  v1::Directory directory = ValidDirectory();
  directory.set_version(0);
  EXPECT_EQ(SignDirectory(directory, authority_).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(SignedDirectoryTest, TamperedDirectoryBytesAreUnauthenticated) {
  v1::SignedDirectory outer = Outer(SignValid());
  std::string* bytes = outer.mutable_directory();
  (*bytes)[bytes->size() / 2] ^= 0x01;
  const auto result =
      VerifySignedDirectory(outer.SerializeAsString(), root(), 0);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr("does not verify"));
}

TEST_F(SignedDirectoryTest, TamperedSignatureIsUnauthenticated) {
  v1::SignedDirectory outer = Outer(SignValid());
  (*outer.mutable_signature())[10] ^= 0x80;
  EXPECT_EQ(VerifySignedDirectory(outer.SerializeAsString(), root(), 0)
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(SignedDirectoryTest, WrongTrustRootIsUnauthenticatedByKeyId) {
  const crypto::SecretIdentity other = NewIdentity("directory-authority");
  const auto result =
      VerifySignedDirectory(SignValid(), other.public_identity(), 0);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr(crypto::ToHex(root().sign_key_id())));
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr(crypto::ToHex(other.public_identity().sign_key_id())));
}

TEST_F(SignedDirectoryTest, ForgeryClaimingTheAuthorityKeyIdIsRefused) {
  const crypto::SecretIdentity forger = NewIdentity("directory-authority");
  v1::SignedDirectory outer =
      Outer(SignDirectory(ValidDirectory(99), forger).value());
  outer.set_authority_key_id(root().sign_key_id());
  const auto result =
      VerifySignedDirectory(outer.SerializeAsString(), root(), 0);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr("does not verify"));
}

TEST_F(SignedDirectoryTest, OlderVersionIsARollback) {
  const std::string signed_bytes = SignValid(5);
  const auto result = VerifySignedDirectory(signed_bytes, root(), 6);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr("directory version 5 is older than version 6"));
  EXPECT_OK(VerifySignedDirectory(signed_bytes, root(), 5).status());
  EXPECT_OK(VerifySignedDirectory(signed_bytes, root(), 4).status());
}

TEST_F(SignedDirectoryTest, OversizedInputIsResourceExhausted) {
  const std::string big(kMaxSignedDirectoryBytes + 1, 'x');
  EXPECT_EQ(VerifySignedDirectory(big, root(), 0).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ParseSignedDirectoryUnverified(big).status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST_F(SignedDirectoryTest, MalformedOuterMessageIsInvalidArgument) {
  const std::string good = SignValid();
  for (const std::string& bad :
       {std::string("not a protobuf"), std::string(), good.substr(0, 40),
        // A second copy of field 3 (authority_key_id): parses, not canonical.
        good + "\x1a\x10" + std::string(16, 'k'),
        // An unknown field 9.
        good + "\x48\x01"}) {
    EXPECT_EQ(VerifySignedDirectory(bad, root(), 0).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad.size();
  }
  v1::SignedDirectory outer = Outer(good);
  outer.mutable_signature()->pop_back();
  EXPECT_EQ(VerifySignedDirectory(outer.SerializeAsString(), root(), 0)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(SignedDirectoryTest, SignedContentWithUnknownFieldsIsRefused) {
  const std::string content =
      ValidDirectory().SerializeAsString() + "\xa0\x06\x01";  // field 100
  const auto result =
      VerifySignedDirectory(SignRaw(content, authority_), root(), 0);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr("does not know"));
}

TEST_F(SignedDirectoryTest, SignedContentWithBadUtf8IsRefusedQuietly) {
  v1::Directory directory = ValidDirectory();
  directory.mutable_agencies(0)->set_name("Stockport \xff");
  // Serializing logs the bad UTF-8 too; only parsing is under test.
  const std::string signed_bytes =
      SignRaw(directory.SerializeAsString(), authority_);
  ::testing::internal::CaptureStderr();
  const auto result = VerifySignedDirectory(signed_bytes, root(), 0);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(SignedDirectoryTest, SignedButInvalidContentIsRefused) {
  v1::Directory directory = ValidDirectory();
  directory.mutable_agencies(0)->clear_keys();
  const auto result = VerifySignedDirectory(
      SignRaw(directory.SerializeAsString(), authority_), root(), 0);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr("agency \"stockport-cs\": an active agency needs at "
                        "least one key"));
}

TEST_F(SignedDirectoryTest, UnverifiedParseReadsAnySigner) {
  const crypto::SecretIdentity other = NewIdentity("someone-else");
  const std::string signed_bytes =
      SignDirectory(ValidDirectory(3), other).value();
  ASSERT_OK_AND_ASSIGN(const UnverifiedDirectory parsed,
                       ParseSignedDirectoryUnverified(signed_bytes));
  EXPECT_EQ(parsed.directory.version(), 3u);
  EXPECT_EQ(parsed.authority_key_id, other.public_identity().sign_key_id());
}

}  // namespace
}  // namespace handover::directory
