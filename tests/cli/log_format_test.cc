// How `handover log` shows the delivery log: event names, the table, CSV
// and JSON of entries, and tree heads (client/log_format.h).
#include "log_format.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace handover::cli {
namespace {

namespace v1 = handover::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// 16 bytes whose hex is 00112233445566778899aabbccddeeff.
std::string RawTransferId() {
  std::string id;
  for (int i = 0; i < 16; ++i) id.push_back(static_cast<char>(i * 0x11));
  return id;
}

v1::LogEntry Delivered() {
  v1::LogEntry e;
  e.set_index(41);
  e.mutable_time()->set_seconds(1780000000);  // 2026-05-28T20:26:40Z
  e.mutable_time()->set_nanos(250000000);
  e.set_event(v1::LOG_EVENT_KIND_DELIVERED);
  e.set_transfer_id(RawTransferId());
  e.set_sender("stockport-cs");
  e.set_recipient("birmingham-cs");
  e.set_view("police");
  e.set_size(1238768);
  e.set_envelope_hash(std::string(32, '\xab'));
  e.set_actor("router");
  e.set_detail("stored in the inbox");
  return e;
}

TEST(LogEventKindTest, EveryKindRoundTripsByName) {
  const google::protobuf::EnumDescriptor* kinds = v1::LogEventKind_descriptor();
  int named = 0;
  for (int i = 0; i < kinds->value_count(); ++i) {
    const auto kind = static_cast<v1::LogEventKind>(kinds->value(i)->number());
    if (kind == v1::LOG_EVENT_KIND_UNSPECIFIED) continue;
    const std::string name = LogEventKindName(kind);
    EXPECT_EQ(ParseLogEventKind(name), kind) << name;
    ++named;
  }
  EXPECT_EQ(named, static_cast<int>(LogEventKindNames().size()));
}

TEST(LogEventKindTest, NamesAreLowerCaseWithoutThePrefix) {
  EXPECT_THAT(
      LogEventKindNames(),
      ElementsAre("submitted", "sealed", "queued", "sent_to_router",
                  "accepted_by_router", "forwarded", "delivered",
                  "receipt_verified", "alert_raised", "alert_acknowledged",
                  "alert_escalated", "superseded", "failed", "expired",
                  "rejected", "directory_updated", "key_rotated", "pruned",
                  "acknowledgement_verified", "held", "recalled"));
}

TEST(LogEventKindTest, UnknownNamesAndValues) {
  EXPECT_EQ(ParseLogEventKind("delivred"), std::nullopt);
  EXPECT_EQ(ParseLogEventKind("DELIVERED"), std::nullopt);
  EXPECT_EQ(ParseLogEventKind("LOG_EVENT_KIND_DELIVERED"), std::nullopt);
  EXPECT_EQ(ParseLogEventKind("unspecified"), std::nullopt);
  EXPECT_EQ(ParseLogEventKind(""), std::nullopt);
  EXPECT_EQ(LogEventKindName(static_cast<v1::LogEventKind>(99)), "event 99");
  EXPECT_EQ(LogEventKindName(v1::LOG_EVENT_KIND_UNSPECIFIED), "event 0");
}

TEST(LogTableTest, ShowsEachColumnWithAShortTransferId) {
  const std::string table = FormatLogTable({Delivered()});
  EXPECT_THAT(table, HasSubstr("INDEX  TIME                  EVENT      "
                               "TRANSFER       SENDER        RECIPIENT      "
                               "VIEW    SIZE     ACTOR   DETAIL\n"));
  EXPECT_THAT(table, HasSubstr("41     2026-05-28T20:26:40Z  delivered  "
                               "001122334455\xe2\x80\xa6  stockport-cs  "
                               "birmingham-cs  police  1238768  router  "
                               "stored in the inbox\n"));
}

TEST(LogTableTest, EmptyFieldsAreDashesAndColumnsAlign) {
  v1::LogEntry directory;
  directory.set_index(7);
  directory.mutable_time()->set_seconds(1780000000);
  directory.set_event(v1::LOG_EVENT_KIND_DIRECTORY_UPDATED);
  directory.set_detail("version 12");
  const std::string table = FormatLogTable({directory, Delivered()});
  EXPECT_THAT(table, HasSubstr("7      2026-05-28T20:26:40Z  "
                               "directory_updated  -              -      "));
  // Every row's DETAIL starts in the same column (the ellipsis is one
  // character, three bytes).
  std::vector<std::string> lines;
  for (size_t at = 0; at < table.size();) {
    const size_t end = table.find('\n', at);
    lines.push_back(table.substr(at, end - at));
    at = end + 1;
  }
  ASSERT_EQ(lines.size(), 3u);
  const size_t detail = lines[0].find("DETAIL");
  EXPECT_EQ(lines[1].substr(detail), "version 12");
  EXPECT_EQ(lines[2].substr(detail + 2), "stored in the inbox");  // 2 bytes
}

TEST(LogTableTest, NoEntries) {
  EXPECT_EQ(FormatLogTable({}), "no log entries match\n");
}

TEST(LogTableTest, ControlCharactersNeverReachTheTerminal) {
  v1::LogEntry e = Delivered();
  e.set_detail("bad\x1b[2Jthing\nnext line");
  const std::string table = FormatLogTable({e});
  EXPECT_THAT(table, Not(HasSubstr("\x1b")));
  EXPECT_THAT(table, HasSubstr("bad?[2Jthing next line\n"));
}

TEST(LogTimelineTest, PutsTimeAndWhereFirstAndLeavesOutTheTransfer) {
  EXPECT_THAT(LogTimelineHeader(),
              ElementsAre("TIME", "LOG", "INDEX", "EVENT", "SENDER",
                          "RECIPIENT", "VIEW", "SIZE", "ACTOR", "DETAIL"));
  EXPECT_THAT(LogTimelineRow(Delivered(), "router"),
              ElementsAre("2026-05-28T20:26:40Z", "router", "41", "delivered",
                          "stockport-cs", "birmingham-cs", "police", "1238768",
                          "router", "stored in the inbox"));
}

TEST(LogCsvTest, HeaderAndFullFields) {
  EXPECT_EQ(LogCsvHeader(),
            "index,time,event,transfer_id,sender,recipient,view,size,"
            "envelope_hash,actor,detail\r\n");
  EXPECT_EQ(LogCsvRecord(Delivered()),
            "41,2026-05-28T20:26:40.250000Z,delivered,"
            "00112233445566778899aabbccddeeff,stockport-cs,birmingham-cs,"
            "police,1238768," +
                Repeat("ab", 32) + ",router,stored in the inbox\r\n");
}

TEST(LogCsvTest, QuotesCommasQuotesAndLineBreaks) {
  EXPECT_EQ(CsvField("plain text"), "plain text");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"no\""), "\"say \"\"no\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField("cr\r"), "\"cr\r\"");
  v1::LogEntry e = Delivered();
  e.set_detail("refused: \"unknown recipient\", retry later");
  e.set_actor("operator, on call");
  EXPECT_THAT(LogCsvRecord(e),
              HasSubstr(",\"operator, on call\",\"refused: \"\"unknown "
                        "recipient\"\", retry later\"\r\n"));
}

