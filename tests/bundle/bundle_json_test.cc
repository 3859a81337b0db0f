#include "bundle/bundle_json.h"

#include <google/protobuf/util/message_differencer.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "bundle/bundle_validate.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::bundle {
namespace {

using ::handover::v1::CaseBundle;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kSamplePath =
    HANDOVER_SOURCE_DIR "/docs/examples/child-bundle.json";

TEST(BundleJsonTest, SampleBundleParsesAndValidates) {
  ASSERT_OK_AND_ASSIGN(const CaseBundle bundle,
                       ReadBundleJsonFile(kSamplePath));
  EXPECT_EQ(bundle.identity().family_name(), "Child");
  ASSERT_EQ(bundle.legal_status().deprivation_of_liberty().restrictions_size(),
            4);
  EXPECT_THAT(bundle.legal_status().deprivation_of_liberty().restrictions(0),
              HasSubstr("2:1 staffing at all times"));
  EXPECT_EQ(bundle.risk().sexual_exploitation().level(), v1::RISK_LEVEL_HIGH);
  ASSERT_EQ(bundle.attachments_size(), 2);
  EXPECT_EQ(bundle.attachments(0).name(), "photo.jpg");
  EXPECT_EQ(bundle.attachments(1).label(), "care-plan");
  EXPECT_OK(ValidateBundle(bundle));
  EXPECT_OK(ReadAndValidateBundleJsonFile(kSamplePath).status());
}

TEST(BundleJsonTest, AcceptsBothFieldSpellings) {
  ASSERT_OK_AND_ASSIGN(const CaseBundle bundle,
                       ParseBundleJson(R"({"identity": {"familyName": "Child",
                                       "given_names": "Sample"}})"));
  EXPECT_EQ(bundle.identity().family_name(), "Child");
  EXPECT_EQ(bundle.identity().given_names(), "Sample");
}

TEST(BundleJsonTest, UnknownFieldIsRejected) {
  const auto result =
      ParseBundleJson("{\"identity\": {\n  \"favouriteColour\": \"blue\"}}");
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr("identity: unknown field (line 2, column 3)"));
}

TEST(BundleJsonTest, UnknownFieldKeyIsNeverEchoed) {
  // A lost '": ' merges a key with its value; the key then holds case content.
  for (const char* json : {R"({"identity": {"given_namesZebedee": 1}})",
                           R"({"Zebedee Quixotic": 1})"}) {
    const auto result = ParseBundleJson(json);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(result.status().message()),
                HasSubstr("unknown field"));
    EXPECT_THAT(std::string(result.status().message()),
                Not(HasSubstr("Zebedee")));
  }
}

TEST(BundleJsonTest, UnknownEnumNameIsRejected) {
  const auto result = ParseBundleJson(
      R"({"legal_status": {"kind": "LEGAL_STATUS_KIND_ASBO"}})");
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr("legal_status.kind: not a known LegalStatusKind"));
  EXPECT_THAT(std::string(result.status().message()), Not(HasSubstr("ASBO")));
}

TEST(BundleJsonTest, EnumNamesAreCaseSensitive) {
  EXPECT_EQ(ParseBundleJson(
                R"({"legal_status": {"kind": "legal_status_kind_care_order"}})")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(BundleJsonTest, EnumNumbersMustBeKnown) {
  ASSERT_OK_AND_ASSIGN(const CaseBundle bundle,
                       ParseBundleJson(R"({"legal_status": {"kind": 3}})"));
  EXPECT_EQ(bundle.legal_status().kind(), v1::LEGAL_STATUS_KIND_CARE_ORDER);
  EXPECT_EQ(
      ParseBundleJson(R"({"legal_status": {"kind": 99}})").status().code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(BundleJsonTest, OversizedInputIsResourceExhausted) {
  std::string json = R"({"identity": {"family_name": ")";
  json.append(kMaxBundleJsonBytes, 'a');
  json.append("\"}}");
  const auto result = ParseBundleJson(json);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(BundleJsonTest, InputAtTheSizeLimitIsNotRejectedForSize) {
  std::string json = "{}";
  json.append(kMaxBundleJsonBytes - json.size(), ' ');
  EXPECT_OK(ParseBundleJson(json).status());
}

TEST(BundleJsonTest, DeepNestingIsRejected) {
  std::string json;
  for (int i = 0; i < 1000; ++i) json += "[";
  const auto result = ParseBundleJson(json);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr("more than 32 deep"));
}

TEST(BundleJsonTest, NestingLimitIsExact) {
  // 32 levels: the bundle object plus 31 arrays. Depth passes; the schema
  // check then fails on the first array.
  std::string ok = R"({"attachments":)";
  for (int i = 0; i < 31; ++i) ok += "[";
  for (int i = 0; i < 31; ++i) ok += "]";
  ok += "}";
  EXPECT_THAT(std::string(ParseBundleJson(ok).status().message()),
              Not(HasSubstr("deep")));
  std::string deep = R"({"attachments":)";
  for (int i = 0; i < 32; ++i) deep += "[";
  EXPECT_THAT(std::string(ParseBundleJson(deep).status().message()),
              HasSubstr("more than 32 deep"));
}

TEST(BundleJsonTest, BracketsInsideStringsDoNotCountTowardDepth) {
  std::string brackets;
  for (int i = 0; i < 100; ++i) brackets += "[{";
  const std::string json = absl::StrCat(
      R"({"identity": {"family_name": "Child \"[[", "given_names": ")",
      brackets, R"("}})");
  ASSERT_OK_AND_ASSIGN(const CaseBundle bundle, ParseBundleJson(json));
  EXPECT_EQ(bundle.identity().given_names(), brackets);
  EXPECT_EQ(bundle.identity().family_name(), "Child \"[[");
}

struct Malformed {
  std::string json;
  std::string why;  // A substring of the expected message.
};

void PrintTo(const Malformed& m, std::ostream* os) { *os << m.why; }

class MalformedJsonTest : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedJsonTest, IsInvalidArgument) {
  const auto result = ParseBundleJson(GetParam().json);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument)
      << result.status();
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr(GetParam().why));
}

