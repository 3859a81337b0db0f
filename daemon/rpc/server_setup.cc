#include "rpc/server_setup.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

namespace handover::rpc {
namespace {

// Clients ping every 30 s even while idle (tls_credentials.cc); the server
// must accept that rather than answer "too many pings" and drop them.
constexpr int kMinClientPingIntervalMs = 20 * 1000;

// The server pings too, so a client whose host vanished without closing its
// connection is noticed within about 80 s: its calls end and give back
// their places among its open streams (open_stream_limiter.h). Without
// this, such a stream would count against the client for hours.
constexpr int kServerPingIntervalMs = 60 * 1000;
constexpr int kServerPingTimeoutMs = 20 * 1000;

}  // namespace

void EnableHealthAndReflection() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
}

void ConfigureBuilder(grpc::ServerBuilder* builder) {
  builder->SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder->SetMaxSendMessageSize(kMaxMessageBytes);
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder->AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
      kMinClientPingIntervalMs);
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS,
                              kServerPingIntervalMs);
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                              kServerPingTimeoutMs);
  // An idle watch sends no data for hours; keep pinging through it.
  builder->AddChannelArgument(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
}

}  // namespace handover::rpc
