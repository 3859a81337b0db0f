#include "node/node_core.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "alerts/sqlite_alert_book.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "crypto/key_file.h"
#include "deliverylog/sqlite_delivery_log.h"
#include "handover/v1/router.grpc.pb.h"
#include "node/alert_raiser.h"
#include "node/log_events.h"
#include "node/notice_sender.h"
#include "node/outbox_sender.h"
#include "node/router_link.h"
#include "node/withdrawal_sender.h"
#include "policy/default_policy.h"
#include "policy/policy_file.h"
#include "rpc/grpc_status.h"
#include "rpc/tls_credentials.h"

namespace handover::node {
namespace {

constexpr absl::Duration kDirectoryFetchTimeout = absl::Seconds(20);
constexpr absl::Duration kRouterLogQueryTimeout = absl::Seconds(10);

std::string Join(const std::string& dir, absl::string_view name) {
  return (std::filesystem::path(dir) / std::string(name)).string();
}

// Temporary files an interrupted write left behind (AtomicFile names them
// ".NAME.tmp-XXXXXX"). Nothing writes here yet, so they are all stale.
void RemoveStaleTemporaries(const std::string& dir) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    if (absl::StartsWith(name, ".") && absl::StrContains(name, ".tmp-")) {
      std::filesystem::remove(entry.path(), error);
    }
  }
}

