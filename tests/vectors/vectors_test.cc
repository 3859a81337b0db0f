// The committed vectors in tests/vectors/v1/ must open, and sealing the same
// inputs with the same "randomness" must reproduce them byte for byte.
#include <sodium.h>

#include "common/byte_stream.h"
#include "common/clock.h"
#include "common/file_util.h"
#include "crypto/key_file.h"
#include "crypto/opener.h"
#include "gtest/gtest.h"
#include "status_matchers.h"
#include "vector_recipe.h"

namespace handover::vectors {
namespace {

std::string VectorFile(const std::string& name) {
  auto data = ReadFileBounded(
      std::string(HANDOVER_SOURCE_DIR) + "/tests/vectors/v1/" + name, 1 << 20);
  EXPECT_TRUE(data.ok()) << data.status();
  return data.ok() ? *data : "";
}

TEST(Vectors, CommittedEnvelopeOpensForEachRecipient) {
  const std::string envelope = VectorFile("envelope.bin");
  const std::string plaintext = VectorFile("plaintext.bin");
  ASSERT_OK_AND_ASSIGN(
      crypto::PublicIdentity sender,
      crypto::ParsePublicKeyFile(VectorFile("stockport-cs.public.key")));
  FakeClock clock(absl::FromUnixSeconds(1798761600));
  crypto::OpenOptions options;
  options.clock = &clock;
  for (const char* who : {"birmingham-cs", "west-midlands-police"}) {
    ASSERT_OK_AND_ASSIGN(crypto::SecretIdentity me,
                         crypto::ParseSecretKeyFile(
                             VectorFile(std::string(who) + ".secret.key")));
    StringSource source(envelope);
    ASSERT_OK_AND_ASSIGN(auto opener, crypto::EnvelopeOpener::Open(
                                          &source, me, sender, options));
    std::string out, chunk;
    for (bool last = false; !last;) {
      ASSERT_OK_AND_ASSIGN(last, opener->Next(&chunk));
      out += chunk;
    }
    EXPECT_EQ(out, plaintext) << who;
  }
}

TEST(Vectors, KeyFilesMatchTheirSeeds) {
  ASSERT_OK_AND_ASSIGN(VectorIdentities ids, MakeIdentities());
  EXPECT_EQ(crypto::EncodePublicKeyFile(ids.sender.public_identity()),
            VectorFile("stockport-cs.public.key"));
  for (const auto& r : ids.recipients) {
    EXPECT_EQ(std::string(crypto::EncodeSecretKeyFile(r).view()),
              VectorFile(r.agency_id() + ".secret.key"));
    EXPECT_EQ(crypto::EncodePublicKeyFile(r.public_identity()),
              VectorFile(r.agency_id() + ".public.key"));
  }
}

TEST(Vectors, SealingReproducesTheCommittedBytes) {
  ASSERT_OK_AND_ASSIGN(VectorIdentities ids, MakeIdentities());
  ResetDeterministicRandom();
  ASSERT_OK_AND_ASSIGN(std::string envelope, SealVector(ids));
  EXPECT_EQ(crypto::ToHex(envelope), crypto::ToHex(VectorFile("envelope.bin")));
}

TEST(Vectors, DescriptionAgreesWithTheEnvelope) {
  const std::string text = VectorFile("vector.txt");
  const std::string envelope = VectorFile("envelope.bin");
  StringSource source(envelope);
  ASSERT_OK_AND_ASSIGN(crypto::EnvelopeHead head,
                       crypto::ReadEnvelopeHead(&source));
  EXPECT_NE(text.find("signed_header: " + crypto::ToHex(head.signed_header)),
            std::string::npos);
  EXPECT_NE(text.find("signature: " + crypto::ToHex(head.signature)),
            std::string::npos);
  EXPECT_NE(text.find("ciphertext_hash: " +
                      crypto::ToHex(head.header.ciphertext_hash)),
            std::string::npos);
}

}  // namespace
}  // namespace handover::vectors

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  handover::vectors::InstallDeterministicRandom();  // before sodium_init
  if (sodium_init() < 0) return 1;
  return RUN_ALL_TESTS();
}
