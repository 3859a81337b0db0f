#include "bundle/attachment_name.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::bundle {
namespace {

using ::testing::HasSubstr;

struct BadName {
  std::string name;
  std::string why;  // A substring of the expected message.
};

void PrintTo(const BadName& b, std::ostream* os) { *os << b.why; }

class BadAttachmentNameTest : public ::testing::TestWithParam<BadName> {};

TEST_P(BadAttachmentNameTest, IsRejected) {
  const absl::Status status = ValidateAttachmentName(GetParam().name);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr(GetParam().why));
}

INSTANTIATE_TEST_SUITE_P(
    Table, BadAttachmentNameTest,
    ::testing::Values(
        BadName{"", "is empty"}, BadName{".", "\".\" or \"..\""},
        BadName{"..", "\".\" or \"..\""}, BadName{"../x", "contains '/'"},
        BadName{"a/b", "contains '/'"}, BadName{"/etc", "contains '/'"},
        BadName{"a\\b", "contains '\\'"},
        BadName{std::string("a\0b", 3), "NUL"},
        BadName{"a\nb", "control character"},
        BadName{"a\x1f", "control character"},
        BadName{"a\x7f", "control character"},
        BadName{"a\xc2\x85"
                "b",
                "control character"},  // U+0085, C1.
        BadName{"photo\xe2\x80\xae"
                "gpj.exe",
                "bidirectional"},  // U+202E.
        BadName{std::string(256, 'a'), "256 bytes; the limit is 255"},
        BadName{"\xff.pdf", "not valid UTF-8"},
        BadName{"a\xc0\xaf", "not valid UTF-8"},      // Overlong '/'.
        BadName{"a\xed\xa0\x80", "not valid UTF-8"},  // Surrogate.
        BadName{"a\xe2\x82", "not valid UTF-8"},      // Truncated.
        BadName{".hidden", "starts with '.'"},
        BadName{"photo.jpg ", "ends with a space"},
        BadName{"photo.", "ends with '.'"}));

TEST(AttachmentNameTest, GoodNamesAreAccepted) {
  for (const std::string& name : std::vector<std::string>{
           "photo.jpg", "care-plan.pdf", "a", "grab pack 2024-03-18.pdf",
           "r\xc3\xa9sum\xc3\xa9.docx",  // résumé
           "a..b", "x.tar.gz", "\xe5\x86\x99\xe7\x9c\x9f.png",
           std::string(255, 'a')}) {
    const absl::Status status = ValidateAttachmentName(name);
    EXPECT_TRUE(status.ok()) << name << ": " << status;
  }
}

TEST(AttachmentNameTest, MessagesDoNotEchoTheName) {
  const absl::Status status = ValidateAttachmentName("Zebedee/photo.jpg");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              ::testing::Not(HasSubstr("Zebedee")));
}

TEST(Utf8Test, AcceptsWellFormedAndRejectsMalformed) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x98\x80"));  // U+1F600
  EXPECT_FALSE(IsValidUtf8("\x80"));
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // Above U+10FFFF.
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));      // Overlong.
}

}  // namespace
}  // namespace handover::bundle
