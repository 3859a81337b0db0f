// The bad-input catalogue: one row per hostile input, each its own test.
// A row says how the input is delivered (a node's local API as some role,
// an upload to the router as some agency, a directory file given to the
// router, or the real `handover` CLI), the exact status (or exit code and
// stderr line) it must get, and the test proves nothing was stored: every
// count of the router's and the nodes' SQLite files, spool, outbox and inbox
// directories and delivery logs is the same after the attempt, except the
// one REJECTED entry the router logs for a refused upload.
//
// The role x RPC matrix and the flood over the rate limit are in
// hostile_flood_test.cc; the catalogue's markdown is written
// by HostileCatalogue.DescribesEveryRow (hostile/catalogue.h).
#include <sys/stat.h>

#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "harness/hostile_inputs.h"
#include "harness/network_test.h"
#include "hostile/catalogue.h"

namespace handover::integration {
namespace {

class HostileInputTest : public NetworkTest,
                         public ::testing::WithParamInterface<HostileCase> {};

TEST_P(HostileInputTest, IsRefusedAndNothingIsStored) {
  const HostileCase& row = GetParam();
  ASSERT_NO_FATAL_FAILURE(StartNetwork(HostileNetworkOptions()));
  HostileContext context(net());
  if (row.prepare) ASSERT_OK(row.prepare(context));
  ASSERT_OK_AND_ASSIGN(const StoreCounts before,
                       CountStoresWhenQuiet(net(), Wait()));

  ASSERT_OK_AND_ASSIGN(const HostileOutcome outcome, row.attack(context));
  std::cerr << "outcome: " << absl::StatusCodeToString(outcome.code) << " exit "
            << outcome.exit_code << ": " << outcome.message << "\n";
  if (row.via == Via::kCli) {
    EXPECT_EQ(outcome.exit_code, row.exit_code) << outcome.message;
    const std::vector<std::string> lines =
        absl::StrSplit(outcome.message, '\n', absl::SkipEmpty());
    EXPECT_EQ(lines.size(), 1u) << "one line on stderr, and nothing else:\n"
                                << outcome.message;
    EXPECT_TRUE(absl::StartsWith(outcome.message, "handover submit: "))
        << outcome.message;
  } else {
    EXPECT_EQ(outcome.code, row.code)
        << absl::StatusCodeToString(outcome.code) << ": " << outcome.message;
    EXPECT_EQ(outcome.message.find('\n'), std::string::npos)
        << "a one-line message: " << outcome.message;
  }
  EXPECT_TRUE(absl::StrContains(outcome.message, row.message))
      << "expected \"" << row.message << "\" in: " << outcome.message;

  // The daemons are still up and answering.
  ASSERT_TRUE(net().router_process().Running()) << "the router died";
  for (const std::string& id : net().node_ids()) {
    ASSERT_TRUE(net().node_process(id).Running()) << id << " died";
    EXPECT_OK(net().Client(id, Role::kAdmin)->GetNodeInfo().status());
  }
  ASSERT_OK_AND_ASSIGN(const StoreCounts after, CountStores(net()));
  EXPECT_EQ(before.ChangesTo(after), "") << "something was stored";
  EXPECT_EQ(after.router_refusals - before.router_refusals,
            row.router_refusals_logged)
      << "REJECTED entries the router logged";
}

INSTANTIATE_TEST_SUITE_P(Catalogue, HostileInputTest,
                         ::testing::ValuesIn(HostileCatalogue()),
                         [](const ::testing::TestParamInfo<HostileCase>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace handover::integration
