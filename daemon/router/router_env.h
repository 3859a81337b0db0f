// What the router's request handlers and background work share: borrowed
// pointers to the long-lived parts, owned by RouterServer. A plain struct;
// each part is thread-safe.
#ifndef HANDOVER_ROUTER_ROUTER_ENV_H_
#define HANDOVER_ROUTER_ROUTER_ENV_H_

#include <string>

#include "common/clock.h"
#include "config/retry_policy.h"
#include "deliverylog/delivery_log.h"
#include "deliverylog/event_recorder.h"
#include "router/ciphertext_janitor.h"
#include "router/ciphertext_spool.h"
#include "router/directory_holder.h"
#include "router/mailbox_hub.h"
#include "router/report_signer.h"
#include "router/router_store.h"

namespace handover::router {

// Envelopes whose ciphertext is at most this big are kept in the store
// itself, in the same commit as their metadata: one fsync instead of three
// (file, rename, directory) for the many small transfers.
inline constexpr uint64_t kInlineCiphertextBytes = 64 * 1024;

// Ciphertext travels in messages of at most this many bytes.
inline constexpr size_t kMaxPartBytes = 1 << 20;

// How far ahead of the router's clock an envelope's created_at may be.
inline constexpr absl::Duration kMaxClockSkew = absl::Minutes(10);
// The longest expires_at - created_at an envelope may carry: the senders'
// time-to-live cap.
inline constexpr absl::Duration kMaxLifetime = absl::Hours(24 * 30);

// Mailbox window when the node's hello asks for none, and the most a node
// may ask for.
inline constexpr uint32_t kDefaultWindow = 32;
inline constexpr uint32_t kMaxWindow = 1024;

struct RouterEnv {
  std::string router_id;  // the router's own agency id
  uint64_t max_envelope_bytes = 0;
  // [limits]: streams one agency may hold open, and how long one may keep
  // the router waiting (docs/CONFIG.md).
  int64_t max_open_streams_per_agency = 16;
  absl::Duration stream_stall_timeout = absl::Minutes(2);
  config::RetryPolicy retry;
  const Clock* clock = nullptr;
  RouterStore* store = nullptr;
  CiphertextSpool* spool = nullptr;
  CiphertextJanitor* janitor = nullptr;
  const DirectorySource* directory = nullptr;
  MailboxHub* hub = nullptr;
  const ReportSigner* signer = nullptr;
  // The router's delivery log (routing metadata only) and the recorder
  // every handler writes it through.
  deliverylog::DeliveryLog* log = nullptr;
  deliverylog::EventRecorder* events = nullptr;
};

// Records `event` if the router keeps a log (tests may build none).
inline void RecordEvent(const RouterEnv& env,
                        const deliverylog::LogEvent& event) {
  if (env.events != nullptr) env.events->Record(event);
}

}  // namespace handover::router

#endif  // HANDOVER_ROUTER_ROUTER_ENV_H_
