#include "tls/openssl_error.h"

#include "gtest/gtest.h"
#include "status_matchers.h"
#include "tls/private_key.h"

namespace handover::tls {
namespace {

TEST(OpenSslErrorTest, EmptyQueueSaysSo) {
  absl::Status s = OpenSslError("load thing");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(s.message()), "load thing: unknown OpenSSL error");
}

TEST(OpenSslErrorTest, AFailureLeavesNoStaleErrorBehind) {
  EXPECT_FALSE(
      CheckPrivateKeyPem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE "
                         "KEY-----\n")
          .ok());
  // The queue was drained into that status, so nothing is left over.
  EXPECT_EQ(OpenSslError("next").message(), "next: unknown OpenSSL error");
}

}  // namespace
}  // namespace handover::tls
