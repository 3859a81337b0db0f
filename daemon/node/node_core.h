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
//
// Thread-safety: every accessor and NotifyOutbox/router_connected are
// thread-safe; Stop() is called once, by the owner.
#ifndef HANDOVER_NODE_NODE_CORE_H_
#define HANDOVER_NODE_NODE_CORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "config/node_config.h"
#include "node/directory_client.h"
#include "node/key_ring.h"
#include "node/node_store.h"

namespace handover::node {

class OutboxSender;
class RouterLink;
class NoticeSender;

inline constexpr char kNodeDatabaseFileName[] = "node.db";
inline constexpr char kOutboxDirName[] = "outbox";
inline constexpr char kInboxDirName[] = "inbox";

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

  // A transfer was just stored in the outbox: upload it now.
  void NotifyOutbox();
  // The mailbox stream to the router is up.
  bool router_connected() const;

  const std::string& data_dir() const { return data_dir_; }
  const std::string& outbox_dir() const { return outbox_dir_; }
  const std::string& inbox_dir() const { return inbox_dir_; }

 private:
  NodeCore() = default;

  const Clock* clock_ = nullptr;
  std::string data_dir_;
  std::string outbox_dir_;
  std::string inbox_dir_;
  std::unique_ptr<KeyRing> keys_;
  std::unique_ptr<NodeStore> store_;
  std::unique_ptr<DirectoryClient> directory_;
  std::unique_ptr<OutboxSender> sender_;
  std::unique_ptr<NoticeSender> notice_sender_;
  std::unique_ptr<RouterLink> link_;
  bool stopped_ = false;
};

}  // namespace handover::node

#endif  // HANDOVER_NODE_NODE_CORE_H_
