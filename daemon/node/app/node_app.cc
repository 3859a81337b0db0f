#include "node/app/node_app.h"

#include <grpcpp/server_builder.h>
#include <unistd.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "config/host_port.h"
#include "config/port_check.h"
#include "node/api/node_service_env.h"
#include "rpc/server_setup.h"
#include "rpc/tls_credentials.h"
#include "spdlog/spdlog.h"

namespace handover::node::app {
namespace {

// The local API's view of a running core; `core` outlives the service.
api::NodeServiceEnv EnvFromCore(NodeCore* core,
                                const config::NodeConfig& config) {
  api::NodeServiceEnv env;
  env.store = core->store();
  DirectoryClient* directory = core->directory();
  env.current_directory = [directory] { return directory->Current(); };
  env.identity = &core->identity();
  env.clock = core->clock();
  env.outbox_dir = core->outbox_dir();
  env.notify_outbox = [core] { core->NotifyOutbox(); };
  env.router_connected = [core] { return core->router_connected(); };
  env.limits = config.limits;
  env.clients = config.clients;
  env.view_policy = &core->view_policy();
  env.always_copy = config.move.always_copy;
  env.acknowledgement = config.acknowledgement;
  env.notify_withdrawals = [core] { core->NotifyWithdrawals(); };
  env.alert_book = core->alert_book();
  env.alert_signal = core->alert_signal();
  env.notify_notices = [core] { core->NotifyNotices(); };
  env.log = core->delivery_log();
  env.events = core->events();
  env.log_path = core->log_path();
  env.router_transfer_log = [core](const std::string& transfer_id) {
    return core->RouterTransferLog(transfer_id);
  };
  return env;
}

}  // namespace

absl::StatusOr<std::unique_ptr<NodeApp>> NodeApp::Start(
    const config::NodeConfig& config, const Clock* clock) {
  RETURN_IF_ERROR(config::CheckPortFree(config.listen.address));
  std::unique_ptr<NodeApp> app(new NodeApp());
  ASSIGN_OR_RETURN(app->core_, NodeCore::Start(config, clock));
  app->service_ =
      std::make_unique<api::NodeService>(EnvFromCore(app->core_.get(), config));
  RETURN_IF_ERROR(app->StartServer(config));
  return app;
}

absl::Status NodeApp::StartServer(const config::NodeConfig& config) {
  ASSIGN_OR_RETURN(
      config::HostPort wanted,
      config::ParseHostPort(config.listen.address, config::PortZero::kAllow));
  // With a client CA, clients may present certificates (verified if they
  // do); without one, they authenticate with bearer tokens.
  ASSIGN_OR_RETURN(
      std::shared_ptr<grpc::ServerCredentials> credentials,
      rpc::MakeServerCredentials({config.listen.tls_cert, config.listen.tls_key,
                                  config.listen.client_ca},
                                 rpc::ClientCertPolicy::kRequestAndVerify));
  rpc::EnableHealthAndReflection();
  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(wanted.ToString(), credentials, &bound_port);
  // A second daemon must not share the port (see config/port_check.h).
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  rpc::ConfigureBuilder(&builder);
  drain_.Install(&builder);
  builder.RegisterService(service_.get());
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || bound_port == 0) {
    return absl::UnavailableError(
        absl::StrCat("could not listen on ", config.listen.address));
  }
  config::HostPort bound = wanted;
  bound.port = static_cast<uint16_t>(bound_port);
  listen_address_ = bound.ToString();
  listen_address_file_ =
      absl::StrCat(config.node.data_dir, "/", kListenAddressFileName);
  RETURN_IF_ERROR(WriteFileAtomically(
      listen_address_file_, absl::StrCat(listen_address_, "\n"), 0644));
  spdlog::info("listening on {}", listen_address_);
  return absl::OkStatus();
}

void NodeApp::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  if (server_ != nullptr) {
    spdlog::info("draining the local API (up to {} s)",
                 absl::ToInt64Seconds(kDrainTimeout));
    drain_.Drain(server_.get(), absl::Now() + kDrainTimeout);
    server_->Wait();
  }
  if (core_ != nullptr) core_->Stop();
  if (!listen_address_file_.empty()) unlink(listen_address_file_.c_str());
  spdlog::info("stopped");
}

NodeApp::~NodeApp() { Shutdown(); }

}  // namespace handover::node::app
