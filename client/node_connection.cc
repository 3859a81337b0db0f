#include "node_connection.h"

#include <grpc/grpc.h>
#include <grpc/support/log.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "config/host_port.h"
#include "interrupt.h"
#include "rpc/tls_credentials.h"

namespace handover::cli {
namespace {

// A token is a short random string; anything longer is not a token file.
constexpr uint64_t kMaxTokenFileBytes = 4096;

// Checks the parsed options; throws CLI::ValidationError so the command
// line is reported as a usage error, before anything is read or sent.
void CheckCombination(NodeConnectionOptions* o) {
  if (o->node.empty()) {
    throw CLI::ValidationError(absl::StrCat(
        "--node is required (or set ", kNodeEnv, " to the node's host:port)"));
  }
  if (absl::StatusOr<config::HostPort> hp = config::ParseHostPort(o->node);
      !hp.ok()) {
    throw CLI::ValidationError(
        absl::StrCat("--node: ", std::string(hp.status().message())));
  }
  if (o->ca.empty()) {
    throw CLI::ValidationError(
        absl::StrCat("--ca is required (or set ", kCaEnv,
                     " to the CA file that issued the node's certificate)"));
  }
  if (o->cert.empty() != o->key.empty()) {
    throw CLI::ValidationError(
        "--cert and --key go together: give both, or use --token-file");
  }
  if (!o->cert.empty() && !o->token_file.empty()) {
    throw CLI::ValidationError(
        "give either --cert and --key, or --token-file, not both");
  }
  if (o->cert.empty() && o->token_file.empty()) {
    if (const char* env = std::getenv(kTokenFileEnv); env && *env) {
      o->token_file = env;
    } else {
      throw CLI::ValidationError(absl::StrCat(
          "credentials are required: --cert and --key, or --token-file (or ",
          kTokenFileEnv, ")"));
    }
  }
}

}  // namespace

void AddNodeConnectionOptions(CLI::App* app, NodeConnectionOptions* options) {
  const std::string group = "Connection";
  app->add_option("--node", options->node, "The node's local API, HOST:PORT")
      ->envname(kNodeEnv)
      ->group(group);
  app->add_option("--ca", options->ca,
                  "PEM CA certificate that issued the node's certificate")
      ->envname(kCaEnv)
      ->group(group);
  app->add_option("--cert", options->cert,
                  "PEM client certificate listed in the node's config")
      ->group(group);
  app->add_option("--key", options->key,
                  "PEM private key of --cert (mode 0600)")
      ->group(group);
  app->add_option("--token-file", options->token_file,
                  absl::StrCat("File holding a bearer token listed in the "
                               "node's config, mode 0600 (default $",
                               kTokenFileEnv,
                               "); never put a token itself on "
                               "the command line"))
      ->group(group);
  app->final_callback([options] { CheckCombination(options); });
}

absl::StatusOr<std::string> ParseTokenFile(const std::string& path,
                                           const std::string& bytes) {
  std::string token = bytes;
  if (!token.empty() && token.back() == '\n') token.pop_back();
  if (!token.empty() && token.back() == '\r') token.pop_back();
  if (token.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, " holds no token"));
  }
  for (char c : token) {
    if (c < 0x21 || c > 0x7e) {
      return absl::InvalidArgumentError(absl::StrCat(
          path,
          " must hold one token of printable ASCII with no spaces, on one "
          "line"));
    }
  }
  return token;
}

absl::StatusOr<std::unique_ptr<NodeConnection>> NodeConnection::Open(
    const NodeConnectionOptions& options) {
  // Before gRPC starts any thread, so that every thread blocks the signals.
  InstallInterruptHandler();
  // gRPC's own log lines (a failed handshake, say) would break the rule of
  // one error line on stderr; the failure reaches the user as a status.
  gpr_set_log_function([](gpr_log_func_args*) {});
  std::string token;
  if (!options.token_file.empty()) {
    ASSIGN_OR_RETURN(
        std::string bytes,
        ReadSecretFileBounded(options.token_file, kMaxTokenFileBytes));
    ASSIGN_OR_RETURN(token, ParseTokenFile(options.token_file, bytes));
  } else {
    RETURN_IF_ERROR(CheckSecretFileMode(options.key));
  }
  ASSIGN_OR_RETURN(config::HostPort address,
                   config::ParseHostPort(options.node));
  const std::string target = address.ToString();
  // Balanced by grpc_shutdown_blocking() in the destructor.
  grpc_init();
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> made =
      rpc::MakeChannelCredentials(
          rpc::ClientTlsFiles{options.ca, options.cert, options.key});
  if (!made.ok()) {
    grpc_shutdown_blocking();
    return made.status();
  }
  std::shared_ptr<grpc::ChannelCredentials> credentials = *std::move(made);
  auto stub =
      handover::v1::Node::NewStub(rpc::MakeChannel(target, credentials));
  return std::unique_ptr<NodeConnection>(
      new NodeConnection(target, std::move(token), std::move(stub)));
}

NodeConnection::~NodeConnection() {
  stub_.reset();
  grpc_shutdown_blocking();
}

void NodeConnection::Prepare(
    grpc::ClientContext* context,
    std::chrono::system_clock::duration deadline) const {
  context->set_deadline(std::chrono::system_clock::now() + deadline);
  if (!token_.empty()) {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", token_));
  }
}

}  // namespace handover::cli