INSTANTIATE_TEST_SUITE_P(
    Table, MalformedJsonTest,
    ::testing::Values(
        Malformed{"", "bundle: must be a JSON object"},
        Malformed{"   ", "bundle: must be a JSON object"},
        Malformed{"[]", "bundle: must be a JSON object"},
        Malformed{"null", "bundle: must be a JSON object"},
        Malformed{"{", "expected a field name"},
        Malformed{"{} {}", "unexpected data after the closing '}'"},
        Malformed{R"({"identity": {"family_name" "Child"}})",
                  "identity: expected ':' after a field name (line 1, "
                  "column 29)"},
        Malformed{"{\n  \"identity\": {\"family_name\": \"Child\",}\n}",
                  "identity: trailing comma (line 2, column 39)"},
        Malformed{R"({'identity': {}})", "expected a field name"},
        Malformed{R"({"contacts": [{"role": "x"},]})",
                  "contacts: trailing comma"},
        Malformed{R"({"contacts": [null]})",
                  "contacts[0]: null is not allowed in an array"},
        Malformed{R"({"identity": {"family_name": Child}})",
                  "identity.family_name: expected a string"},
        Malformed{R"({"identity": {"family_name": "Child})",
                  "unterminated string"},
        Malformed{"{\"identity\": {\"family_name\": \"a\nb\"}}",
                  "raw control character"},
        Malformed{R"({"identity": {"family_name": "\ud800"}})",
                  "unpaired surrogate"},
        Malformed{R"({"identity": {"family_name": "\q"}})", "invalid escape"},
        Malformed{"{\"identity\": {\"family_name\": \"\xff\"}}",
                  "not valid UTF-8"},
        Malformed{"\xef\xbb\xbf{}", "byte order mark"},
        Malformed{R"({"metadata": {"schema_version": 01}})",
                  "expected ',' or '}'"},
        Malformed{R"({"metadata": {"schema_version": 1.}})",
                  "malformed number"},
        Malformed{R"({"identity": {} /* comment */})", "expected ',' or '}'"},
        Malformed{R"({"identity": {"family_name": "A", "familyName": "B"}})",
                  "field \"family_name\" appears more than once"},
        Malformed{R"({"identity": {}, "identity": {}})",
                  "appears more than once"},
        Malformed{R"({"contacts": {"role": "x"}})",
                  "contacts: expected an array"},
        Malformed{R"({"identity": []})", "identity: expected an object"},
        Malformed{R"({"contacts": [{"out_of_hours": "true"}]})",
                  "contacts[0].out_of_hours: expected true or false"},
        Malformed{R"({"identity": {"family_name": 1}})", "expected a string"}));

TEST(BundleJsonTest, ProtobufValueErrorsDoNotEchoTheValue) {
  for (const char* json : {
           R"({"attachments": [{"size_bytes": "Zebedee"}]})",
           R"({"attachments": [{"size_bytes": -1}]})",
           R"({"metadata": {"created_time": "Zebedee"}})",
       }) {
    const auto result = ParseBundleJson(json);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(result.status().message()),
                Not(HasSubstr("Zebedee")));
    EXPECT_THAT(std::string(result.status().message()), Not(HasSubstr("-1")));
    EXPECT_THAT(std::string(result.status().message()),
                HasSubstr("not a valid"));
  }
}

