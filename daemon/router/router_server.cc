#include "router/router_server.h"

#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "config/host_port.h"
#include "crypto/key_file.h"
#include "deliverylog/sqlite_delivery_log.h"
#include "router/directory_holder.h"
#include "router/router_service.h"
#include "router/sqlite_router_store.h"
#include "router/sweeper.h"
#include "rpc/server_setup.h"
#include "rpc/tls_credentials.h"
#include "spdlog/spdlog.h"

namespace handover::router {
namespace {

constexpr char kDatabaseName[] = "router.sqlite";
constexpr char kSpoolName[] = "spool";
constexpr char kLogName[] = "log.db";

// "router.toml: [router] key_dir: ...", as the config's own problems read.
absl::Status Labelled(const config::RouterConfig& config,
                      absl::string_view what, const absl::Status& status) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(config.source, ": ", what,
                                                  ": ", status.message()));
}

// Nodes verify the router's reports with its directory entry: a router
// missing from the directory, or whose key is not listed, works but its
// reports will be refused. Said once, at start-up.
void WarnIfNotListed(const directory::DirectoryView& directory,
                     const crypto::SecretIdentity& identity, absl::Time now) {
  absl::StatusOr<std::vector<crypto::PublicIdentity>> keys =
      directory.SigningKeysAt(identity.agency_id(), now);
  if (!keys.ok()) {
    spdlog::warn(
        "router {} has no valid key in directory version {} ({}); nodes "
        "will refuse its non-delivery reports",
        identity.agency_id(), directory.version(),
        std::string(keys.status().message()));
    return;
  }
  for (const crypto::PublicIdentity& key : *keys) {
    if (key.sign_public_key == identity.public_identity().sign_public_key) {
      return;
    }
  }
  spdlog::warn(
      "the router's signing key is not among {}'s keys in directory version "
      "{}; nodes will refuse its non-delivery reports",
      identity.agency_id(), directory.version());
}

}  // namespace

absl::StatusOr<std::unique_ptr<RouterServer>> RouterServer::Start(
    const config::RouterConfig& config, RouterServerOptions options) {
  std::unique_ptr<RouterServer> server(new RouterServer);
  RETURN_IF_ERROR(server->Build(config, options));
  return server;
}

absl::Status RouterServer::OpenState(const std::string& data_dir) {
  RETURN_IF_ERROR(MakeDirectories(data_dir, 0700));
  ASSIGN_OR_RETURN(
      std::unique_ptr<SqliteRouterStore> store,
      SqliteRouterStore::Open(absl::StrCat(data_dir, "/", kDatabaseName)));
  store_ = std::move(store);
  // No stream is live yet: whatever was in flight goes out again.
  RETURN_IF_ERROR(store_->ReleaseAllPushed());
  ASSIGN_OR_RETURN(
      spool_, CiphertextSpool::Open(absl::StrCat(data_dir, "/", kSpoolName)));
  ASSIGN_OR_RETURN(std::vector<std::string> names, store_->ListSpoolNames());
  ASSIGN_OR_RETURN(int orphans,
                   spool_->RemoveOrphans(absl::flat_hash_set<std::string>(
                       names.begin(), names.end())));
  if (orphans > 0) {
    spdlog::info("removed {} spool files that no envelope names", orphans);
  }
  return absl::OkStatus();
}

