// A RouterEnv over real parts in a temporary directory, with a FakeClock:
// SQLite store, spool, a signed directory file loaded by DirectoryHolder,
// the hub and the router's report signer. For tests of the parts that run
// without the gRPC server (the sweeper, the directory holder).
#ifndef HANDOVER_TESTS_ROUTER_ROUTER_ENV_FIXTURE_H_
#define HANDOVER_TESTS_ROUTER_ROUTER_ENV_FIXTURE_H_

#include <memory>
#include <set>
#include <string>

#include "common/clock.h"
#include "deliverylog/event_recorder.h"
#include "deliverylog/sqlite_delivery_log.h"
#include "gtest/gtest.h"
#include "router/directory_holder.h"
#include "router/router_env.h"
#include "router/router_test_util.h"
#include "router/sqlite_router_store.h"
#include "temp_dir.h"

namespace handover::router::testing {

inline const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

class RouterEnvTest : public ::testing::Test {
 protected:
  RouterEnvTest()
      : agencies_({"stockport-cs", "birmingham-cs"}), clock_(kStart) {}

  void SetUp() override;
  std::string DirectoryPath() const {
    return tmp_.path() + "/directory.signed";
  }
  // Writes directory `version` (with `revoked`) and loads it.
  void PublishDirectory(uint64_t version,
                        const std::set<std::string>& revoked = {});

  handover::testing::TempDir tmp_;
  TestAgencies agencies_;
  FakeClock clock_;
  std::unique_ptr<SqliteRouterStore> store_;
  std::unique_ptr<CiphertextSpool> spool_;
  std::unique_ptr<CiphertextJanitor> janitor_;
  std::unique_ptr<DirectoryHolder> directory_;
  std::unique_ptr<MailboxHub> hub_;
  std::unique_ptr<ReportSigner> signer_;
  // The router's delivery log, real, in the temporary directory.
  std::unique_ptr<deliverylog::SqliteDeliveryLog> log_;
  std::unique_ptr<deliverylog::EventRecorder> events_;
  RouterEnv env_;
};

}  // namespace handover::router::testing

#endif  // HANDOVER_TESTS_ROUTER_ROUTER_ENV_FIXTURE_H_
