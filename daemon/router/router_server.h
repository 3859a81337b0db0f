// A running router: everything handover-router serves, started from a
// loaded RouterConfig, usable in-process by tests and benchmarks as well as
// by the daemon's main(). Start() opens <data_dir>/router.sqlite and
// <data_dir>/spool/, removes spool files no envelope names (left by a
// crash), releases items that were in flight, loads the router's signing
// key and the signed directory, listens with mTLS (client certificates
// required and verified) and starts two background threads: the sweeper
// and the directory watcher (each once a second).
//
// Thread-safe. Call crypto::InitSodium() first.
#ifndef HANDOVER_ROUTER_ROUTER_SERVER_H_
#define HANDOVER_ROUTER_ROUTER_SERVER_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "config/router_config.h"
#include "crypto/identity.h"
#include "deliverylog/delivery_log.h"
#include "deliverylog/event_recorder.h"
#include "deliverylog/tree_head_publisher.h"
#include "router/router_env.h"
#include "rpc/server_drain.h"

namespace grpc {
class Server;
}

namespace handover::router {

class DirectoryHolder;
class RouterService;
class Sweeper;

struct RouterServerOptions {
  const Clock* clock = &SystemClock::Get();
  // The sweeper and directory watcher threads; tests that drive the
  // sweeper by hand turn them off.
  bool background = true;
  absl::Duration background_interval = absl::Seconds(1);
};

class RouterServer {
 public:
  // Fails with one line per problem (the code of the first).
  static absl::StatusOr<std::unique_ptr<RouterServer>> Start(
      const config::RouterConfig& config, RouterServerOptions options = {});
  ~RouterServer();  // Shutdown()s.
  RouterServer(const RouterServer&) = delete;
  RouterServer& operator=(const RouterServer&) = delete;

  // The address it listens on, "host:port" with the real port.
  const std::string& address() const { return address_; }

  // Stops taking calls, ends mailbox streams, lets other calls finish for
  // up to `drain` (then cancels them), closes the connections once no call
  // is left (an idle client does not hold it up) and stops the background
  // threads. Idempotent.
  void Shutdown(absl::Duration drain = absl::Seconds(10));

  // Reads the directory file again now (e.g. on SIGHUP).
  absl::Status ReloadDirectory();

  // The parts, for tests.
  RouterStore* store() { return store_.get(); }
  Sweeper* sweeper() { return sweeper_.get(); }
  MailboxHub* hub() { return hub_.get(); }
  DirectoryHolder* directory() { return directory_.get(); }
  CiphertextSpool* spool() { return spool_.get(); }

 private:
  RouterServer() = default;
  absl::Status Build(const config::RouterConfig& config,
                     const RouterServerOptions& options);
  // The store and the spool under `data_dir`.
  absl::Status OpenState(const std::string& data_dir);
  void RunBackground(absl::Duration interval);
  // <data_dir>/log.db, its recorder and its head publisher.
  absl::Status OpenLog(const config::RouterConfig& config, const Clock* clock);

  std::unique_ptr<RouterStore> store_;
  std::unique_ptr<CiphertextSpool> spool_;
  std::unique_ptr<CiphertextJanitor> janitor_;
  std::unique_ptr<crypto::SecretIdentity> identity_;
  // After identity_, which signs the log's heads.
  std::unique_ptr<deliverylog::DeliveryLog> log_;
  std::unique_ptr<deliverylog::EventRecorder> events_;
  std::unique_ptr<deliverylog::TreeHeadPublisher> head_publisher_;
  std::unique_ptr<DirectoryHolder> directory_;
  std::unique_ptr<MailboxHub> hub_;
  std::unique_ptr<ReportSigner> signer_;
  RouterEnv env_;
  std::unique_ptr<Sweeper> sweeper_;
  std::unique_ptr<RouterService> service_;
  rpc::ServerDrain drain_;  // outlives server_
  std::unique_ptr<grpc::Server> server_;
  std::string address_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  std::thread background_;
};

}  // namespace handover::router

#endif  // HANDOVER_ROUTER_ROUTER_SERVER_H_
