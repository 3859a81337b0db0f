// Sealing a bundle with attachments to a file and opening it into a
// directory, including what must never be left behind on failure.
#include "casefile/case_file.h"

#include <sys/stat.h>

#include <filesystem>

#include "bundle/bundle_json.h"
#include "casefile/payload_format.h"
#include "common/file_util.h"
#include "crypto/envelope_errors.h"
#include "gtest/gtest.h"
#include "status_matchers.h"
#include "temp_dir.h"

namespace handover::casefile {
namespace {

namespace fs = std::filesystem;
const absl::Time kNow = absl::FromUnixSeconds(1790000000);

class CaseFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(sender_,
                         crypto::SecretIdentity::Generate("stockport-cs"));
    ASSERT_OK_AND_ASSIGN(reader_,
                         crypto::SecretIdentity::Generate("birmingham-cs"));
    // The sample bundle, less its attachments: each test attaches its own.
    ASSERT_OK_AND_ASSIGN(bundle_, bundle::ReadBundleJsonFile(
                                      std::string(HANDOVER_SOURCE_DIR) +
                                      "/docs/examples/child-bundle.json"));
    bundle_.clear_attachments();
    bundle_.mutable_identity()->clear_photo_attachment();
    photo_ = Write("photo.jpg", std::string(200000, 'P'));
    empty_ = Write("empty.txt", "");
    options_.clock = &clock_;
    request_.bundle = bundle_;
    request_.options.clock = &clock_;
    request_.attachments = {{photo_, "", "image/jpeg"},
                            {empty_, "", "text/plain"}};
  }

  std::string Write(const std::string& name, const std::string& data) {
    std::string path = tmp_.path() + "/" + name;
    EXPECT_OK(WriteFileAtomically(path, data, 0600));
    return path;
  }

  absl::StatusOr<crypto::EnvelopeHeader> Seal(const std::string& out) {
    return SealCaseFile(*sender_, {reader_->public_identity()}, request_, out);
  }

  absl::StatusOr<OpenedCaseFile> Open(const std::string& in,
                                      const std::string& out) {
    return OpenCaseFile(in, *reader_, sender_->public_identity(), options_,
                        out);
  }

  // Nothing but the named entries may be in the temp directory.
  void ExpectOnly(std::set<std::string> names) {
    std::set<std::string> found;
    for (const auto& e : fs::directory_iterator(tmp_.path())) {
      found.insert(e.path().filename().string());
    }
    EXPECT_EQ(found, names);
  }

  testing::TempDir tmp_;
  std::optional<crypto::SecretIdentity> sender_, reader_;
  handover::v1::CaseBundle bundle_;
  std::string photo_, empty_;
  FakeClock clock_{kNow};
  crypto::OpenOptions options_;
  SealRequest request_;
};

