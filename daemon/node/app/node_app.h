// NodeApp is a running handover-node: the node core (store, directory,
// outbox sender, router link) and the local API server on [listen], over
// TLS, with health checking and reflection. main() starts one from a loaded
// config and shuts it down on SIGTERM; tests may start one in-process.
//
// Once serving it writes its bound address as "host:port\n" to
// <data_dir>/listen-address (atomically) and logs "listening on
// host:port"; Shutdown() removes the file.
//
// Thread-safety: Shutdown() may be called from any one thread, once or
// more; the accessors are safe at any time.
#ifndef HANDOVER_NODE_APP_NODE_APP_H_
#define HANDOVER_NODE_APP_NODE_APP_H_

#include <grpcpp/server.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "config/node_config.h"
#include "node/api/node_service.h"
#include "node/node_core.h"
#include "rpc/server_drain.h"

namespace handover::node::app {

inline constexpr char kListenAddressFileName[] = "listen-address";
// How long in-flight calls may run on after a shutdown starts.
inline constexpr absl::Duration kDrainTimeout = absl::Seconds(10);

class NodeApp {
 public:
  // Checks that the listen port is free, starts the core and the server.
  // `config` must have passed config::LoadNodeConfig. `clock` must outlive
  // the app.
  static absl::StatusOr<std::unique_ptr<NodeApp>> Start(
      const config::NodeConfig& config,
      const Clock* clock = &SystemClock::Get());
  ~NodeApp();  // Shutdown()s.
  NodeApp(const NodeApp&) = delete;
  NodeApp& operator=(const NodeApp&) = delete;

  // Stops accepting calls, lets in-flight ones finish for up to
  // kDrainTimeout (then cancels them), closes the connections once none is
  // left (an idle client does not hold it up), stops the core and removes
  // the listen-address file. Idempotent.
  void Shutdown();

  // The address the server is bound to, "host:port".
  const std::string& listen_address() const { return listen_address_; }
  NodeCore* core() const { return core_.get(); }

 private:
  NodeApp() = default;
  absl::Status StartServer(const config::NodeConfig& config);

  std::unique_ptr<NodeCore> core_;
  std::unique_ptr<api::NodeService> service_;
  rpc::ServerDrain drain_;  // outlives server_
  std::unique_ptr<grpc::Server> server_;
  std::string listen_address_;
  std::string listen_address_file_;
  bool shut_down_ = false;
};

}  // namespace handover::node::app

#endif  // HANDOVER_NODE_APP_NODE_APP_H_
