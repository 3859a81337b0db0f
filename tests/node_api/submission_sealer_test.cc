// SubmissionSealer: attachments streamed in any chunking come out of the
// envelope intact; a short or long stream leaves no file behind; the size
// estimate is exact.
#include "node/api/submission_sealer.h"

#include <signal.h>
#include <sys/resource.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "casefile/case_file.h"
#include "crypto/sodium_util.h"
#include "gtest/gtest.h"
#include "node_api/node_api_test_util.h"
#include "temp_dir.h"

namespace handover::node::api {
namespace {

using testing::Identity;
using testing::kNow;
using testing::kOwnId;
using testing::kPeerId;
using testing::MinimalBundle;

std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    out.push_back(e.path().filename().string());
  }
  return out;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class SubmissionSealerTest : public ::testing::Test {
 protected:
  crypto::SealOptions Options() {
    crypto::SealOptions options;
    options.transfer_id = std::string(16, '\x42');
    options.clock = &clock_;
    return options;
  }
  std::string Path() const { return dir_.path() + "/out.envelope"; }

  absl::StatusOr<std::unique_ptr<SubmissionSealer>> Begin(
      std::vector<AttachmentPlan> plan, std::string* bundle_bytes) {
    handover::v1::CaseBundle bundle = MinimalBundle();
    EXPECT_TRUE(CompleteBundleAttachments(plan, &bundle).ok());
    EXPECT_TRUE(bundle.SerializeToString(bundle_bytes));
    return SubmissionSealer::Begin(
        Identity(kOwnId), {Identity(kPeerId).public_identity()}, Options(),
        *bundle_bytes, std::move(plan), Path());
  }

  FakeClock clock_{kNow};
  handover::testing::TempDir dir_;
};

TEST_F(SubmissionSealerTest, StreamsAttachmentsAcrossOddChunks) {
  const std::string first(200000, 'a');
  const std::string second = "short";
  std::vector<AttachmentPlan> plan = {{"first.bin", "application/x-a", 200000},
                                      {"empty.txt", "text/plain", 0},
                                      {"second.txt", "text/plain", 5}};
  std::string bundle_bytes;
  auto sealer = Begin(plan, &bundle_bytes);
  ASSERT_TRUE(sealer.ok()) << sealer.status();
  // One run split at places that do not line up with the attachments.
  const std::string all = first + second;
  for (size_t at = 0; at < all.size(); at += 77777) {
    ASSERT_TRUE((*sealer)->Write(all.substr(at, 77777)).ok());
  }
  EXPECT_EQ((*sealer)->bytes_remaining(), 0u);
  absl::StatusOr<SealedSubmission> sealed = (*sealer)->Finish();
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(sealed->path, Path());
  EXPECT_EQ(sealed->envelope_size, std::filesystem::file_size(Path()));
  EXPECT_EQ(sealed->header.transfer_id, std::string(16, '\x42'));

  absl::StatusOr<EnvelopeEstimate> estimate = EstimateEnvelope(
      bundle_bytes.size(), plan, kOwnId, {Identity(kPeerId).public_identity()},
      crypto::kCaseBundleContentType, crypto::kDefaultChunkSize);
  ASSERT_TRUE(estimate.ok());
  EXPECT_EQ(estimate->envelope_bytes, sealed->envelope_size);

  crypto::OpenOptions open;
  open.clock = &clock_;
  const std::string out = dir_.path() + "/opened";
  absl::StatusOr<casefile::OpenedCaseFile> opened = casefile::OpenCaseFile(
      Path(), Identity(kPeerId), Identity(kOwnId).public_identity(), open, out);
  ASSERT_TRUE(opened.ok()) << opened.status();
  ASSERT_EQ(opened->attachments.size(), 3u);
  EXPECT_EQ(opened->attachments[1].size, 0u);
  EXPECT_EQ(opened->bundle.attachments(0).media_type(), "application/x-a");
  EXPECT_EQ(ReadAll(out + "/attachments/first.bin"), first);
  EXPECT_EQ(ReadAll(out + "/attachments/empty.txt"), "");
  EXPECT_EQ(ReadAll(out + "/attachments/second.txt"), second);
}

TEST_F(SubmissionSealerTest, NoAttachmentsSealsJustTheBundle) {
  std::string bundle_bytes;
  auto sealer = Begin({}, &bundle_bytes);
  ASSERT_TRUE(sealer.ok()) << sealer.status();
  ASSERT_TRUE((*sealer)->Finish().ok());
  EXPECT_TRUE(std::filesystem::exists(Path()));
}

TEST_F(SubmissionSealerTest, ShortStreamFailsAndLeavesNothing) {
  std::string bundle_bytes;
  {
    auto sealer = Begin({{"a.bin", "x/y", 10}}, &bundle_bytes);
    ASSERT_TRUE(sealer.ok()) << sealer.status();
    ASSERT_TRUE((*sealer)->Write("12345").ok());
    absl::Status s = (*sealer)->Finish().status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find("5 of its declared 10"), std::string::npos) << s;
  }
  EXPECT_TRUE(FilesIn(dir_.path()).empty());
}

TEST_F(SubmissionSealerTest, LongStreamFailsAndLeavesNothing) {
  std::string bundle_bytes;
  {
    auto sealer = Begin({{"a.bin", "x/y", 3}}, &bundle_bytes);
    ASSERT_TRUE(sealer.ok()) << sealer.status();
    EXPECT_EQ((*sealer)->Write("1234").code(),
              absl::StatusCode::kInvalidArgument);
  }
  EXPECT_TRUE(FilesIn(dir_.path()).empty());
}

// Files may grow no larger than `bytes` while this lives: writes beyond
// fail with EFBIG, as on a full disk. Process-wide, so tests restore it.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &saved_);
    old_handler_ = signal(SIGXFSZ, SIG_IGN);
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &saved_);
    signal(SIGXFSZ, old_handler_);
  }

 private:
  rlimit saved_{};
  sighandler_t old_handler_;
};

TEST_F(SubmissionSealerTest, AFullDiskIsResourceExhaustedAndLeavesNothing) {
  std::string bundle_bytes;
  {
    auto sealer = Begin({{"a.bin", "x/y", 1 << 20}}, &bundle_bytes);
    ASSERT_TRUE(sealer.ok()) << sealer.status();
    absl::Status s;
    {
      FileSizeLimit limit(256 * 1024);
      s = (*sealer)->Write(std::string(1 << 20, 'z'));
    }
    EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  }
  EXPECT_TRUE(FilesIn(dir_.path()).empty());
}

TEST_F(SubmissionSealerTest, AMissingDirectoryFailsCleanly) {
  std::string bundle_bytes = "x";
  auto sealer = SubmissionSealer::Begin(
      Identity(kOwnId), {Identity(kPeerId).public_identity()}, Options(),
      bundle_bytes, {}, dir_.path() + "/no-such-dir/out.envelope");
  EXPECT_FALSE(sealer.ok());
}

}  // namespace
}  // namespace handover::node::api
