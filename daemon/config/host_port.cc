#include "config/host_port.h"

#include <arpa/inet.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "config/quoted.h"

namespace handover::config {
namespace {

constexpr size_t kMaxHostBytes = 253;

bool IsDnsNameOrIpv4(absl::string_view host) {
  if (host.empty() || host.size() > kMaxHostBytes) return false;
  for (char c : host) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '.') return false;
  }
  return true;
}

bool IsIpv6(absl::string_view host) {
  std::string copy(host);
  unsigned char buffer[16];
  return inet_pton(AF_INET6, copy.c_str(), buffer) == 1;
}

// Splits at the last ':' outside brackets, checking the host's form.
absl::Status SplitHost(absl::string_view text, std::string* host,
                       absl::string_view* port) {
  const std::string form =
      "; expected \"host:port\", e.g. \"127.0.0.1:7443\", \"localhost:7443\" "
      "or \"[::1]:7443\"";
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find("]:");
    if (close == absl::string_view::npos ||
        !IsIpv6(text.substr(1, close - 1))) {
      return absl::InvalidArgumentError(
          absl::StrCat(Quoted(text),
                       " is not a bracketed IPv6 address and "
                       "port",
                       form));
    }
    *host = std::string(text.substr(1, close - 1));
    *port = text.substr(close + 2);
    return absl::OkStatus();
  }
  size_t colon = text.rfind(':');
  if (colon == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(Quoted(text), " has no port", form));
  }
  absl::string_view name = text.substr(0, colon);
  if (!IsDnsNameOrIpv4(name)) {
    return absl::InvalidArgumentError(absl::StrCat(
        Quoted(text), " has a bad host ", Quoted(name),
        name.find(':') != absl::string_view::npos ? " (bracket IPv6)" : "",
        form));
  }
  *host = std::string(name);
  *port = text.substr(colon + 1);
  return absl::OkStatus();
}

}  // namespace

std::string HostPort::ToString() const {
  if (host.find(':') != std::string::npos) {
    return absl::StrCat("[", host, "]:", port);
  }
  return absl::StrCat(host, ":", port);
}

absl::StatusOr<HostPort> ParseHostPort(absl::string_view text,
                                       PortZero port_zero) {
  HostPort out;
  absl::string_view port;
  absl::Status split = SplitHost(text, &out.host, &port);
  if (!split.ok()) return split;
  uint32_t number = 0;
  uint32_t min = port_zero == PortZero::kAllow ? 0 : 1;
  bool digits_only = !port.empty() && port.size() <= 5 &&
                     std::all_of(port.begin(), port.end(), absl::ascii_isdigit);
  if (!digits_only || !absl::SimpleAtoi(port, &number) || number < min ||
      number > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat(Quoted(text), " has a bad port ", Quoted(port),
                     "; the port must be a number from ", min, " to 65535"));
  }
  out.port = static_cast<uint16_t>(number);
  return out;
}

}  // namespace handover::config