TEST(BundleJsonTest, RoundTripIsStable) {
  ASSERT_OK_AND_ASSIGN(const CaseBundle bundle,
                       ReadBundleJsonFile(kSamplePath));
  ASSERT_OK_AND_ASSIGN(const std::string json, BundleToJson(bundle));
  ASSERT_OK_AND_ASSIGN(const CaseBundle again, ParseBundleJson(json));
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(bundle, again));
  ASSERT_OK_AND_ASSIGN(const std::string json_again, BundleToJson(again));
  EXPECT_EQ(json, json_again);
  EXPECT_THAT(json, HasSubstr("\"family_name\": \"Child\""));
  EXPECT_THAT(json, HasSubstr("\"kind\": \"LEGAL_STATUS_KIND_CARE_ORDER\""));
}

TEST(BundleJsonTest, ReadErrorsNameThePath) {
  const std::string missing = "/nonexistent/handover/bundle.json";
  const auto result = ReadBundleJsonFile(missing);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr(missing));
}

// The reader is reflection-based, so it accepts the move notice that
// Node.SubmitMove sets: a case system's JSON can carry one. The node, not
// the reader, refuses a submitted bundle that already has one; here the
// notice is read and then held to the same rules as one the node sets.
TEST(BundleJsonTest, AMoveNoticeInJsonIsReadAndValidated) {
  constexpr char kJson[] = R"({
    "metadata": {"schemaVersion": 1, "createdTime": "2024-03-18T09:30:00Z"},
    "identity": {"givenNames": "Sample"},
    "move": {
      "kind": "MOVE_NOTICE_KIND_MOVE",
      "fromArea": "E08000007",
      "toArea": "E08000025",
      "placementAddress": "10 Sample Road",
      "placementPostcode": "B15 2TT",
      "effectiveTime": "2024-03-19T09:30:00Z",
      "urgency": "MOVE_URGENCY_PLANNED"
    }
  })";
  ASSERT_OK_AND_ASSIGN(const CaseBundle bundle, ParseBundleJson(kJson));
  ASSERT_TRUE(bundle.has_move());
  EXPECT_EQ(bundle.move().kind(), v1::MOVE_NOTICE_KIND_MOVE);
  EXPECT_EQ(bundle.move().placement_postcode(), "B15 2TT");
  EXPECT_OK(ValidateBundle(bundle));

  std::string bad = kJson;
  bad.replace(bad.find("B15 2TT"), 7, "B152TT");
  ASSERT_OK_AND_ASSIGN(const CaseBundle parsed, ParseBundleJson(bad));
  const absl::Status s = ValidateBundle(parsed);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("move.placement_postcode: not a UK postcode"));
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr("B152TT")));

  // Unknown keys inside the notice are refused like anywhere else.
  std::string unknown = kJson;
  unknown.replace(unknown.find("\"toArea\""), 8, "\"toWhere\"");
  EXPECT_EQ(ParseBundleJson(unknown).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(BundleBinaryTest, RoundTrip) {
  ASSERT_OK_AND_ASSIGN(const CaseBundle bundle,
                       ReadBundleJsonFile(kSamplePath));
  ASSERT_OK_AND_ASSIGN(const CaseBundle again,
                       ParseBundleBinary(bundle.SerializeAsString()));
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(bundle, again));
}

TEST(BundleBinaryTest, GarbageIsRejected) {
  for (const std::string& bytes :
       {std::string("\xff\xff\xff\xff", 4), std::string("\x12\x05\x12", 3),
        std::string("\x0a\x7f", 2)}) {
    EXPECT_EQ(ParseBundleBinary(bytes).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
}

TEST(BundleBinaryTest, UnknownFieldsAreRejected) {
  // Field 99, varint 1, at top level; then inside identity (field 2).
  EXPECT_EQ(ParseBundleBinary(std::string("\x98\x06\x01", 3)).status().code(),
            absl::StatusCode::kInvalidArgument);
  const auto nested = ParseBundleBinary(std::string("\x12\x03\x98\x06\x01", 5));
  EXPECT_EQ(nested.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(nested.status().message()),
              HasSubstr("identity: unknown field"));
}

TEST(BundleBinaryTest, InvalidUtf8IsRejected) {
  // identity { family_name: "\xff" }
  EXPECT_EQ(
      ParseBundleBinary(std::string("\x12\x03\x12\x01\xff", 5)).status().code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(BundleBinaryTest, OversizedInputIsResourceExhausted) {
  const std::string bytes(kMaxBundleBinaryBytes + 1, '\0');
  EXPECT_EQ(ParseBundleBinary(bytes).status().code(),
            absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace handover::bundle
