#include "deliverylog/log_export.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "deliverylog/log_entry_codec.h"
#include "deliverylog/log_export_json.h"
#include "gtest/gtest.h"
#include "log_test_util.h"
#include "status_matchers.h"

namespace handover::deliverylog {
namespace {

namespace v1 = handover::v1;
using testing::LogFixture;
using testing::SampleEntry;

bool Contains(absl::string_view text, absl::string_view part) {
  return text.find(part) != absl::string_view::npos;
}

// 12 entries with heads at sizes 4, 8 and 12, exported.
class LogExportTest : public LogFixture {
 protected:
  void SetUp() override {
    LogFixture::SetUp();
    for (int size : {4, 8, 12}) {
      AppendRange(size - 4, size);
      heads_.push_back(Publish());
    }
    ASSERT_OK(WriteExport(path(), export_path()));
    std::ifstream in(export_path());
    std::stringstream text;
    text << in.rdbuf();
    lines_ = absl::StrSplit(text.str(), '\n');
    ASSERT_EQ(lines_.back(), "");  // the last line ends with a newline
    lines_.pop_back();
    ASSERT_EQ(lines_.size(), 1u + 12u + 3u);
  }

  std::string export_path() const { return dir_.path() + "/log.jsonl"; }

  absl::StatusOr<VerifyReport> VerifyLines(
      const std::vector<std::string>& lines,
      const std::optional<v1::SignedTreeHead>& trusted = std::nullopt) {
    std::istringstream in(absl::StrJoin(lines, "\n") + "\n");
    return VerifyExportStream(in, Keys(), trusted);
  }

  // Asserts InvalidArgument naming line `number`.
  void ExpectMalformed(const std::vector<std::string>& lines, int number) {
    absl::StatusOr<VerifyReport> r = VerifyLines(lines);
    ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument)
        << r.status();
    EXPECT_TRUE(
        Contains(r.status().message(), absl::StrCat("line ", number, ":")))
        << r.status();
  }

  std::vector<v1::SignedTreeHead> heads_;
  std::vector<std::string> lines_;
};

TEST_F(LogExportTest, AnUntouchedExportVerifies) {
  ASSERT_OK_AND_ASSIGN(VerifyReport r,
                       VerifyExportFile(export_path(), Keys(), heads_[2]));
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.entries, 12u);
  EXPECT_EQ(r.tree_heads, 4u);
  ASSERT_TRUE(r.latest_verified_head.has_value());
  EXPECT_EQ(r.latest_verified_head->SerializeAsString(),
            heads_[2].SerializeAsString());
  struct stat st;
  ASSERT_EQ(::stat(export_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(LogExportTest, LinesHaveTheDocumentedShape) {
  EXPECT_EQ(lines_[0],
            R"({"format":"handover-log-export/1","log_id":"stockport-cs"})");
  EXPECT_TRUE(Contains(
      lines_[1],
      R"({"entry":{"index":0,"time":"2026-01-01T00:00:01.000000Z","time_us":1767225601000000,"event":"LOG_EVENT_KIND_SUBMITTED","transfer_id":"41414141414141414141414141414141",)"))
      << lines_[1];
  EXPECT_TRUE(Contains(
      lines_[13], R"({"tree_head":{"log_id":"stockport-cs","tree_size":4,)"))
      << lines_[13];
}

TEST_F(LogExportTest, EntryLinesRoundTrip) {
  v1::LogEntry e = SampleEntry(3);
  e.set_index(3);
  *e.mutable_time() = MicrosToTimestamp(-62135596800000000);  // year 1
  e.set_detail("quote \" backslash \\ unicode \xc3\xa9");
  ASSERT_OK_AND_ASSIGN(ExportLine line, ParseExportLine(ExportEntryLine(e)));
  ASSERT_EQ(line.kind, ExportLine::Kind::kEntry);
  EXPECT_EQ(line.entry.SerializeAsString(), e.SerializeAsString());
  ASSERT_OK_AND_ASSIGN(line, ParseExportLine(ExportTreeHeadLine(heads_[0])));
  ASSERT_EQ(line.kind, ExportLine::Kind::kTreeHead);
  EXPECT_EQ(line.head.SerializeAsString(), heads_[0].SerializeAsString());
}

TEST_F(LogExportTest, AnEmptyLogExportsAndVerifies) {
  const std::string empty_db = dir_.path() + "/empty.db";
  SqliteDeliveryLogOptions o = Options();
  o.path = empty_db;
  ASSERT_OK(SqliteDeliveryLog::Open(o).status());
  const std::string out = dir_.path() + "/empty.jsonl";
  ASSERT_OK(WriteExport(empty_db, out));
  ASSERT_OK_AND_ASSIGN(VerifyReport r,
                       VerifyExportFile(out, Keys(), std::nullopt));
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.entries, 0u);
}

TEST_F(LogExportTest, AnEditedEntryLineIsFound) {
  std::vector<std::string> lines = lines_;
  // Entry 5 is line 7: header first, lines count from 1.
  lines[6] = absl::StrReplaceAll(
      lines[6], {{"\"detail\":\"step 5", "\"detail\":\"step 6"}});
  ASSERT_NE(lines[6], lines_[6]);
  ASSERT_OK_AND_ASSIGN(VerifyReport r, VerifyLines(lines));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_index, 4u);
  EXPECT_TRUE(Contains(r.problem, "entries before 8 no longer match"))
      << r.problem;
}

TEST_F(LogExportTest, DeletedSwappedAndTruncatedLinesAreFound) {
  std::vector<std::string> deleted = lines_;
  deleted.erase(deleted.begin() + 6);
  ASSERT_OK_AND_ASSIGN(VerifyReport r, VerifyLines(deleted));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_index, 5u);
  EXPECT_TRUE(Contains(r.problem, "entry 5 is missing")) << r.problem;

