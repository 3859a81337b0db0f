// The node's copy of the signed directory. It fetches the directory from
// the router, trusts it only after VerifySignedDirectory against the
// configured trust root, refuses a version older than the highest it ever
// verified (rollback: a warning is logged and the current one is kept), and
// persists the verified bytes atomically to <data_dir>/directory.signed so a
// restarted node works before the router answers.
//
// Thread-safety: every public method is thread-safe. Current() returns an
// immutable snapshot that stays valid however long the caller holds it.
#ifndef HANDOVER_NODE_DIRECTORY_CLIENT_H_
#define HANDOVER_NODE_DIRECTORY_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "crypto/identity.h"
#include "deliverylog/event_recorder.h"
#include "directory/directory_view.h"
#include "node/node_store.h"

namespace grpc {
class Channel;
}

namespace handover::node {

inline constexpr char kDirectoryFileName[] = "directory.signed";

// Where signed directory bytes come from: the router in production, a test
// double in tests. Implementations must be thread-safe.
class DirectoryFetcher {
 public:
  virtual ~DirectoryFetcher() = default;
  // The serialized handover.v1.SignedDirectory as the source offers it.
  virtual absl::StatusOr<std::string> Fetch() = 0;
};

// Router::GetDirectory over `channel`, each call bounded by `timeout`.
std::unique_ptr<DirectoryFetcher> MakeRouterDirectoryFetcher(
    std::shared_ptr<grpc::Channel> channel, absl::Duration timeout);

struct DirectoryClientOptions {
  std::string data_dir;  // holds directory.signed
  crypto::PublicIdentity trust_root;
  absl::Duration refresh_interval = absl::Seconds(60);
  // The first wait after a failed fetch; it doubles up to refresh_interval.
  absl::Duration failure_retry = absl::Seconds(1);
  // Each new version adopted is logged here (DIRECTORY_UPDATED); and a
  // rollback refused (REJECTED). May be null.
  deliverylog::EventRecorder* events = nullptr;
  // Called with every directory adopted (at start-up too), after it is in
  // use: the recall of what its compromised keys signed. Must be
  // idempotent; an error is logged and the directory stays in use. May be
  // empty.
  std::function<absl::Status(const directory::DirectoryView&)> on_adopted;
};

class DirectoryClient {
 public:
  // Loads <data_dir>/directory.signed if present and it verifies (a file
  // that fails is logged and ignored, never fatal). Does not fetch and
  // starts no thread. `store` must outlive the client.
  static absl::StatusOr<std::unique_ptr<DirectoryClient>> Create(
      DirectoryClientOptions options, NodeStore* store,
      std::unique_ptr<DirectoryFetcher> fetcher);
  ~DirectoryClient();  // Stop()s.
  DirectoryClient(const DirectoryClient&) = delete;
  DirectoryClient& operator=(const DirectoryClient&) = delete;

  // The newest verified directory; nullptr until one has verified.
  std::shared_ptr<const directory::DirectoryView> Current() const;
  // Current()'s version, 0 if none.
  uint64_t version() const;

  // Fetches, verifies and, if newer, persists and publishes a directory
  // now, on the calling thread. OK when the fetched one is the same version
  // as the current one. FailedPrecondition for a rollback (the current one
  // is kept), Unauthenticated for a bad signature, the fetch's error if the
  // router could not be reached.
  absl::Status Refresh();

  // Verifies `signed_bytes` and adopts them if newer: the part of Refresh()
  // after the fetch.
  absl::Status Adopt(const std::string& signed_bytes);

  // Starts the background thread: a refresh at once, then every
  // refresh_interval (sooner after a failed fetch) and whenever
  // RequestRefresh() is called.
  void Start();
  // Asks the background thread for a refresh soon (DirectoryChanged from
  // the router, or a signer we do not know yet). Never blocks.
  void RequestRefresh();
  // Stops and joins the background thread. Idempotent.
  void Stop();

 private:
  DirectoryClient(DirectoryClientOptions options, NodeStore* store,
                  std::unique_ptr<DirectoryFetcher> fetcher);
  absl::Status LoadPersisted();
  void Run();

  const DirectoryClientOptions options_;
  NodeStore* const store_;
  const std::unique_ptr<DirectoryFetcher> fetcher_;

  // Serialises Refresh/Adopt so two verifications never race to persist.
  absl::Mutex adopt_mu_;

  mutable absl::Mutex mu_;
  std::shared_ptr<const directory::DirectoryView> current_ ABSL_GUARDED_BY(mu_);
  bool refresh_requested_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace handover::node

#endif  // HANDOVER_NODE_DIRECTORY_CLIENT_H_