TEST(LogCsvTest, AnEntryOfNoTransferHasEmptyFields) {
  v1::LogEntry e;
  e.set_index(3);
  e.mutable_time()->set_seconds(1780000000);
  e.set_event(v1::LOG_EVENT_KIND_KEY_ROTATED);
  EXPECT_EQ(LogCsvRecord(e),
            "3,2026-05-28T20:26:40.000000Z,key_rotated,,,,,0,,,\r\n");
}

TEST(LogJsonTest, CarriesEveryFieldInFull) {
  const Json j = LogEntryJson(Delivered());
  EXPECT_EQ(j["index"], 41);
  EXPECT_EQ(j["time"], "2026-05-28T20:26:40.250000Z");
  EXPECT_EQ(j["time_us"], int64_t{1780000000250000});
  EXPECT_EQ(j["event"], "delivered");
  EXPECT_EQ(j["transfer_id"], "00112233445566778899aabbccddeeff");
  EXPECT_EQ(j["sender"], "stockport-cs");
  EXPECT_EQ(j["recipient"], "birmingham-cs");
  EXPECT_EQ(j["view"], "police");
  EXPECT_EQ(j["size"], 1238768);
  EXPECT_EQ(j["envelope_hash"].get<std::string>().size(), 64u);
  EXPECT_EQ(j["actor"], "router");
  EXPECT_EQ(j["detail"], "stored in the inbox");
}

TEST(LogJsonTest, NoTransferIsNull) {
  v1::LogEntry e;
  e.set_event(v1::LOG_EVENT_KIND_PRUNED);
  const Json j = LogEntryJson(e);
  EXPECT_TRUE(j["transfer_id"].is_null());
  EXPECT_TRUE(j["envelope_hash"].is_null());
  EXPECT_EQ(j["event"], "pruned");
}

v1::SignedTreeHead Head() {
  v1::SignedTreeHead h;
  h.set_log_id("stockport-cs");
  h.set_tree_size(42);
  h.set_root_hash(std::string(32, '\x01'));
  h.mutable_timestamp()->set_seconds(1780000000);
  h.mutable_timestamp()->set_nanos(500000000);
  h.set_signature(std::string(64, '\x02'));
  h.set_signer_key_id(std::string(16, '\x03'));
  return h;
}

TEST(TreeHeadFormatTest, RowsForPeople) {
  Report r;
  AddTreeHeadRows(Head(), &r);
  ASSERT_EQ(r.rows.size(), 5u);
  EXPECT_EQ(r.rows[0],
            std::make_pair(std::string("log"), std::string("stockport-cs")));
  EXPECT_EQ(r.rows[1].second, "42 entries");
  EXPECT_EQ(r.rows[2].second, Repeat("01", 32));
  EXPECT_EQ(r.rows[3].second, "2026-05-28T20:26:40.500000Z");
  EXPECT_EQ(r.rows[4].second, "03030303030303030303030303030303");
  EXPECT_EQ(TreeHeadSummary(Head()),
            "size 42 signed at 2026-05-28T20:26:40.500000Z");
}

TEST(TreeHeadFormatTest, JsonForScripts) {
  const Json j = TreeHeadJson(Head());
  EXPECT_EQ(j["log_id"], "stockport-cs");
  EXPECT_EQ(j["tree_size"], 42);
  EXPECT_EQ(j["time_us"], int64_t{1780000000500000});
  EXPECT_EQ(j["signature"].get<std::string>().size(), 128u);
  EXPECT_EQ(j["signer_key_id"], "03030303030303030303030303030303");
}

TEST(FormatTableTest, PadsByCharactersButNotTheLastColumn) {
  EXPECT_EQ(FormatTable({{"A", "B"}, {"\xc3\xa9t\xc3\xa9", "x"}, {"ab", ""}}),
            "A    B\n\xc3\xa9t\xc3\xa9  x\nab   \n");
}

}  // namespace
}  // namespace handover::cli
