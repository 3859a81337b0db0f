// Hostile load rather than hostile bytes: every role calling every RPC of
// the local API it may not call, a flood of submissions over the per-client
// rate limit. Each proves nothing was stored and that another client is
// still served. HostileCatalogue.DescribesEveryRow checks the catalogue and
// writes its markdown when HANDOVER_HOSTILE_CATALOGUE names a file.
#include <cstdlib>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "harness/hostile_inputs.h"
#include "harness/network_test.h"
#include "harness/role_matrix.h"
#include "hostile/catalogue.h"

namespace handover::integration {
namespace {

namespace v1 = handover::v1;

// ---- The role x RPC matrix: one test per RPC.

class RoleMatrixTest : public NetworkTest,
                       public ::testing::WithParamInterface<NodeRpcCase> {};

TEST_P(RoleMatrixTest, EveryOtherRoleIsDeniedAndNothingIsStored) {
  const NodeRpcCase& rpc = GetParam();
  ASSERT_NO_FATAL_FAILURE(StartNetwork(HostileNetworkOptions()));
  const MatrixInputs inputs{RandomHex(16), RandomHex(16), Scratch("")};
  ASSERT_OK_AND_ASSIGN(const StoreCounts before,
                       CountStoresWhenQuiet(net(), Wait()));
  int denied = 0;
  for (Role role : kAllRoles) {
    if (rpc.allowed.count(role) > 0) continue;
    SCOPED_TRACE(std::string(RoleName(role)) + " calls " + rpc.rpc);
    const absl::Status status =
        rpc.call(*net().Client(kStockport, role), inputs);
    EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
    EXPECT_TRUE(
        absl::StrContains(status.message(), rpc.rpc + " needs the role"))
        << status;
    ++denied;
  }
  EXPECT_GT(denied, 0);
  ASSERT_OK_AND_ASSIGN(const StoreCounts after, CountStores(net()));
  EXPECT_EQ(before.ChangesTo(after), "") << "something was stored";
}

INSTANTIATE_TEST_SUITE_P(RoleMatrix, RoleMatrixTest,
                         ::testing::ValuesIn(NodeRpcMatrix()),
                         [](const ::testing::TestParamInfo<NodeRpcCase>& info) {
                           return info.param.rpc;
                         });

// ---- The catalogue itself.

TEST(HostileCatalogue, DescribesEveryRow) {
  const std::vector<HostileCase> rows = HostileCatalogue();
  EXPECT_GE(rows.size(), 40u);
  std::set<std::string> names;
  std::set<Via> routes;
  for (const HostileCase& row : rows) {
    EXPECT_TRUE(names.insert(row.name).second) << "twice: " << row.name;
    routes.insert(row.via);
    EXPECT_FALSE(row.input.empty()) << row.name;
    EXPECT_FALSE(row.proof.empty()) << row.name;
    EXPECT_FALSE(row.message.empty()) << row.name << " names no message";
  }
  EXPECT_EQ(routes.size(), 4u) << "every delivery route has rows";

  std::vector<std::string> matrix_rows;
  int denials = 0;
  for (const NodeRpcCase& rpc : NodeRpcMatrix()) {
    std::vector<std::string> allowed, denied;
    for (Role role : kAllRoles) {
      (rpc.allowed.count(role) > 0 ? allowed : denied)
          .push_back(RoleName(role));
    }
    denials += static_cast<int>(denied.size());
    matrix_rows.push_back(absl::StrCat("| ", rpc.rpc, " | ",
                                       absl::StrJoin(allowed, ", "), " | ",
                                       absl::StrJoin(denied, ", "), " |"));
  }
  EXPECT_EQ(NodeRpcMatrix().size(), 18u) << "every RPC of handover.v1.Node";
  const std::string markdown = CatalogueMarkdown(rows, matrix_rows, denials);
  if (const char* out = std::getenv("HANDOVER_HOSTILE_CATALOGUE")) {
    std::ofstream file(out);
    file << markdown;
    ASSERT_TRUE(file.good()) << "could not write " << out;
  }
}

// ---- Flood.

class HostileLoadTest : public NetworkTest {
 protected:
  int64_t Count(const std::string& name) {
    absl::StatusOr<StoreCounts> counts = CountStores(net());
    EXPECT_TRUE(counts.ok()) << counts.status();
    return counts.ok() ? counts->counts[name] : -1;
  }
};

TEST_F(HostileLoadTest, FloodOverTheRateLimitIsRefusedAndOthersAreServed) {
  ASSERT_NO_FATAL_FAILURE(CreateNetwork(HostileNetworkOptions()));
  net().node_settings(kStockport).extra_toml =
      "\n[limits]\nsubmissions_per_minute_per_client = 3\n";
  ASSERT_OK(net().StartAll());
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK(Send(kStockport, {kBirmingham}, "REF-WITHIN").status());
  }
  ASSERT_OK_AND_ASSIGN(const StoreCounts before,
                       CountStoresWhenQuiet(net(), Wait()));
  for (int i = 0; i < 20; ++i) {
    absl::StatusOr<std::string> over =
        Send(kStockport, {kBirmingham}, "REF-OVER");
    EXPECT_EQ(over.status().code(), absl::StatusCode::kResourceExhausted)
        << over.status();
    EXPECT_TRUE(absl::StrContains(over.status().message(),
                                  "over its limit of 3 submissions a minute; "
                                  "retry in "))
        << over.status();
  }
  ASSERT_OK_AND_ASSIGN(const StoreCounts after, CountStores(net()));
  EXPECT_EQ(before.ChangesTo(after), "") << "a refused submission was stored";

  // The case system (its own client, by certificate) is not held back.
  SubmitRequest request;
  request.idempotency_key = "case-system-1";
  request.recipients = {kBirmingham};
  request.bundle = MinimalBundle("REF-OTHER");
  ASSERT_OK_AND_ASSIGN(
      v1::SubmitTransferResponse other,
      net().ClientWithCert(kStockport, "case-system")->Submit(request));
  EXPECT_EQ(Count("stockport-cs outbox_transfers"), 4);
}

}  // namespace
}  // namespace handover::integration
