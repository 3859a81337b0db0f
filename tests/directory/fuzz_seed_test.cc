// The directory fuzz target's seeds (tests/fuzz/corpus/directory/) must be
// inputs that reach deep: a signed directory that verifies against the
// target's trust root, and a directory.json that parses. Ed25519 signing is
// deterministic, so the signed seed is rebuilt here byte for byte. To
// regenerate it after a schema change, run this test with
// HANDOVER_WRITE_FUZZ_SEEDS=1.
#include <cstdlib>
#include <string>

#include "common/file_util.h"
#include "directory/directory_json.h"
#include "directory/signed_directory.h"
#include "directory_test_util.h"
#include "gtest/gtest.h"
#include "status_matchers.h"
#include "vectors/vector_recipe.h"

namespace handover::directory {
namespace {

namespace v1 = handover::v1;

const std::string kCorpus =
    std::string(HANDOVER_SOURCE_DIR) + "/tests/fuzz/corpus/directory/";

TEST(DirectoryFuzzSeedTest, SignedSeedIsCurrentAndVerifies) {
  ASSERT_OK_AND_ASSIGN(vectors::VectorIdentities ids,
                       vectors::MakeIdentities());
  v1::Directory directory;
  directory.set_version(1);
  *directory.mutable_issued_at() = testing::Ts(testing::kT0);
  *directory.add_agencies() = testing::ActiveAgency(
      "birmingham-cs", v1::AGENCY_KIND_LOCAL_AUTHORITY_CHILDRENS_SERVICES,
      {"E08000025"}, ids.recipients[0].public_identity());
  *directory.add_agencies() = testing::ActiveAgency(
      "west-midlands-police", v1::AGENCY_KIND_POLICE_FORCE,
      {"E08000025", "E08000026"}, ids.recipients[1].public_identity());
  ASSERT_OK_AND_ASSIGN(const std::string expected,
                       SignDirectory(directory, ids.sender));
  const std::string path = kCorpus + "signed.bin";
  if (std::getenv("HANDOVER_WRITE_FUZZ_SEEDS") != nullptr) {
    ASSERT_OK(WriteFileAtomically(path, expected, 0644));
  }
  ASSERT_OK_AND_ASSIGN(const std::string seed,
                       ReadFileBounded(path, kMaxSignedDirectoryBytes));
  EXPECT_EQ(seed, expected) << "regenerate with HANDOVER_WRITE_FUZZ_SEEDS=1";
  EXPECT_OK(
      VerifySignedDirectory(seed, ids.sender.public_identity(), 1).status());
}

TEST(DirectoryFuzzSeedTest, JsonSeedParses) {
  ASSERT_OK_AND_ASSIGN(
      const std::string json,
      ReadFileBounded(kCorpus + "directory.json", kMaxDirectoryJsonBytes));
  ASSERT_OK_AND_ASSIGN(const v1::DirectorySource source,
                       ParseDirectorySourceJson(json));
  EXPECT_GT(source.agencies_size(), 0);
}

}  // namespace
}  // namespace handover::directory
