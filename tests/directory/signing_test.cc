// crypto/signing.h: detached Ed25519 over a context and a message.
#include "crypto/signing.h"

#include <string>

#include "directory_test_util.h"
#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::crypto {
namespace {

using directory::testing::NewIdentity;

constexpr absl::string_view kContext("test/context\0", 13);

TEST(SigningTest, VerifiesOnlyTheSameContextMessageAndKey) {
  const SecretIdentity signer = NewIdentity("signer");
  const PublicIdentity& pub = signer.public_identity();
  ASSERT_OK_AND_ASSIGN(const std::string sig,
                       SignDetached(signer, kContext, "message"));
  EXPECT_EQ(sig.size(), kSignatureBytes);
  EXPECT_OK(VerifyDetached(pub, kContext, "message", sig));
  // The context and message are concatenated, so moving bytes between them
  // is the same signed string; contexts end in NUL to rule that out.
  EXPECT_OK(
      VerifyDetached(pub, "test/context", std::string("\0message", 8), sig));
  EXPECT_EQ(VerifyDetached(pub, "other/context", "message", sig).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyDetached(pub, kContext, "messagE", sig).code(),
            absl::StatusCode::kUnauthenticated);
  const SecretIdentity other = NewIdentity("signer");
  EXPECT_EQ(
      VerifyDetached(other.public_identity(), kContext, "message", sig).code(),
      absl::StatusCode::kUnauthenticated);
}

TEST(SigningTest, MalformedInputs) {
  const SecretIdentity signer = NewIdentity("signer");
  PublicIdentity pub = signer.public_identity();
  ASSERT_OK_AND_ASSIGN(const std::string sig,
                       SignDetached(signer, kContext, "m"));
  EXPECT_EQ(VerifyDetached(pub, kContext, "m", sig.substr(1)).code(),
            absl::StatusCode::kUnauthenticated);
  pub.sign_public_key.pop_back();
  EXPECT_EQ(VerifyDetached(pub, kContext, "m", sig).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace handover::crypto
