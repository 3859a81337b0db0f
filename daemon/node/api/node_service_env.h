// What the local API needs from the rest of the node, gathered in one plain
// struct so the service can run over a NodeCore in the daemon (see
// node/app/node_app.cc) or over a store and a fixed directory in tests.
//
// The struct is filled once and then only read; everything it points to
// must be thread-safe and outlive the service.
#ifndef HANDOVER_NODE_API_NODE_SERVICE_ENV_H_
#define HANDOVER_NODE_API_NODE_SERVICE_ENV_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "alerts/alert_book.h"
#include "alerts/alert_signal.h"
#include "common/clock.h"
#include "config/node_config.h"
#include "deliverylog/delivery_log.h"
#include "deliverylog/event_recorder.h"
#include "directory/directory_view.h"
#include "handover/v1/router.pb.h"
#include "node/key_ring.h"
#include "node/node_store.h"
#include "policy/view_policy.h"

namespace handover::node::api {

struct NodeServiceEnv {
  NodeStore* store = nullptr;
  // The newest verified directory; nullptr while the node has none.
  std::function<std::shared_ptr<const directory::DirectoryView>()>
      current_directory;
  // This agency's keys: identity->current() seals and signs submissions;
  // FetchTransfer opens with whichever key an inbox envelope names.
  const KeyRing* identity = nullptr;
  const Clock* clock = &SystemClock::Get();
  std::string outbox_dir;  // sealed submissions are written here
  // Wakes the outbox sender; may be empty.
  std::function<void()> notify_outbox;
  // Whether the mailbox stream to the router is up; may be empty (false).
  std::function<bool()> router_connected;
  config::NodeLimits limits;
  std::vector<config::ClientEntry> clients;

  // SubmitMove: the policy that cuts each kind's view, the agencies every
  // move also goes to, and each kind's acknowledgement deadline.
  const policy::ViewPolicy* view_policy = nullptr;
  std::vector<std::string> always_copy;
  config::AcknowledgementDeadlines acknowledgement;
  // Wakes the withdrawal sender after a move superseded earlier ones; may
  // be empty.
  std::function<void()> notify_withdrawals;

  // The control room's alerts (WatchAlerts, AckAlert); nullptr on a node
  // without an alert book (those calls then fail FAILED_PRECONDITION).
  alerts::AlertBook* alert_book = nullptr;
  alerts::AlertSignal* alert_signal = nullptr;
  // Wakes the sender of our signed notices (acknowledgements); may be empty.
  std::function<void()> notify_notices;

  // The delivery log the admin calls read, and the recorder every call
  // writes its events through. Null on a node without a log: the log
  // calls then fail FAILED_PRECONDITION and nothing is recorded.
  deliverylog::DeliveryLog* log = nullptr;
  deliverylog::EventRecorder* events = nullptr;
  // The log's file, for VerifyLog and ExportLog, which read it afresh.
  std::string log_path;
  // Asks the router for its log of one transfer (ShowTransferLog); may be
  // empty (the router's part is then reported as unavailable).
  std::function<absl::StatusOr<handover::v1::GetTransferLogResponse>(
      const std::string& transfer_id)>
      router_transfer_log;
};

// <outbox_dir>/<32 hex digits>.envelope, the name NodeCore expects.
std::string OutboxEnvelopePath(const std::string& outbox_dir,
                               absl::string_view transfer_id);

}  // namespace handover::node::api

#endif  // HANDOVER_NODE_API_NODE_SERVICE_ENV_H_
