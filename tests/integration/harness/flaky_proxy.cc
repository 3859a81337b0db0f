#include "harness/flaky_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/posix_error.h"

namespace handover::integration {
namespace {

absl::StatusOr<sockaddr_in> ParseLoopbackAddress(const std::string& text) {
  const size_t colon = text.rfind(':');
  uint32_t port = 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(text.substr(colon + 1), &port) || port == 0 ||
      port > 65535 ||
      inet_pton(AF_INET, text.substr(0, colon).c_str(), &addr.sin_addr) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("proxy target must be IPv4 host:port, not ", text));
  }
  addr.sin_port = htons(static_cast<uint16_t>(port));
  return addr;
}

// Closes `fd` so that the peer gets a RST instead of a FIN.
void CloseWithReset(int fd) {
  linger hard{};
  hard.l_onoff = 1;
  hard.l_linger = 0;
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
  close(fd);
}

bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

std::string FlakyProxyCounters::ToString() const {
  return absl::StrCat("connections=", connections, " bytes=", bytes,
                      " delays=", delays, " cuts=", cuts, " resets=", resets);
}

absl::StatusOr<std::unique_ptr<FlakyProxy>> FlakyProxy::Start(
    FlakyProxyOptions options) {
  if (auto target = ParseLoopbackAddress(options.target); !target.ok()) {
    return target.status();
  }
  if (options.min_bytes_before_fault > options.max_bytes_before_fault ||
      options.chunk_bytes == 0) {
    return absl::InvalidArgumentError("bad proxy fault budget or chunk size");
  }
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return PosixError("proxy socket", errno);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(fd, 64) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const int error = errno;
    close(fd);
    return PosixError("proxy listen", error);
  }
  int wake[2];
  if (pipe2(wake, O_CLOEXEC) != 0) {
    const int error = errno;
    close(fd);
    return PosixError("proxy pipe", error);
  }
  std::string address = absl::StrCat("127.0.0.1:", ntohs(addr.sin_port));
  std::unique_ptr<FlakyProxy> proxy(new FlakyProxy(
      std::move(options), fd, wake[0], wake[1], std::move(address)));
  proxy->acceptor_ = std::thread([p = proxy.get()] { p->AcceptLoop(); });
  return proxy;
}

FlakyProxy::FlakyProxy(FlakyProxyOptions options, int listen_fd,
                       int wake_read_fd, int wake_write_fd, std::string address)
    : options_(std::move(options)),
      listen_fd_(listen_fd),
      wake_read_fd_(wake_read_fd),
      wake_write_fd_(wake_write_fd),
      address_(std::move(address)),
      faults_enabled_(options_.faults_enabled),
      rng_(options_.seed) {
  next_fault_is_reset_ = std::bernoulli_distribution(0.5)(rng_);
}

FlakyProxy::~FlakyProxy() {
  stopping_ = true;
  // Every poll() watches the pipe's read end: closing the write end wakes
  // them all at once.
  close(wake_write_fd_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : open_fds_) shutdown(fd, SHUT_RDWR);  // unblocks send()
  }
  acceptor_.join();
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    workers.swap(workers_);
  }
  for (std::thread& t : workers) t.join();
  close(listen_fd_);
  close(wake_read_fd_);
}

FlakyProxyCounters FlakyProxy::counters() const {
  FlakyProxyCounters c;
  c.connections = connections_;
  c.bytes = bytes_;
  c.delays = delays_;
  c.cuts = cuts_;
  c.resets = resets_;
  return c;
}

FlakyProxy::Fate FlakyProxy::DrawFate() {
  std::lock_guard<std::mutex> lock(mu_);
  Fate fate;
  fate.seed = rng_();
  if (!faults_enabled_) return fate;
  fate.faulty = true;
  fate.budget = std::uniform_int_distribution<uint64_t>(
      options_.min_bytes_before_fault, options_.max_bytes_before_fault)(rng_);
  fate.reset = next_fault_is_reset_;
  next_fault_is_reset_ = !next_fault_is_reset_;
  return fate;
}

