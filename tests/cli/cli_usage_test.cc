// Help, version and usage errors.
#include <stdlib.h>

#include <algorithm>

#include <string>
#include <vector>

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
  // "alerts watch" is two words on the command line.
  for (size_t at = 0; at < GetParam().size();) {
    const size_t space = std::min(GetParam().find(' ', at), GetParam().size());
    args.push_back(GetParam().substr(at, space - at));
    at = space + 1;
  }
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

INSTANTIATE_TEST_SUITE_P(
    EveryCommand, CliHelpTest,
    ::testing::Values("", "keygen", "seal", "open", "inspect", "version",
                      "submit", "inbox", "fetch", "status", "info", "move",
                      "ack", "overdue", "alerts", "alerts watch", "alerts ack",
                      "recalls", "directory revoke"),
    [](const auto& info) {
      std::string name = info.param.empty() ? std::string("top") : info.param;
      for (char& c : name) {
        if (c == ' ') c = '_';
      }
      return name;
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

// The network commands check their connection options before anything is
// read or sent, so none of these needs a node.
class CliConnectionUsageTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    unsetenv("HANDOVER_NODE");
    unsetenv("HANDOVER_CA");
    unsetenv("HANDOVER_TOKEN_FILE");
  }
};

TEST_F(CliConnectionUsageTest, NodeIsRequired) {
  CommandResult r = Handover({"inbox", "--ca", "ca.pem", "--token-file", "t"});
  ExpectOneErrorLine(r, 2,
                     "handover inbox: --node is required (or set "
                     "HANDOVER_NODE to the node's host:port) (see 'handover "
                     "inbox --help')\n");
}

TEST_F(CliConnectionUsageTest, NodeNeedsAPort) {
  CommandResult r = Handover(
      {"inbox", "--node", "localhost", "--ca", "ca.pem", "--token-file", "t"});
  ExpectOneErrorLine(r, 2, "handover inbox: --node: ");
  EXPECT_THAT(r.err, HasSubstr("has no port"));
}

TEST_F(CliConnectionUsageTest, CaIsRequired) {
  CommandResult r = Handover({"status", "0123456789abcdef0123456789abcdef",
                              "--node", "127.0.0.1:7401", "--token-file", "t"});
  ExpectOneErrorLine(r, 2, "handover status: --ca is required");
}

TEST_F(CliConnectionUsageTest, CredentialsAreRequired) {
  CommandResult r =
      Handover({"inbox", "--node", "127.0.0.1:7403", "--ca", "ca.pem"});
  ExpectOneErrorLine(r, 2,
                     "handover inbox: credentials are required: --cert and "
                     "--key, or --token-file (or HANDOVER_TOKEN_FILE)");
}

TEST_F(CliConnectionUsageTest, CertNeedsKey) {
  CommandResult r = Handover({"inbox", "--node", "127.0.0.1:7403", "--ca",
                              "ca.pem", "--cert", "c.pem"});
  ExpectOneErrorLine(r, 2,
                     "handover inbox: --cert and --key go together: give "
                     "both, or use --token-file");
}

TEST_F(CliConnectionUsageTest, CertAndTokenAreExclusive) {
  CommandResult r =
      Handover({"inbox", "--node", "127.0.0.1:7403", "--ca", "ca.pem", "--cert",
                "c.pem", "--key", "c.key", "--token-file", "t"});
  ExpectOneErrorLine(r, 2,
                     "handover inbox: give either --cert and --key, or "
                     "--token-file, not both");
}

TEST_F(CliConnectionUsageTest, NoTokenOptionExists) {
  CommandResult r = Handover({"inbox", "--node", "127.0.0.1:7403", "--ca",
                              "ca.pem", "--token", "secret"});
  ExpectOneErrorLine(r, 2, "handover inbox: ");
  EXPECT_THAT(r.err, HasSubstr("--token"));
}

