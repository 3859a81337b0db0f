// NodeCore owns the parts of handover-node below its local API: the store,
// the directory client, the outbox sender, the router link and the sender
// of our signed receipts. The daemon builds one with Start() and stops it
// on shutdown; the local API uses the accessors.
//
// Files under <data_dir>:
//   node.db            the SQLite store
//   directory.signed   the newest verified directory
//   outbox/            sealed envelopes waiting to go to the router; the
//                      local API writes <transfer id hex>.envelope here
//                      (temporary name, fsync, rename) BEFORE it calls
//                      store()->InsertOutbox, and removes it again if the
//                      insert reports a duplicate
//   inbox/             envelopes delivered to us, sealed
//   alerts.db          the control room's alert book (police nodes)
//   log.db             the delivery log (docs/LOG.md)
//
// Thread-safety: every accessor and NotifyOutbox/router_connected are
// thread-safe; Stop() is called once, by the owner.
#ifndef HANDOVER_NODE_NODE_CORE_H_
#define HANDOVER_NODE_NODE_CORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "alerts/alert_book.h"
#include "alerts/alert_signal.h"
#include "alerts/escalator.h"
#include "common/clock.h"
#include "config/node_config.h"
#include "deliverylog/delivery_log.h"
#include "deliverylog/event_recorder.h"
#include "deliverylog/tree_head_publisher.h"
#include "grpcpp/channel.h"
#include "handover/v1/router.pb.h"
#include "node/directory_client.h"
#include "node/inbox_pruner.h"
#include "node/key_ring.h"
#include "node/node_store.h"
#include "node/recall_flagger.h"
#include "policy/view_policy.h"

namespace handover::node {

class OutboxSender;
class RouterLink;
class NoticeSender;
class AlertRaiser;
class WithdrawalSender;

inline constexpr char kNodeDatabaseFileName[] = "node.db";
inline constexpr char kOutboxDirName[] = "outbox";
inline constexpr char kInboxDirName[] = "inbox";
inline constexpr char kAlertDatabaseFileName[] = "alerts.db";
inline constexpr char kLogDatabaseFileName[] = "log.db";

class NodeCore {
 public:
  // Loads the agency's secret keys (key_dir and any previous_key_dirs, see
  // KeyRing::Load) and the trust root, creates the data directories, opens
  // the store, loads the persisted directory, and starts the background
  // threads (directory refresh, outbox sender, router link, receipt
  // sender). Does not wait for the router.
  // `clock` must outlive the core.
  static absl::StatusOr<std::unique_ptr<NodeCore>> Start(
      const config::NodeConfig& config,
      const Clock* clock = &SystemClock::Get());
  ~NodeCore();  // Stop()s.
  NodeCore(const NodeCore&) = delete;
  NodeCore& operator=(const NodeCore&) = delete;

  // Stops the router link, lets in-flight uploads finish, joins every
  // thread. The store stays usable until the core is destroyed. Idempotent.
  void Stop();

  NodeStore* store() const { return store_.get(); }
  DirectoryClient* directory() const { return directory_.get(); }
  // This agency's keys: current() seals and signs; the ring opens what was
  // sealed to any key it holds.
  const KeyRing& identity() const { return *keys_; }
  const std::string& agency_id() const { return keys_->agency_id(); }
  const Clock* clock() const { return clock_; }

  // The view policy SubmitMove cuts with ([move] policy_file or built in).
  const policy::ViewPolicy& view_policy() const { return *view_policy_; }
  // The control room's alert book, and the signal its streams wait on.
  alerts::AlertBook* alert_book() const { return alert_book_.get(); }
  alerts::AlertSignal* alert_signal() const { return alert_signal_.get(); }

  // The delivery log, and the one way the node's parts write to it.
  deliverylog::DeliveryLog* delivery_log() const { return log_.get(); }
  deliverylog::EventRecorder* events() const { return events_.get(); }
  std::string log_path() const;
  // The router's log of one transfer this agency sent or received
  // (Router.GetTransferLog), with a deadline of a few seconds.
  absl::StatusOr<handover::v1::GetTransferLogResponse> RouterTransferLog(
      const std::string& transfer_id) const;

  // A transfer was just stored in the outbox: upload it now.
  void NotifyOutbox();
  // A notice we signed (an acknowledgement) was queued: send it now.
  void NotifyNotices();
  // A move queued withdrawals of superseded transfers: make them now.
  void NotifyWithdrawals();
  // The mailbox stream to the router is up.
  bool router_connected() const;

  const std::string& data_dir() const { return data_dir_; }
  const std::string& outbox_dir() const { return outbox_dir_; }
  const std::string& inbox_dir() const { return inbox_dir_; }

 private:
  NodeCore() = default;
  // Opens <data_dir>/log.db, signing heads with the current key.
  absl::Status OpenDeliveryLog(const config::LogSettings& settings);

  const Clock* clock_ = nullptr;
  std::string data_dir_;
  std::string outbox_dir_;
  std::string inbox_dir_;
  std::unique_ptr<KeyRing> keys_;
  std::unique_ptr<deliverylog::DeliveryLog> log_;
  std::unique_ptr<deliverylog::EventRecorder> events_;
  std::unique_ptr<deliverylog::TreeHeadPublisher> head_publisher_;
  std::unique_ptr<NodeStore> store_;
  std::shared_ptr<grpc::Channel> router_channel_;
  // Before directory_, which calls it on every adoption.
  std::unique_ptr<RecallFlagger> recall_flagger_;
  std::unique_ptr<DirectoryClient> directory_;
  std::unique_ptr<OutboxSender> sender_;
  std::unique_ptr<NoticeSender> notice_sender_;
  std::unique_ptr<RouterLink> link_;
  std::unique_ptr<policy::ViewPolicy> view_policy_;
  std::unique_ptr<alerts::AlertBook> alert_book_;
  std::unique_ptr<alerts::AlertSignal> alert_signal_;
  std::unique_ptr<AlertRaiser> alert_raiser_;
  std::unique_ptr<alerts::Escalator> escalator_;
  std::unique_ptr<WithdrawalSender> withdrawal_sender_;
  // Only when [retention] inbox_content_after is set.
  std::unique_ptr<InboxPruner> inbox_pruner_;
  bool stopped_ = false;
};

}  // namespace handover::node

#endif  // HANDOVER_NODE_NODE_CORE_H_
