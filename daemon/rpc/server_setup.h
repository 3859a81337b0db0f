// What every Handover gRPC server shares: the grpc.health.v1 health
// service, server reflection and the message-size limits.
#ifndef HANDOVER_RPC_SERVER_SETUP_H_
#define HANDOVER_RPC_SERVER_SETUP_H_

#include <grpcpp/server_builder.h>

namespace handover::rpc {

// Largest single gRPC message accepted: a ciphertext chunk plus framing.
inline constexpr int kMaxMessageBytes = 8 * 1024 * 1024;

// Enables the default health service and reflection (call before the
// builder is created) and sets message limits on `builder`.
void EnableHealthAndReflection();
void ConfigureBuilder(grpc::ServerBuilder* builder);

}  // namespace handover::rpc

#endif  // HANDOVER_RPC_SERVER_SETUP_H_
