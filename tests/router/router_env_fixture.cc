#include "router/router_env_fixture.h"

namespace handover::router::testing {

void RouterEnvTest::SetUp() {
  auto store = SqliteRouterStore::Open(tmp_.path() + "/router.sqlite");
  ASSERT_TRUE(store.ok()) << store.status();
  store_ = std::move(store).value();
  auto spool = CiphertextSpool::Open(tmp_.path() + "/spool");
  ASSERT_TRUE(spool.ok()) << spool.status();
  spool_ = std::move(spool).value();
  agencies_.WriteSigned(DirectoryPath(), 1, kStart - absl::Hours(1));
  auto directory = DirectoryHolder::Load(
      DirectoryPath(), agencies_.authority().public_identity(), store_.get());
  ASSERT_TRUE(directory.ok()) << directory.status();
  directory_ = std::move(directory).value();
  hub_ = std::make_unique<MailboxHub>();
  janitor_ =
      std::make_unique<CiphertextJanitor>(store_.get(), spool_.get(), &clock_);
  signer_ = std::make_unique<ReportSigner>(&agencies_.Get(kRouterId), &clock_);
  env_.router_id = kRouterId;
  env_.max_envelope_bytes = uint64_t{1} << 30;
  env_.clock = &clock_;
  env_.store = store_.get();
  env_.spool = spool_.get();
  env_.janitor = janitor_.get();
  env_.directory = directory_.get();
  env_.hub = hub_.get();
  env_.signer = signer_.get();
  deliverylog::SqliteDeliveryLogOptions log_options;
  log_options.path = tmp_.path() + "/log.db";
  log_options.log_id = kRouterId;
  log_options.clock = &clock_;
  auto log = deliverylog::SqliteDeliveryLog::Open(log_options);
  ASSERT_TRUE(log.ok()) << log.status();
  log_ = std::move(log).value();
  events_ = std::make_unique<deliverylog::EventRecorder>(log_.get());
  env_.log = log_.get();
  env_.events = events_.get();
}

void RouterEnvTest::PublishDirectory(uint64_t version,
                                     const std::set<std::string>& revoked) {
  agencies_.WriteSigned(DirectoryPath(), version, kStart - absl::Hours(1),
                        revoked);
  absl::StatusOr<bool> changed = directory_->Reload(/*force=*/true);
  ASSERT_TRUE(changed.ok()) << changed.status();
}

}  // namespace handover::router::testing