void FlakyProxy::Track(int fd) {
  std::lock_guard<std::mutex> lock(mu_);
  open_fds_.insert(fd);
}

void FlakyProxy::Untrack(int fd) {
  std::lock_guard<std::mutex> lock(mu_);
  open_fds_.erase(fd);
}

void FlakyProxy::AcceptLoop() {
  while (!stopping_) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_read_fd_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0 && errno != EINTR) return;
    if (stopping_ || fds[1].revents != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    const int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    ++connections_;
    const Fate fate = DrawFate();
    std::lock_guard<std::mutex> lock(mu_);
    workers_.emplace_back([this, client, fate] { Serve(client, fate); });
  }
}

void FlakyProxy::Serve(int client_fd, Fate fate) {
  Track(client_fd);
  const sockaddr_in target = *ParseLoopbackAddress(options_.target);
  const int upstream_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (upstream_fd < 0) {
    Untrack(client_fd);
    close(client_fd);
    return;
  }
  Track(upstream_fd);
  const int one = 1;
  setsockopt(client_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  setsockopt(upstream_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  bool reached_fault = false;
  if (connect(upstream_fd, reinterpret_cast<const sockaddr*>(&target),
              sizeof(target)) == 0) {
    std::mt19937_64 rng(fate.seed);
    uint64_t moved = 0;
    while (!stopping_) {
      if (frozen_) {
        absl::SleepFor(absl::Milliseconds(20));
        continue;
      }
      pollfd fds[3] = {{client_fd, POLLIN, 0},
                       {upstream_fd, POLLIN, 0},
                       {wake_read_fd_, POLLIN, 0}};
      if (poll(fds, 3, -1) < 0) {
        if (errno == EINTR) continue;
        break;
      }
      if (stopping_ || fds[2].revents != 0) break;
      if (!fate.faulty && faults_enabled_) {
        // Faults were switched on while this connection was open: it is
        // doomed from now on, like a new one.
        fate = DrawFate();
        rng.seed(fate.seed);
        moved = 0;
      }
      if (fds[0].revents != 0 &&
          !Forward(client_fd, upstream_fd, rng, fate, moved)) {
        break;
      }
      if (fds[1].revents != 0 &&
          !Forward(upstream_fd, client_fd, rng, fate, moved)) {
        break;
      }
      if (fate.faulty && moved >= fate.budget) {
        reached_fault = true;
        break;
      }
    }
  }
  Untrack(client_fd);
  Untrack(upstream_fd);
  if (reached_fault && fate.reset) {
    ++resets_;
    CloseWithReset(client_fd);
    CloseWithReset(upstream_fd);
    return;
  }
  if (reached_fault) ++cuts_;
  close(client_fd);
  close(upstream_fd);
}

bool FlakyProxy::Forward(int from, int to, std::mt19937_64& rng,
                         const Fate& fate, uint64_t& moved) {
  std::string buffer(options_.chunk_bytes, '\0');
  ssize_t n;
  do {
    n = recv(from, buffer.data(), buffer.size(), 0);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return false;  // the peer closed or failed: so do we
  if (fate.faulty && options_.delay_rate > 0 &&
      std::bernoulli_distribution(options_.delay_rate)(rng)) {
    ++delays_;
    const int64_t max_us = absl::ToInt64Microseconds(options_.max_delay);
    std::this_thread::sleep_for(std::chrono::microseconds(
        std::uniform_int_distribution<int64_t>(0, max_us)(rng)));
  }
  if (!WriteAll(to, buffer.data(), static_cast<size_t>(n))) return false;
  moved += static_cast<uint64_t>(n);
  bytes_ += static_cast<uint64_t>(n);
  return true;
}

}  // namespace handover::integration
