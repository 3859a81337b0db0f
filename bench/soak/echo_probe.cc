#include "soak/echo_probe.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rpc/server_setup.h"
#include "rpc/tls_credentials.h"

namespace handover::bench {

// Answers each publication with its size; nothing is subscribed.
class EchoProbe::Service final : public Echo::Service {
  grpc::Status Publish(grpc::ServerContext*, const EchoChunk* chunk,
                       EchoReply* reply) override {
    reply->set_bytes(chunk->data().size());
    return grpc::Status::OK;
  }
};

EchoProbe::EchoProbe() : service_(std::make_unique<Service>()) {}

EchoProbe::~EchoProbe() {
  if (server_ != nullptr) server_->Shutdown();
}

absl::StatusOr<std::unique_ptr<EchoProbe>> EchoProbe::Start(
    const TlsMaterial& tls) {
  auto server_creds = rpc::MakeServerCredentials(
      {tls.server_cert_path, tls.server_key_path, tls.ca_pem_path},
      rpc::ClientCertPolicy::kRequireAndVerify);
  if (!server_creds.ok()) return server_creds.status();
  std::unique_ptr<EchoProbe> probe(new EchoProbe());
  grpc::ServerBuilder builder;
  rpc::ConfigureBuilder(&builder);
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", *server_creds, &port);
  builder.RegisterService(probe->service_.get());
  probe->server_ = builder.BuildAndStart();
  if (probe->server_ == nullptr || port == 0) {
    return absl::UnavailableError("echo baseline server did not start");
  }
  auto channel_creds = rpc::MakeChannelCredentials(
      {tls.ca_pem_path, tls.client_cert_path, tls.client_key_path});
  if (!channel_creds.ok()) return channel_creds.status();
  probe->stub_ = Echo::NewStub(
      rpc::MakeChannel(absl::StrCat("localhost:", port), *channel_creds));
  return probe;
}

absl::Status EchoProbe::Call(const std::string& payload) {
  EchoChunk message;
  message.set_data(payload);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  EchoReply reply;
  const grpc::Status status = stub_->Publish(&context, message, &reply);
  if (!status.ok()) {
    return absl::UnavailableError(
        absl::StrCat("echo baseline call failed: ", status.error_message()));
  }
  if (reply.bytes() != payload.size()) {
    return absl::DataLossError("echo baseline answered the wrong size");
  }
  return absl::OkStatus();
}

}  // namespace handover::bench
