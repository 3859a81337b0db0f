// Help, version and usage errors.
#include <string>

#include "cli_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace handover::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

using CliUsageTest = CliTest;

class CliHelpTest : public CliTest,
                    public ::testing::WithParamInterface<std::string> {};

TEST_P(CliHelpTest, PrintsUsageDescriptionAndExample) {
  std::vector<std::string> args;
  if (!GetParam().empty()) args.push_back(GetParam());
  args.push_back("--help");
  CommandResult r = Handover(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const std::string usage = GetParam().empty()
                                ? "Usage: handover [OPTIONS] [SUBCOMMAND]"
                                : "Usage: handover " + GetParam();
  EXPECT_THAT(r.out, HasSubstr(usage));
  EXPECT_THAT(r.out, HasSubstr("Example"));
  EXPECT_THAT(r.out, HasSubstr("handover " + GetParam()));
}

INSTANTIATE_TEST_SUITE_P(EveryCommand, CliHelpTest,
                         ::testing::Values("", "keygen", "seal", "open",
                                           "inspect", "version"),
                         [](const auto& info) {
                           return info.param.empty() ? std::string("top")
                                                     : info.param;
                         });

TEST_F(CliUsageTest, UnknownFlagIsAUsageError) {
  CommandResult r = Handover({"inspect", "x.hov", "--bogus"});
  ExpectOneErrorLine(r, 2, "handover inspect: ");
  EXPECT_THAT(r.err, HasSubstr("--bogus"));
  EXPECT_THAT(r.err, HasSubstr("(see 'handover inspect --help')\n"));
}

TEST_F(CliUsageTest, UnknownTopLevelFlagIsAUsageError) {
  CommandResult r = Handover({"--bogus"});
  ExpectOneErrorLine(r, 2, "handover: ");
  EXPECT_THAT(r.err, HasSubstr("(see 'handover --help')\n"));
}

TEST_F(CliUsageTest, UnknownCommandIsAUsageError) {
  CommandResult r = Handover({"frobnicate"});
  ExpectOneErrorLine(r, 2, "handover: ");
  EXPECT_THAT(r.err, HasSubstr("frobnicate"));
}

TEST_F(CliUsageTest, NoCommandIsAUsageError) {
  CommandResult r = Handover({});
  ExpectOneErrorLine(r, 2,
                     "handover: a command is required (see 'handover --help' "
                     "for the list)\n");
}

TEST_F(CliUsageTest, MissingRequiredOptionIsAUsageError) {
  CommandResult r = Handover({"keygen", "--agency", "stockport-cs"});
  ExpectOneErrorLine(r, 2, "handover keygen: --out is required");
  EXPECT_FALSE(Exists("keys"));
}

TEST_F(CliUsageTest, BadTimeToLiveIsAUsageError) {
  CommandResult r = Handover({"seal", "--key", "k", "--to", "p", "--in", "b",
                              "--out", "o", "--ttl", "5 days"});
  ExpectOneErrorLine(r, 2, "handover seal: --ttl: ");
  EXPECT_THAT(r.err, HasSubstr("is not a duration"));
  EXPECT_FALSE(Exists("o"));
}

TEST_F(CliUsageTest, BadFormatIsAUsageError) {
  CommandResult r = Handover({"version", "--format", "yaml"});
  ExpectOneErrorLine(r, 2, "handover version: --format: ");
}

TEST_F(CliUsageTest, VersionFlagAndCommandAgree) {
  CommandResult flag = Handover({"--version"});
  CommandResult command = Handover({"version"});
  EXPECT_EQ(flag.exit_code, 0);
  EXPECT_EQ(command.exit_code, 0);
  EXPECT_THAT(flag.out, StartsWith("handover "));
  EXPECT_EQ(flag.out, command.out);
  CommandResult json = Handover({"version", "--format", "json"});
  ASSERT_EQ(json.exit_code, 0);
  EXPECT_EQ("handover " +
                nlohmann::json::parse(json.out)["version"].get<std::string>() +
                "\n",
            flag.out);
}

}  // namespace
}  // namespace handover::testing
