#include "casefile/payload_format.h"

#include <vector>

#include "crypto/envelope_errors.h"
#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::casefile {
namespace {

// Records what the reader reports, for comparison.
class Recorder final : public PartHandler {
 public:
  absl::Status OnPartStart(const PartHeader& part) override {
    parts.push_back({part, ""});
    return absl::OkStatus();
  }
  absl::Status OnPartData(absl::string_view data) override {
    parts.back().second.append(data.data(), data.size());
    return absl::OkStatus();
  }
  absl::Status OnPartEnd() override {
    ++ended;
    return absl::OkStatus();
  }
  std::vector<std::pair<PartHeader, std::string>> parts;
  int ended = 0;
};

std::string Part(PartKind kind, const std::string& name,
                 const std::string& media, const std::string& data) {
  auto header = EncodePartHeader({kind, name, media, data.size()});
  EXPECT_TRUE(header.ok());
  return *header + data;
}

std::string Bundle(const std::string& bytes = "bundle-bytes") {
  return Part(PartKind::kBundle, "", std::string(kBundleMediaType), bytes);
}

absl::Status ReadAll(const std::string& payload, Recorder* rec,
                     size_t step = 0) {
  PayloadReader reader(rec);
  if (step == 0) {
    RETURN_IF_ERROR(reader.Feed(payload));
  } else {
    for (size_t i = 0; i < payload.size(); i += step) {
      RETURN_IF_ERROR(reader.Feed(absl::string_view(payload).substr(i, step)));
    }
  }
  return reader.Finish();
}

TEST(Payload, ParsesPartsWhateverTheFeedSize) {
  const std::string payload =
      Bundle() +
      Part(PartKind::kAttachment, "photo.jpg", "image/jpeg",
           std::string(5000, 'p')) +
      Part(PartKind::kAttachment, "empty.txt", "text/plain", "");
  for (size_t step : {size_t{0}, size_t{1}, size_t{7}, size_t{4096}}) {
    Recorder rec;
    ASSERT_OK(ReadAll(payload, &rec, step));
    ASSERT_EQ(rec.parts.size(), 3u) << step;
    EXPECT_EQ(rec.ended, 3);
    EXPECT_EQ(rec.parts[0].second, "bundle-bytes");
    EXPECT_EQ(rec.parts[1].first.name, "photo.jpg");
    EXPECT_EQ(rec.parts[1].first.media_type, "image/jpeg");
    EXPECT_EQ(rec.parts[1].second, std::string(5000, 'p'));
    EXPECT_EQ(rec.parts[2].first.length, 0u);
  }
}

void ExpectMalformed(const std::string& payload, const char* why) {
  Recorder rec;
  absl::Status s = ReadAll(payload, &rec);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << why << ": " << s;
  EXPECT_EQ(crypto::FailureOf(s), crypto::EnvelopeFailure::kMalformedPayload)
      << why;
}

TEST(Payload, RejectsStructuralErrors) {
  ExpectMalformed("", "empty payload");
  ExpectMalformed(Part(PartKind::kAttachment, "a.txt", "text/plain", "x"),
                  "attachment before bundle");
  ExpectMalformed(Bundle() + Bundle(), "two bundles");
  ExpectMalformed(Bundle().substr(0, 10), "cut inside a part header");
  ExpectMalformed(Bundle().substr(0, Bundle().size() - 1), "cut inside data");
  ExpectMalformed(Part(static_cast<PartKind>(9), "", "x/y", ""),
                  "unknown kind");
  ExpectMalformed(Part(PartKind::kBundle, "", "text/json", "{}"),
                  "bundle with wrong media type");
  ExpectMalformed(
      Part(PartKind::kBundle, "name", std::string(kBundleMediaType), "x"),
      "named bundle");
  ExpectMalformed(Bundle() + Part(PartKind::kAttachment, "a", "", "x"),
                  "attachment without media type");
  ExpectMalformed(Bundle() +
                      Part(PartKind::kAttachment, "a.txt", "text/plain", "1") +
                      Part(PartKind::kAttachment, "a.txt", "text/plain", "2"),
                  "duplicate names");
}

TEST(Payload, RejectsUnsafeAttachmentNames) {
  for (const char* name :
       {"../evil", "a/b", "..", ".", "", "dir\\x", "/etc/passwd"}) {
    ExpectMalformed(
        Bundle() + Part(PartKind::kAttachment, name, "text/plain", "x"), name);
  }
  ExpectMalformed(Bundle() + Part(PartKind::kAttachment, std::string("a\0b", 3),
                                  "text/plain", "x"),
                  "NUL in name");
}

TEST(Payload, RejectsOversizedDeclarationsBeforeReadingData) {
  auto header =
      EncodePartHeader({PartKind::kBundle, "", std::string(kBundleMediaType),
                        kMaxBundleBytes + 1});
  ASSERT_OK(header.status());
  ExpectMalformed(*header, "bundle over 16 MiB");
  // A name length over 255 is refused as soon as its two bytes arrive.
  std::string long_name = std::string("\x02\x01\x00", 3);
  Recorder rec;
  PayloadReader reader(&rec);
  ASSERT_OK(reader.Feed(Bundle()));
  EXPECT_EQ(crypto::FailureOf(reader.Feed(long_name)),
            crypto::EnvelopeFailure::kMalformedPayload);
  EXPECT_EQ(EncodePartHeader(
                {PartKind::kAttachment, std::string(256, 'a'), "text/plain", 0})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Payload, TooManyAttachments) {
  std::string payload = Bundle();
  for (size_t i = 0; i <= kMaxAttachments; ++i) {
    payload += Part(PartKind::kAttachment, "a" + std::to_string(i), "x/y", "");
  }
  ExpectMalformed(payload, "1025 attachments");
}

}  // namespace
}  // namespace handover::casefile