absl::Status RouterServer::Build(const config::RouterConfig& config,
                                 const RouterServerOptions& options) {
  const config::RouterSettings& settings = config.router;
  RETURN_IF_ERROR(
      Labelled(config, "[router] data_dir", OpenState(settings.data_dir)));

  absl::StatusOr<crypto::SecretIdentity> identity =
      crypto::LoadSecretIdentity(settings.key_dir);
  RETURN_IF_ERROR(Labelled(config, "[router] key_dir", identity.status()));
  if (identity->agency_id() != settings.agency_id) {
    return absl::FailedPreconditionError(
        absl::StrCat(config.source, ": [router] key_dir: ", settings.key_dir,
                     " holds the key of agency ", identity->agency_id(),
                     ", not ", settings.agency_id));
  }
  identity_ = std::make_unique<crypto::SecretIdentity>(std::move(*identity));
  RETURN_IF_ERROR(
      Labelled(config, "[router] data_dir", OpenLog(config, options.clock)));
  absl::StatusOr<crypto::PublicIdentity> trust_root =
      crypto::LoadPublicIdentity(settings.trust_root);
  RETURN_IF_ERROR(Labelled(config, "[router] trust_root", trust_root.status()));
  absl::StatusOr<std::unique_ptr<DirectoryHolder>> directory =
      DirectoryHolder::Load(settings.directory, *trust_root, store_.get());
  RETURN_IF_ERROR(Labelled(config, "[router] directory", directory.status()));
  directory_ = std::move(*directory);
  WarnIfNotListed(*directory_->Current(), *identity_, options.clock->Now());

  hub_ = std::make_unique<MailboxHub>();
  hub_->AnnounceDirectory(directory_->version());
  MailboxHub* hub = hub_.get();
  deliverylog::EventRecorder* events = events_.get();
  directory_->AddListener([hub, events](uint64_t version) {
    hub->AnnounceDirectory(version);
    events->Record(
        deliverylog::LogEvent(handover::v1::LOG_EVENT_KIND_DIRECTORY_UPDATED)
            .Actor("directory")
            .Detail(absl::StrCat("version ", version)));
  });
  janitor_ = std::make_unique<CiphertextJanitor>(store_.get(), spool_.get(),
                                                 options.clock);
  signer_ = std::make_unique<ReportSigner>(identity_.get(), options.clock);

  env_.router_id = settings.agency_id;
  env_.max_envelope_bytes = config.limits.max_envelope_bytes;
  env_.max_open_streams_per_agency = config.limits.max_open_streams_per_agency;
  env_.stream_stall_timeout = config.limits.stream_stall_timeout;
  env_.retry = config.retry;
  env_.clock = options.clock;
  env_.store = store_.get();
  env_.spool = spool_.get();
  env_.janitor = janitor_.get();
  env_.directory = directory_.get();
  env_.hub = hub_.get();
  env_.signer = signer_.get();
  env_.log = log_.get();
  env_.events = events_.get();
  sweeper_ =
      std::make_unique<Sweeper>(&env_, config.delivery.ciphertext_retention);
  service_ = std::make_unique<RouterService>(&env_);

  rpc::ServerTlsFiles tls;
  tls.cert_path = settings.tls_cert;
  tls.key_path = settings.tls_key;
  tls.client_ca_path = settings.client_ca;
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials,
                   rpc::MakeServerCredentials(
                       tls, rpc::ClientCertPolicy::kRequireAndVerify));
  ASSIGN_OR_RETURN(
      config::HostPort listen,
      config::ParseHostPort(settings.listen, config::PortZero::kAllow));
  rpc::EnableHealthAndReflection();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen.ToString(), credentials, &port);
  rpc::ConfigureBuilder(&builder);
  drain_.Install(&builder);
  // Two daemons must never share a port by accident (docs/CONFIG.md §5).
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.RegisterService(service_.get());
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port == 0) {
    return absl::UnavailableError(
        absl::StrCat(config.source, ": [router] listen: could not listen on ",
                     settings.listen));
  }
  listen.port = static_cast<uint16_t>(port);
  address_ = listen.ToString();

  if (options.background) {
    background_ = std::thread([this, interval = options.background_interval] {
      RunBackground(interval);
    });
  }
  head_publisher_->Start();
  spdlog::info("router {} serving directory version {}", settings.agency_id,
               directory_->version());
  return absl::OkStatus();
}

absl::Status RouterServer::OpenLog(const config::RouterConfig& config,
                                   const Clock* clock) {
  deliverylog::SqliteDeliveryLogOptions options;
  options.path = absl::StrCat(config.router.data_dir, "/", kLogName);
  options.log_id = identity_->agency_id();
  // identity_ outlives the log (see the members' order).
  options.signer = std::shared_ptr<const crypto::SecretIdentity>(
      std::shared_ptr<void>(), identity_.get());
  options.clock = clock;
  ASSIGN_OR_RETURN(log_, deliverylog::SqliteDeliveryLog::Open(options));
  events_ = std::make_unique<deliverylog::EventRecorder>(log_.get());
  head_publisher_ = std::make_unique<deliverylog::TreeHeadPublisher>(
      log_.get(), config.log.tree_head_interval);
  deliverylog::RecordKeyRotation(*log_, *events_, *identity_);
  return absl::OkStatus();
}

void RouterServer::RunBackground(absl::Duration interval) {
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    mu_.Unlock();
    absl::StatusOr<bool> reloaded = directory_->Reload(/*force=*/false);
    if (!reloaded.ok()) {
      spdlog::warn("directory check failed: {}",
                   std::string(reloaded.status().message()));
    }
    absl::StatusOr<SweepCounts> swept = sweeper_->RunOnce();
    if (!swept.ok()) {
      spdlog::warn("sweep failed: {}", std::string(swept.status().message()));
    }
    mu_.Lock();
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval);
  }
}

absl::Status RouterServer::ReloadDirectory() {
  return directory_->Reload(/*force=*/true).status();
}

void RouterServer::Shutdown(absl::Duration drain) {
  {
    absl::MutexLock lock(&mu_);
    if (shut_down_) return;
    shut_down_ = true;
  }
  if (server_ != nullptr) {
    if (grpc::HealthCheckServiceInterface* health =
            server_->GetHealthCheckService()) {
      health->SetServingStatus(false);
    }
    // Mailbox streams never end by themselves: end them so the drain
    // waits only for uploads and receipts.
    hub_->Shutdown();
    drain_.Drain(server_.get(), absl::Now() + drain);
    server_->Wait();
  }
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (background_.joinable()) background_.join();
  if (head_publisher_ != nullptr) head_publisher_->Stop();
  if (server_ != nullptr) spdlog::info("router stopped");
}

RouterServer::~RouterServer() {
  Shutdown();
  // The service and server go before what they borrow.
  server_.reset();
  service_.reset();
}

}  // namespace handover::router
