// ServerDrain stops a daemon's gRPC server on SIGTERM: it takes no new calls
// or connections, lets the calls already running finish (until a deadline,
// then cancels them), and closes every connection as soon as no call is
// left.
//
// grpc::Server::Shutdown(deadline) alone also waits for each connection to
// close, and gRPC closes one gracefully: a GOAWAY and a ping the client must
// answer. A client with no call in flight reads its socket only when gRPC's
// backup poller runs (every 5 s), so one idle channel held the drain for
// 5-10 s. With no call left there is nothing to lose by closing at once.
//
// Thread-safe. The ServerDrain must outlive the server it is installed in.
#ifndef HANDOVER_RPC_SERVER_DRAIN_H_
#define HANDOVER_RPC_SERVER_DRAIN_H_

#include <memory>

#include "absl/time/time.h"

namespace grpc {
class Server;
class ServerBuilder;
}  // namespace grpc

namespace handover::rpc {

class CallCounter;

class ServerDrain {
 public:
  ServerDrain();
  ~ServerDrain();
  ServerDrain(const ServerDrain&) = delete;
  ServerDrain& operator=(const ServerDrain&) = delete;

  // Counts every call of the server `builder` builds, through an
  // interceptor. Call once, before BuildAndStart; it replaces any
  // interceptors set on `builder` before.
  void Install(grpc::ServerBuilder* builder);

  // Shuts `server` (built by the builder given to Install) down as the top
  // comment says and returns once it has stopped. Call once.
  void Drain(grpc::Server* server, absl::Time deadline);

  // The calls running now.
  int calls_in_flight() const;

 private:
  std::shared_ptr<CallCounter> calls_;
};

}  // namespace handover::rpc

#endif  // HANDOVER_RPC_SERVER_DRAIN_H_