  std::vector<std::string> swapped = lines_;
  std::swap(swapped[3], swapped[4]);
  ASSERT_OK_AND_ASSIGN(r, VerifyLines(swapped));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_index, 2u);

  std::vector<std::string> truncated = lines_;
  truncated.erase(truncated.begin() + 11, truncated.begin() + 13);
  ASSERT_OK_AND_ASSIGN(r, VerifyLines(truncated));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_index, 10u);
  EXPECT_TRUE(Contains(r.problem, "the log holds 10 entries")) << r.problem;
}

TEST_F(LogExportTest, AnEditedHeadLineIsFound) {
  std::vector<std::string> lines = lines_;
  lines[14] =
      absl::StrReplaceAll(lines[14], {{"\"tree_size\":8", "\"tree_size\":7"}});
  ASSERT_NE(lines[14], lines_[14]);
  ASSERT_OK_AND_ASSIGN(VerifyReport r, VerifyLines(lines));
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Contains(r.problem, "does not verify")) << r.problem;
}

TEST_F(LogExportTest, MalformedExportsNameTheLine) {
  auto with = [this](int number, std::string text) {
    std::vector<std::string> lines = lines_;
    lines[number - 1] = std::move(text);
    return lines;
  };
  const std::string& entry = lines_[2];  // line 3
  ExpectMalformed(with(3, "{\"entry\":"), 3);
  ExpectMalformed(with(3, ""), 3);
  ExpectMalformed(with(3, "[1,2]"), 3);
  ExpectMalformed(
      with(3, absl::StrReplaceAll(entry, {{"\"view\"", "\"vue\""}})), 3);
  ExpectMalformed(
      with(3, absl::StrReplaceAll(entry, {{"}}", ",\"extra\":1}}"}})), 3);
  ExpectMalformed(with(3, absl::StrReplaceAll(entry, {{"}}", "},\"x\":1}"}})),
                  3);
  ExpectMalformed(with(3, absl::StrReplaceAll(
                              entry, {{"\"size\":1001", "\"size\":\"1002\""}})),
                  3);
  ExpectMalformed(with(3, absl::StrReplaceAll(
                              entry, {{"\"size\":1001", "\"size\":1001.0"}})),
                  3);
  ExpectMalformed(
      with(3, absl::StrReplaceAll(entry, {{"\"size\":1001", "\"size\":null"}})),
      3);
  ExpectMalformed(
      with(3, absl::StrReplaceAll(entry,
                                  {{"\"actor\":\"router\"",
                                    "\"actor\":\"router\",\"actor\":\"x\""}})),
      3);
  ExpectMalformed(
      with(3, absl::StrReplaceAll(entry, {{"\"time_us\":17672256020",
                                           "\"time_us\":17672256030"}})),
      3);
  ExpectMalformed(
      with(3, absl::StrReplaceAll(
                  entry, {{"\"transfer_id\":\"41", "\"transfer_id\":\"4A"}})),
      3);
  ExpectMalformed(
      with(3, absl::StrReplaceAll(entry, {{"LOG_EVENT_KIND_SEALED",
                                           "LOG_EVENT_KIND_TELEPORTED"}})),
      3);
  ExpectMalformed(with(1, entry), 1);      // no header
  ExpectMalformed(with(5, lines_[0]), 5);  // a second header
  ExpectMalformed(with(15, entry), 15);    // an entry among the heads
  std::vector<std::string> reordered = lines_;
  std::swap(reordered[14], reordered[15]);  // heads out of order
  ExpectMalformed(reordered, 16);
}

TEST_F(LogExportTest, AnOversizedLineIsRefusedBeforeParsing) {
  std::vector<std::string> lines = lines_;
  lines[3] = absl::StrReplaceAll(
      lines[3], {{"\"detail\":\"", "\"detail\":\"" + std::string(17000, 'x')}});
  absl::StatusOr<VerifyReport> r = VerifyLines(lines);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(r.status().message(), "line 4:")) << r.status();
  EXPECT_TRUE(Contains(r.status().message(), "longer than")) << r.status();
}

TEST_F(LogExportTest, AMissingFinalNewlineIsRefused) {
  std::istringstream in(absl::StrJoin(lines_, "\n"));
  absl::StatusOr<VerifyReport> r = VerifyExportStream(in, Keys(), std::nullopt);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(r.status().message(), "line 16:")) << r.status();
}

TEST_F(LogExportTest, FileErrorsNameTheFile) {
  std::vector<std::string> lines = lines_;
  lines[1] = "{";
  {
    std::ofstream out(export_path(), std::ios::trunc);
    out << absl::StrJoin(lines, "\n") << "\n";
  }
  absl::Status s =
      VerifyExportFile(export_path(), Keys(), std::nullopt).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(s.message(), export_path())) << s;
  EXPECT_TRUE(Contains(s.message(), "line 2:")) << s;
  EXPECT_EQ(VerifyExportFile(dir_.path() + "/none.jsonl", Keys(), std::nullopt)
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(
      WriteExport(dir_.path() + "/none.db", dir_.path() + "/x.jsonl").code(),
      absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace handover::deliverylog
