// A misbehaving TCP proxy on 127.0.0.1 for tests of a slow or flaky network:
// put between a node and the router (NodeSettings::router_address), it
// forwards bytes both ways, but
//   - delays chunks: each chunk read is held back, with probability
//     `delay_rate`, for a random time up to `max_delay`;
//   - cuts connections: closes both sides mid-stream (an orderly FIN);
//   - resets connections: closes both sides with SO_LINGER 0, so each peer
//     gets a TCP RST.
// While faults are enabled, every connection is given a byte budget drawn
// from [min_bytes_before_fault, max_bytes_before_fault]; once that many
// bytes have passed (either way) it is cut or reset. Cuts and resets take
// turns (the first is drawn), so any two faults include one of each.
// Budgets are per connection, so a reconnecting client always
// gets another chance, and a transfer smaller than most budgets gets
// through in a few tries.
//
// The proxy only moves bytes: TLS runs end to end between the two peers, so
// the node still verifies the router's certificate by the name it dials.
// Randomness is seeded: the fates drawn follow from `seed` (the timing of
// the traffic itself does not). One thread accepts; one thread serves each
// connection. Thread-safe: counters() and set_faults_enabled() may be called
// from any thread while the proxy runs.
#ifndef HANDOVER_TESTS_INTEGRATION_HARNESS_FLAKY_PROXY_H_
#define HANDOVER_TESTS_INTEGRATION_HARNESS_FLAKY_PROXY_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace handover::integration {

struct FlakyProxyOptions {
  std::string target;  // "127.0.0.1:PORT" of the real server
  uint64_t seed = 1;
  bool faults_enabled = true;  // may be changed later
  double delay_rate = 0.0;     // per chunk, 0 to 1
  absl::Duration max_delay = absl::Milliseconds(20);
  uint64_t min_bytes_before_fault = 64 << 10;
  uint64_t max_bytes_before_fault = 4 << 20;
  size_t chunk_bytes = 16 << 10;
};

// What the proxy has done so far.
struct FlakyProxyCounters {
  uint64_t connections = 0;  // accepted
  uint64_t bytes = 0;        // forwarded, both ways
  uint64_t delays = 0;       // chunks held back
  uint64_t cuts = 0;         // connections closed mid-stream
  uint64_t resets = 0;       // connections reset mid-stream
  std::string ToString() const;
};

class FlakyProxy {
 public:
  // Listens on 127.0.0.1 (a free port) and starts accepting.
  static absl::StatusOr<std::unique_ptr<FlakyProxy>> Start(
      FlakyProxyOptions options);
  ~FlakyProxy();  // closes every connection and joins every thread
  FlakyProxy(const FlakyProxy&) = delete;
  FlakyProxy& operator=(const FlakyProxy&) = delete;

  // "127.0.0.1:PORT", to dial instead of the target.
  const std::string& address() const { return address_; }
  FlakyProxyCounters counters() const;
  // On: every connection, open or new, gets a budget and delays. Off:
  // connections made from now on forward faithfully; those already doomed
  // keep their budget.
  void set_faults_enabled(bool enabled) { faults_enabled_ = enabled; }
  // Frozen: every connection stays open but nothing more is forwarded
  // either way, as when a peer's host vanishes without closing anything.
  void set_frozen(bool frozen) { frozen_ = frozen; }

 private:
  // How one connection will end, drawn when it is accepted.
  struct Fate {
    bool faulty = false;
    bool reset = false;
    uint64_t budget = 0;  // bytes before the fault
    uint64_t seed = 0;    // for its delays
  };

  FlakyProxy(FlakyProxyOptions options, int listen_fd, int wake_read_fd,
             int wake_write_fd, std::string address);
  void AcceptLoop();
  void Serve(int client_fd, Fate fate);
  // Copies one chunk from `from` to `to`; false when the connection is over.
  bool Forward(int from, int to, std::mt19937_64& rng, const Fate& fate,
               uint64_t& moved);
  Fate DrawFate();
  void Track(int fd);
  void Untrack(int fd);

  const FlakyProxyOptions options_;
  const int listen_fd_;
  const int wake_read_fd_;
  const int wake_write_fd_;
  const std::string address_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> faults_enabled_;
  std::atomic<bool> frozen_{false};
  std::atomic<uint64_t> connections_{0}, bytes_{0}, delays_{0}, cuts_{0},
      resets_{0};

  std::mutex mu_;
  std::mt19937_64 rng_;               // guarded by mu_
  bool next_fault_is_reset_ = false;  // guarded by mu_
  std::set<int> open_fds_;            // guarded by mu_
  std::vector<std::thread> workers_;  // guarded by mu_
  std::thread acceptor_;
};

}  // namespace handover::integration

#endif  // HANDOVER_TESTS_INTEGRATION_HARNESS_FLAKY_PROXY_H_