// Removes sealed envelopes in the outbox that no pending upload refers to:
// one sealed by a submission that died before its row was stored (its client
// never got a transfer id, and a retry with the same idempotency key seals
// afresh), or one whose last recipient became final just before a crash.
absl::Status RemoveOrphanedOutboxFiles(NodeStore& store,
                                       const std::string& outbox_dir) {
  ASSIGN_OR_RETURN(
      std::vector<OutboxTransfer> pending,
      store.ListPendingUploads(std::numeric_limits<int32_t>::max()));
  std::set<std::string> referenced;
  for (const OutboxTransfer& transfer : pending) {
    referenced.insert(
        std::filesystem::path(transfer.envelope_path).filename().string());
  }
  std::error_code error;
  for (const auto& entry :
       std::filesystem::directory_iterator(outbox_dir, error)) {
    const std::string name = entry.path().filename().string();
    if (!absl::StartsWith(name, ".") && !referenced.contains(name)) {
      spdlog::info("removing orphaned outbox file {}", name);
      std::filesystem::remove(entry.path(), error);
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<NodeCore>> NodeCore::Start(
    const config::NodeConfig& config, const Clock* clock) {
  std::unique_ptr<NodeCore> core(new NodeCore());
  core->clock_ = clock;
  core->data_dir_ = config.node.data_dir;
  core->outbox_dir_ = Join(config.node.data_dir, kOutboxDirName);
  core->inbox_dir_ = Join(config.node.data_dir, kInboxDirName);

  ASSIGN_OR_RETURN(core->keys_, KeyRing::Load(config.node));
  if (core->keys_->previous_count() > 0) {
    spdlog::info("holding {} previous key(s) to open what was sealed to them",
                 core->keys_->previous_count());
  }
  ASSIGN_OR_RETURN(crypto::PublicIdentity trust_root,
                   crypto::LoadPublicIdentity(config.node.trust_root));

  for (const std::string* dir :
       {&core->data_dir_, &core->outbox_dir_, &core->inbox_dir_}) {
    RETURN_IF_ERROR(MakeDirectories(*dir, 0700));
  }
  RemoveStaleTemporaries(core->outbox_dir_);
  RemoveStaleTemporaries(core->inbox_dir_);
  RETURN_IF_ERROR(core->OpenDeliveryLog(config.log));
  ASSIGN_OR_RETURN(core->store_, OpenSqliteNodeStore(Join(
                                     core->data_dir_, kNodeDatabaseFileName)));
  RETURN_IF_ERROR(RemoveOrphanedOutboxFiles(*core->store_, core->outbox_dir_));

  ASSIGN_OR_RETURN(policy::ViewPolicy view_policy,
                   config.move.policy_file.empty()
                       ? policy::DefaultViewPolicy()
                       : policy::LoadViewPolicyFile(config.move.policy_file));
  core->view_policy_ =
      std::make_unique<policy::ViewPolicy>(std::move(view_policy));
  ASSIGN_OR_RETURN(core->alert_book_,
                   alerts::SqliteAlertBook::Open(
                       Join(core->data_dir_, kAlertDatabaseFileName)));
  core->alert_signal_ = std::make_unique<alerts::AlertSignal>();

  ASSIGN_OR_RETURN(
      std::shared_ptr<grpc::ChannelCredentials> credentials,
      rpc::MakeChannelCredentials(
          {config.router.ca, config.router.tls_cert, config.router.tls_key}));
  std::shared_ptr<grpc::Channel> channel =
      rpc::MakeChannel(config.router.address, credentials);
  core->router_channel_ = channel;

  DirectoryClientOptions directory_options;
  directory_options.data_dir = core->data_dir_;
  directory_options.trust_root = std::move(trust_root);
  directory_options.events = core->events_.get();
  core->recall_flagger_ = std::make_unique<RecallFlagger>(
      core->store_.get(), core->events_.get(), clock, core->keys_->agency_id());
  directory_options.on_adopted =
      [flagger = core->recall_flagger_.get()](
          const directory::DirectoryView& view) -> absl::Status {
    return flagger->Apply(view).status();
  };
  ASSIGN_OR_RETURN(
      core->directory_,
      DirectoryClient::Create(
          std::move(directory_options), core->store_.get(),
          MakeRouterDirectoryFetcher(channel, kDirectoryFetchTimeout)));

  OutboxSenderOptions sender_options;
  sender_options.retry = config.retry;
  sender_options.clock = clock;
  sender_options.events = core->events_.get();
  sender_options.agency_id = core->keys_->agency_id();
  core->sender_ = std::make_unique<OutboxSender>(core->store_.get(), channel,
                                                 sender_options);

  NoticeSenderOptions notice_options;
  notice_options.retry = config.retry;
  notice_options.clock = clock;
  core->notice_sender_ = std::make_unique<NoticeSender>(
      core->store_.get(), channel, notice_options);

  RouterLinkOptions link_options;
  link_options.context.store = core->store_.get();
  link_options.context.directory = core->directory_.get();
  link_options.context.keys = core->keys_.get();
  link_options.context.clock = clock;
  link_options.context.inbox_dir = core->inbox_dir_;
  link_options.context.router_agency_id = config.router.agency_id;
  link_options.context.max_envelope_bytes = config.limits.max_envelope_bytes;
  link_options.context.log = core->log_.get();
  link_options.context.events = core->events_.get();
  link_options.retry = config.retry;
  WithdrawalSenderOptions withdrawal_options;
  withdrawal_options.clock = clock;
  withdrawal_options.events = core->events_.get();
  withdrawal_options.agency_id = core->keys_->agency_id();
  core->withdrawal_sender_ = std::make_unique<WithdrawalSender>(
      core->store_.get(), channel, withdrawal_options);

  AlertRaiserOptions raiser_options;
  raiser_options.mode = config.alerts.raise;
  raiser_options.clock = clock;
  raiser_options.events = core->events_.get();
  core->alert_raiser_ = std::make_unique<AlertRaiser>(
      core->store_.get(), core->directory_.get(), core->keys_.get(),
      core->alert_book_.get(), core->alert_signal_.get(), raiser_options);
  alerts::AlertSignal* signal = core->alert_signal_.get();
  alerts::EscalatorOptions escalator_options;
  escalator_options.escalate_after = config.alerts.escalate_after;
  escalator_options.interval =
      std::min(absl::Seconds(30), config.alerts.escalate_after / 4);
  deliverylog::EventRecorder* events = core->events_.get();
  escalator_options.on_events =
      [signal, events](const std::vector<alerts::AlertEvent>& escalated) {
        for (const alerts::AlertEvent& event : escalated) {
          RecordEscalation(*events, event);
        }
        signal->Notify();
      };
  core->escalator_ = std::make_unique<alerts::Escalator>(
      core->alert_book_.get(), clock, std::move(escalator_options));

  NoticeSender* notice_sender = core->notice_sender_.get();
  AlertRaiser* raiser = core->alert_raiser_.get();
  // Every inbox insert queues our receipt: the same moment may bring a move
  // notice to raise an alert for.
  link_options.on_receipt_queued = [notice_sender, raiser] {
    notice_sender->Notify();
    raiser->Notify();
  };
  core->link_ = std::make_unique<RouterLink>(channel, std::move(link_options));
  if (config.retention.inbox_content_after.has_value()) {
    const absl::Duration keep_for = *config.retention.inbox_content_after;
    core->inbox_pruner_ = std::make_unique<InboxPruner>(
        core->store_.get(), core->events_.get(), clock, core->agency_id(),
        keep_for, std::min(absl::Hours(1), keep_for / 10));
  }

  core->directory_->Start();
  core->sender_->Start();
  core->notice_sender_->Start();
  core->link_->Start();
  core->withdrawal_sender_->Start();
  core->alert_raiser_->Start();
  RETURN_IF_ERROR(core->escalator_->Start());
  if (core->inbox_pruner_ != nullptr) core->inbox_pruner_->Start();
  core->head_publisher_->Start();
  spdlog::info("node core started for {} (directory version {})",
               core->agency_id(), core->directory_->version());
  return core;
}

NodeCore::~NodeCore() { Stop(); }

void NodeCore::Stop() {
  if (stopped_) return;
  stopped_ = true;
  // The link first, so nothing new arrives; then the senders drain.
  if (link_ != nullptr) link_->Stop();
  if (sender_ != nullptr) sender_->Stop();
  if (notice_sender_ != nullptr) notice_sender_->Stop();
  if (withdrawal_sender_ != nullptr) withdrawal_sender_->Stop();
  if (escalator_ != nullptr) escalator_->Stop();
  if (alert_raiser_ != nullptr) alert_raiser_->Stop();
  if (directory_ != nullptr) directory_->Stop();
  if (inbox_pruner_ != nullptr) inbox_pruner_->Stop();
  // Last, so the events of the drain above are covered by a signed head.
  if (head_publisher_ != nullptr) head_publisher_->Stop();
}

std::string NodeCore::log_path() const {
  return Join(data_dir_, kLogDatabaseFileName);
}

absl::StatusOr<handover::v1::GetTransferLogResponse>
NodeCore::RouterTransferLog(const std::string& transfer_id) const {
  auto stub = handover::v1::Router::NewStub(router_channel_);
  grpc::ClientContext context;
  context.set_deadline(
      absl::ToChronoTime(absl::Now() + kRouterLogQueryTimeout));
  handover::v1::GetTransferLogRequest request;
  request.set_transfer_id(transfer_id);
  handover::v1::GetTransferLogResponse response;
  const grpc::Status status =
      stub->GetTransferLog(&context, request, &response);
  RETURN_IF_ERROR(rpc::FromRouterCallStatus(status, context));
  return response;
}

absl::Status NodeCore::OpenDeliveryLog(const config::LogSettings& settings) {
  deliverylog::SqliteDeliveryLogOptions options;
  options.path = log_path();
  options.log_id = keys_->agency_id();
  // The ring outlives the log (members are destroyed in reverse order), so
  // the log may borrow the signing key without owning it.
  options.signer = std::shared_ptr<const crypto::SecretIdentity>(
      std::shared_ptr<void>(), &keys_->current());
  options.clock = clock_;
  ASSIGN_OR_RETURN(log_, deliverylog::SqliteDeliveryLog::Open(options));
  events_ = std::make_unique<deliverylog::EventRecorder>(log_.get());
  head_publisher_ = std::make_unique<deliverylog::TreeHeadPublisher>(
      log_.get(), settings.tree_head_interval);
  deliverylog::RecordKeyRotation(*log_, *events_, keys_->current());
  return absl::OkStatus();
}

void NodeCore::NotifyNotices() {
  if (notice_sender_ != nullptr) notice_sender_->Notify();
}

void NodeCore::NotifyWithdrawals() {
  if (withdrawal_sender_ != nullptr) withdrawal_sender_->Notify();
}

void NodeCore::NotifyOutbox() {
  if (sender_ != nullptr) sender_->Notify();
}

bool NodeCore::router_connected() const {
  return link_ != nullptr && link_->connected();
}

}  // namespace handover::node