TEST_F(CaseFileTest, RoundTripWritesBundleAndAttachments) {
  const std::string env = tmp_.path() + "/case.hov";
  ASSERT_OK_AND_ASSIGN(crypto::EnvelopeHeader header, Seal(env));
  const std::string out = tmp_.path() + "/opened";
  ASSERT_OK_AND_ASSIGN(OpenedCaseFile opened, Open(env, out));
  EXPECT_EQ(opened.header.transfer_id, header.transfer_id);
  EXPECT_EQ(opened.bundle.identity().family_name(), "Child");
  ASSERT_EQ(opened.bundle.attachments_size(), 2);
  EXPECT_EQ(opened.bundle.attachments(0).name(), "photo.jpg");
  EXPECT_EQ(opened.bundle.attachments(0).size_bytes(), 200000u);
  EXPECT_EQ(opened.bundle.attachments(0).media_type(), "image/jpeg");
  EXPECT_EQ(opened.bundle.attachments(0).label(), kUnlistedAttachmentLabel);
  ASSERT_EQ(opened.attachments.size(), 2u);

  ASSERT_OK_AND_ASSIGN(
      std::string photo,
      ReadFileBounded(out + "/attachments/photo.jpg", 1 << 20));
  EXPECT_EQ(photo, std::string(200000, 'P'));
  ASSERT_OK_AND_ASSIGN(std::string empty,
                       ReadFileBounded(out + "/attachments/empty.txt", 10));
  EXPECT_TRUE(empty.empty());
  ASSERT_OK_AND_ASSIGN(std::string json,
                       ReadFileBounded(out + "/bundle.json", 1 << 20));
  ASSERT_OK_AND_ASSIGN(handover::v1::CaseBundle reparsed,
                       bundle::ParseBundleJson(json));
  EXPECT_EQ(reparsed.identity().family_name(), "Child");
  struct stat st;
  ASSERT_EQ(stat((out + "/bundle.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(CaseFileTest, OutputDirectoryMayEndInASlash) {
  const std::string env = tmp_.path() + "/case.hov";
  ASSERT_OK(Seal(env).status());
  ASSERT_OK(Open(env, tmp_.path() + "/opened/").status());
  EXPECT_TRUE(fs::exists(tmp_.path() + "/opened/attachments/photo.jpg"));
  ExpectOnly({"photo.jpg", "empty.txt", "case.hov", "opened"});
}

TEST_F(CaseFileTest, BundleEntriesKeepTheirLabels) {
  auto* listed = request_.bundle.add_attachments();
  listed->set_name("photo.jpg");
  listed->set_label("photo");
  const std::string env = tmp_.path() + "/case.hov";
  ASSERT_OK(Seal(env).status());
  ASSERT_OK_AND_ASSIGN(OpenedCaseFile opened, Open(env, tmp_.path() + "/o"));
  EXPECT_EQ(opened.bundle.attachments(0).label(), "photo");
  EXPECT_EQ(opened.bundle.attachments(0).size_bytes(), 200000u);
}

TEST_F(CaseFileTest, ListedAttachmentWithoutAFileFailsAndWritesNothing) {
  request_.bundle.add_attachments()->set_name("care-plan.pdf");
  auto sealed = Seal(tmp_.path() + "/case.hov");
  EXPECT_EQ(sealed.status().code(), absl::StatusCode::kInvalidArgument);
  // The name may identify the child, so the message must not carry it.
  EXPECT_EQ(sealed.status().message().find("care-plan.pdf"),
            absl::string_view::npos);
  ExpectOnly({"photo.jpg", "empty.txt"});
}

TEST_F(CaseFileTest, MissingAttachmentFileFailsAndWritesNothing) {
  request_.attachments.push_back({tmp_.path() + "/nope.pdf", "", "x/y"});
  EXPECT_EQ(Seal(tmp_.path() + "/case.hov").status().code(),
            absl::StatusCode::kNotFound);
  ExpectOnly({"photo.jpg", "empty.txt"});
}

TEST_F(CaseFileTest, UnsafeAttachmentNamesAreRefusedWhenSealing) {
  request_.attachments = {{photo_, "../escape.jpg", "image/jpeg"}};
  EXPECT_EQ(Seal(tmp_.path() + "/case.hov").status().code(),
            absl::StatusCode::kInvalidArgument);
  request_.attachments = {{photo_, "", "image/jpeg"},
                          {photo_, "", "image/jpeg"}};
  EXPECT_EQ(Seal(tmp_.path() + "/case.hov").status().code(),
            absl::StatusCode::kInvalidArgument);
  ExpectOnly({"photo.jpg", "empty.txt"});
}

TEST_F(CaseFileTest, TamperedEnvelopeLeavesNoOutputDirectory) {
  const std::string env = tmp_.path() + "/case.hov";
  ASSERT_OK(Seal(env).status());
  ASSERT_OK_AND_ASSIGN(std::string bytes, ReadFileBounded(env, 1 << 20));
  bytes[bytes.size() - 30] ^= 1;  // inside the final chunk
  ASSERT_OK(WriteFileAtomically(env, bytes, 0600));
  auto opened = Open(env, tmp_.path() + "/opened");
  EXPECT_EQ(crypto::FailureOf(opened.status()),
            crypto::EnvelopeFailure::kChunkAuthFailed);
  // Attachments had been decrypted into staging, but none may remain.
  ExpectOnly({"photo.jpg", "empty.txt", "case.hov"});
}

TEST_F(CaseFileTest, RefusesToOpenIntoANonEmptyDirectory) {
  const std::string env = tmp_.path() + "/case.hov";
  ASSERT_OK(Seal(env).status());
  const std::string out = tmp_.path() + "/out";
  fs::create_directory(out);
  Write("out/keep.txt", "mine");
  EXPECT_EQ(Open(env, out).status().code(), absl::StatusCode::kAlreadyExists);
  ASSERT_OK_AND_ASSIGN(std::string kept,
                       ReadFileBounded(out + "/keep.txt", 10));
  EXPECT_EQ(kept, "mine");
  // An existing empty directory is fine.
  fs::remove(out + "/keep.txt");
  EXPECT_OK(Open(env, out).status());
}

// Seals a hand-made payload, as a malicious or broken sender could.
const FakeClock kSealClock{kNow};

std::string SealRawPayload(const crypto::SecretIdentity& sender,
                           const crypto::PublicIdentity& to,
                           const std::string& payload,
                           const std::string& path) {
  auto file = AtomicFile::Create(path, 0600);
  EXPECT_TRUE(file.ok());
  crypto::SealOptions options;
  options.clock = &kSealClock;
  auto sealer =
      crypto::EnvelopeSealer::Create(sender, {to}, options, file->get());
  EXPECT_TRUE(sealer.ok());
  EXPECT_TRUE((*sealer)->Write(payload).ok());
  EXPECT_TRUE((*sealer)->Finish().ok());
  EXPECT_TRUE((*file)->Commit().ok());
  return path;
}

std::string RawPart(PartKind kind, const std::string& name,
                    const std::string& media, const std::string& data) {
  return *EncodePartHeader({kind, name, media, data.size()}) + data;
}

TEST_F(CaseFileTest, MalformedProtobufBundleIsRejected) {
  const std::string env = SealRawPayload(
      *sender_, reader_->public_identity(),
      RawPart(PartKind::kBundle, "", std::string(kBundleMediaType),
              "\xff\xff\xff\xff\x0f not protobuf"),
      tmp_.path() + "/bad.hov");
  auto opened = Open(env, tmp_.path() + "/opened");
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kInvalidArgument)
      << opened.status();
  EXPECT_EQ(crypto::FailureOf(opened.status()),
            crypto::EnvelopeFailure::kMalformedPayload);
  EXPECT_FALSE(fs::exists(tmp_.path() + "/opened"));
}

TEST_F(CaseFileTest, OtherContentTypesAreNotCaseFiles) {
  auto file = AtomicFile::Create(tmp_.path() + "/text.hov", 0600);
  ASSERT_OK(file.status());
  crypto::SealOptions options;
  options.clock = &clock_;
  options.content_type = "text/plain";
  ASSERT_OK_AND_ASSIGN(auto sealer, crypto::EnvelopeSealer::Create(
                                        *sender_, {reader_->public_identity()},
                                        options, file->get()));
  ASSERT_OK(sealer->Write("just text"));
  ASSERT_OK(sealer->Finish().status());
  ASSERT_OK((*file)->Commit());
  auto opened = Open(tmp_.path() + "/text.hov", tmp_.path() + "/opened");
  EXPECT_EQ(crypto::FailureOf(opened.status()),
            crypto::EnvelopeFailure::kMalformedPayload);
  EXPECT_FALSE(fs::exists(tmp_.path() + "/opened"));
}

TEST_F(CaseFileTest, AttachmentMediaTypeMustMatchTheList) {
  handover::v1::CaseBundle lying = bundle_;
  auto* a = lying.add_attachments();
  a->set_name("photo.jpg");
  a->set_size_bytes(1);
  a->set_media_type("application/pdf");
  std::string bundle_bytes;
  ASSERT_TRUE(lying.SerializeToString(&bundle_bytes));
  const std::string env = SealRawPayload(
      *sender_, reader_->public_identity(),
      RawPart(PartKind::kBundle, "", std::string(kBundleMediaType),
              bundle_bytes) +
          RawPart(PartKind::kAttachment, "photo.jpg", "image/png", "x"),
      tmp_.path() + "/lying.hov");
  EXPECT_EQ(crypto::FailureOf(Open(env, tmp_.path() + "/opened").status()),
            crypto::EnvelopeFailure::kMalformedPayload);
}

TEST_F(CaseFileTest, PathTraversalFromASenderIsRejected) {
  std::string bundle_bytes;
  ASSERT_TRUE(bundle_.SerializeToString(&bundle_bytes));
  const std::string env = SealRawPayload(
      *sender_, reader_->public_identity(),
      RawPart(PartKind::kBundle, "", std::string(kBundleMediaType),
              bundle_bytes) +
          RawPart(PartKind::kAttachment, "../../escaped", "text/plain", "x"),
      tmp_.path() + "/evil.hov");
  auto opened = Open(env, tmp_.path() + "/opened");
  EXPECT_EQ(crypto::FailureOf(opened.status()),
            crypto::EnvelopeFailure::kMalformedPayload);
  EXPECT_FALSE(fs::exists(tmp_.path() + "/escaped"));
  EXPECT_FALSE(fs::exists(fs::path(tmp_.path()).parent_path() / "escaped"));
}

TEST_F(CaseFileTest, AttachmentListMustMatchTheParts) {
  handover::v1::CaseBundle lying = bundle_;
  auto* a = lying.add_attachments();
  a->set_name("photo.jpg");
  a->set_size_bytes(999);  // the part below carries 1 byte
  std::string bundle_bytes;
  ASSERT_TRUE(lying.SerializeToString(&bundle_bytes));
  const std::string env = SealRawPayload(
      *sender_, reader_->public_identity(),
      RawPart(PartKind::kBundle, "", std::string(kBundleMediaType),
              bundle_bytes) +
          RawPart(PartKind::kAttachment, "photo.jpg", "image/jpeg", "x"),
      tmp_.path() + "/lying.hov");
  auto opened = Open(env, tmp_.path() + "/opened");
  EXPECT_EQ(crypto::FailureOf(opened.status()),
            crypto::EnvelopeFailure::kMalformedPayload);
  EXPECT_FALSE(fs::exists(tmp_.path() + "/opened"));
}

TEST_F(CaseFileTest, InspectReadsTheHeadWithoutKeys) {
  const std::string env = tmp_.path() + "/case.hov";
  ASSERT_OK_AND_ASSIGN(crypto::EnvelopeHeader header, Seal(env));
  ASSERT_OK_AND_ASSIGN(crypto::EnvelopeHead head, InspectEnvelopeFile(env));
  EXPECT_EQ(head.header.transfer_id, header.transfer_id);
  EXPECT_EQ(head.header.sender_id, "stockport-cs");
  EXPECT_EQ(InspectEnvelopeFile(photo_).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace handover::casefile
