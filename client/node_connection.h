// How a `handover` command reaches an agency node's local API: the
// connection options every network command shares (--node, --ca, and
// either --cert/--key or --token-file), and a stub built from them. A
// token is only ever read from a file (mode 0600), never taken from the
// command line, where other users could see it.
//
// A NodeConnection is used by one command on one thread; the stub itself
// is thread-safe.
#ifndef HANDOVER_CLIENT_NODE_CONNECTION_H_
#define HANDOVER_CLIENT_NODE_CONNECTION_H_

#include <grpcpp/client_context.h>

#include <chrono>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "handover/v1/node.grpc.pb.h"

namespace handover::cli {

inline constexpr char kNodeEnv[] = "HANDOVER_NODE";
inline constexpr char kCaEnv[] = "HANDOVER_CA";
inline constexpr char kTokenFileEnv[] = "HANDOVER_TOKEN_FILE";

// Unary calls answer quickly or not at all.
inline constexpr std::chrono::seconds kUnaryDeadline{30};
// A stream carries up to a whole envelope (2 GiB by default): allow for a
// slow link, but never wait for ever.
inline constexpr std::chrono::hours kStreamDeadline{2};

struct NodeConnectionOptions {
  std::string node;        // host:port
  std::string ca;          // PEM that issued the node's certificate
  std::string cert;        // PEM client certificate, or empty
  std::string key;         // its PEM private key (mode 0600), or empty
  std::string token_file;  // bearer token file (mode 0600), or empty
};

// Adds the options to `app`, in an "Connection" group, and checks their
// combination once `app` is parsed: a wrong combination is a usage error.
// --node falls back to $HANDOVER_NODE, --ca to $HANDOVER_CA and, when
// neither --cert nor --token-file is given, the token file to
// $HANDOVER_TOKEN_FILE.
void AddNodeConnectionOptions(CLI::App* app, NodeConnectionOptions* options);

class NodeConnection {
 public:
  // Installs the interrupt handler (interrupt.h), reads the credentials and
  // makes the channel. Errors name the file that could not be used. Does
  // not contact the node: a node that is down shows up as UNAVAILABLE on
  // the first call.
  static absl::StatusOr<std::unique_ptr<NodeConnection>> Open(
      const NodeConnectionOptions& options);

  // Drops the channel and waits for gRPC to finish shutting down, so that
  // nothing of it is still being torn down when the process exits.
  ~NodeConnection();
  NodeConnection(const NodeConnection&) = delete;
  NodeConnection& operator=(const NodeConnection&) = delete;

  handover::v1::Node::Stub& stub() { return *stub_; }
  const std::string& address() const { return address_; }

  // Sets `deadline` from now and, for token clients, the authorization
  // header on a fresh context.
  void Prepare(grpc::ClientContext* context,
               std::chrono::system_clock::duration deadline) const;

 private:
  NodeConnection(std::string address, std::string token,
                 std::unique_ptr<handover::v1::Node::Stub> stub)
      : address_(std::move(address)),
        token_(std::move(token)),
        stub_(std::move(stub)) {}

  std::string address_;
  std::string token_;  // empty for certificate clients
  std::unique_ptr<handover::v1::Node::Stub> stub_;
};

// The bearer token in a token file's bytes: the first line, without its
// line ending. InvalidArgument if it is empty or holds characters an HTTP
// header value cannot carry (spaces, controls, non-ASCII).
absl::StatusOr<std::string> ParseTokenFile(const std::string& path,
                                           const std::string& bytes);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_NODE_CONNECTION_H_