TEST_F(CliConnectionUsageTest, TransferIdMustBe32HexDigits) {
  for (const std::string command : {"status", "fetch"}) {
    std::vector<std::string> args = {command,          "ABC",  "--node",
                                     "127.0.0.1:7401", "--ca", "ca.pem",
                                     "--token-file",   "t"};
    if (command == "fetch") args.insert(args.end(), {"--out", "o"});
    CommandResult r = Handover(args);
    ExpectOneErrorLine(r, 2,
                       "handover " + command +
                           ": ID: a transfer id is 32 lower-case hex digits");
  }
  EXPECT_FALSE(Exists("o"));
}

TEST_F(CliConnectionUsageTest, SubmitChecksItsValues) {
  const std::vector<std::string> base = {"submit", "--bundle",       "b.json",
                                         "--node", "127.0.0.1:7401", "--ca",
                                         "ca.pem", "--token-file",   "t"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return Handover(args);
  };
  ExpectOneErrorLine(with({"--to", "birmingham-cs"}), 2,
                     "handover submit: --idempotency-key is required");
  ExpectOneErrorLine(with({"--to", "Birmingham CS", "--idempotency-key", "k"}),
                     2, "handover submit: --to: ");
  ExpectOneErrorLine(
      with({"--to", "birmingham-cs", "--idempotency-key",
            std::string(129, 'k')}),
      2, "handover submit: --idempotency-key: an idempotency key is 1 to 128");
  ExpectOneErrorLine(with({"--to", "birmingham-cs", "--idempotency-key", "k",
                           "--ttl", "5 days"}),
                     2, "handover submit: --ttl: ");
}

TEST_F(CliConnectionUsageTest, StatusWaitNamesAState) {
  CommandResult r = Handover({"status", "0123456789abcdef0123456789abcdef",
                              "--wait", "arrived", "--node", "127.0.0.1:7401",
                              "--ca", "ca.pem", "--token-file", "t"});
  ExpectOneErrorLine(r, 2, "handover status: --wait: ");
  EXPECT_THAT(r.err,
              HasSubstr("queued,at-router,delivered,failed,expired,withdrawn"));
}

TEST_F(CliConnectionUsageTest, InboxPageSizeIsBounded) {
  CommandResult r =
      Handover({"inbox", "--page-size", "0", "--node", "127.0.0.1:7401", "--ca",
                "ca.pem", "--token-file", "t"});
  ExpectOneErrorLine(r, 2, "handover inbox: --page-size: ");
}

// Move values are checked here for a clear usage error; the node checks
// them again and is the authority.
class CliMoveUsageTest : public CliConnectionUsageTest {
 protected:
  // `handover move` with valid values, except that each OPTION, VALUE pair
  // in `changes` replaces (or adds) that option's value.
  CommandResult Move(const std::vector<std::string>& changes) {
    std::vector<std::string> args = {
        "move",       "--bundle",  "b.json",
        "--from",     "E08000007", "--to",
        "E08000025",  "--address", "12 Example Road",
        "--postcode", "B15 2TT",   "--idempotency-key",
        "k",          "--node",    "127.0.0.1:7401",
        "--ca",       "ca.pem",    "--token-file",
        "t"};
    for (size_t i = 0; i + 1 < changes.size(); i += 2) {
      auto at = std::find(args.begin(), args.end(), changes[i]);
      if (at == args.end()) {
        args.insert(args.end(), {changes[i], changes[i + 1]});
      } else {
        *(at + 1) = changes[i + 1];
      }
    }
    return Handover(args);
  }
};

TEST_F(CliMoveUsageTest, BadGssCodeIsAUsageError) {
  CommandResult r = Move({"--to", "E0800002"});
  ExpectOneErrorLine(r, 2,
                     "handover move: --to: 'E0800002' is not an ONS GSS area "
                     "code (one upper-case letter and 8 digits, e.g. "
                     "E08000025)");
  ExpectOneErrorLine(Move({"--from", "e08000007"}), 2,
                     "handover move: --from: 'e08000007' is not an ONS GSS");
}

TEST_F(CliMoveUsageTest, BadPostcodeIsAUsageError) {
  for (const std::string bad : {"B15", "B15 2T", "B1 52TT", "15B 2TT", ""}) {
    CommandResult r = Move({"--postcode", bad});
    ExpectOneErrorLine(r, 2, "handover move: --postcode: ");
  }
  CommandResult r = Move({"--postcode", "B15 2T"});
  EXPECT_THAT(r.err, HasSubstr("'B15 2T' is not shaped like a UK postcode"));
}

TEST_F(CliMoveUsageTest, PostcodeInEitherCaseGetsPastUsage) {
  // Parsing passes; the failure is the missing bundle file (exit 1).
  for (const std::string ok : {"b15 2tt", "B152TT", "EC1A 1BB", "W1 1AA"}) {
    CommandResult r = Move({"--postcode", ok});
    ExpectOneErrorLine(r, 1, "handover move: ");
    EXPECT_THAT(r.err, HasSubstr("b.json")) << ok;
  }
}

TEST_F(CliMoveUsageTest, BadUrgencyIsAUsageError) {
  CommandResult r = Move({"--urgency", "soon"});
  ExpectOneErrorLine(r, 2, "handover move: --urgency: ");
  EXPECT_THAT(r.err, HasSubstr("planned,urgent,emergency"));
}

TEST_F(CliMoveUsageTest, BadEffectiveTimeIsAUsageError) {
  CommandResult r = Move({"--effective", "2026-12-04 10:15"});
  ExpectOneErrorLine(r, 2,
                     "handover move: --effective: '2026-12-04 10:15' is not "
                     "an RFC 3339 time");
}

TEST_F(CliMoveUsageTest, RequiredOptions) {
  CommandResult r = Handover(
      {"move", "--bundle", "b.json", "--from", "E08000007", "--to", "E08000025",
       "--postcode", "B15 2TT", "--idempotency-key", "k", "--node",
       "127.0.0.1:7401", "--ca", "ca.pem", "--token-file", "t"});
  ExpectOneErrorLine(r, 2, "handover move: --address is required");
  ExpectOneErrorLine(Move({"--address", std::string(501, 'x')}), 2,
                     "handover move: --address: the placement address is 1 "
                     "to 500 characters");
}

TEST_F(CliConnectionUsageTest, AcknowledgementsCheckTheirValues) {
  const std::vector<std::string> connection = {
      "--node", "127.0.0.1:7406", "--ca", "ca.pem", "--token-file", "t"};
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.end(), connection.begin(), connection.end());
    return Handover(args);
  };
  ExpectOneErrorLine(
      run({"alerts", "ack", "1f2e3d4c5b6a79881f2e3d4c5b6a7988", "--operator",
           "PC-1", "--note", "n"}),
      2, "handover alerts ack: ALERT_ID: an alert id is \"A-\" and 32");
  ExpectOneErrorLine(run({"alerts", "ack", "A-1f2e3d4c5b6a79881f2e3d4c5b6a7988",
                          "--operator", "PC-1"}),
                     2, "handover alerts ack: --note is required");
  ExpectOneErrorLine(run({"ack", "1f2e3d4c5b6a79881f2e3d4c5b6a7988",
                          "--operator", std::string(65, 'o')}),
                     2, "handover ack: --operator: an operator id is 1 to 64");
  ExpectOneErrorLine(run({"ack", "XYZ", "--operator", "SW-1"}), 2,
                     "handover ack: TRANSFER_ID: a transfer id is 32");
  ExpectOneErrorLine(run({"alerts", "watch", "--after", "-1"}), 2,
                     "handover alerts watch: --after: ");
  ExpectOneErrorLine(run({"alerts"}), 2, "handover alerts: ");
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
