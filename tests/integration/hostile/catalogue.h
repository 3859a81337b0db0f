// The bad-input catalogue's rows (hostile_input_test.cc runs each as its
// own test): what the hostile input is, how it is delivered, the exact
// status or CLI error it must get, and what proves nothing was stored.
// Rows are built by one function per delivery route. Thread-compatible.
#ifndef HANDOVER_TESTS_INTEGRATION_HOSTILE_CATALOGUE_H_
#define HANDOVER_TESTS_INTEGRATION_HOSTILE_CATALOGUE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "harness/hostile_inputs.h"
#include "harness/test_network.h"

namespace handover::integration {

enum class Via { kNodeApi, kRouterUpload, kDirectory, kCli };

// What the attack got back: a gRPC status (code and message), the router's
// log line for a directory it refused, or the CLI's exit code and output.
struct HostileOutcome {
  absl::StatusCode code = absl::StatusCode::kOk;
  std::string message;
  int exit_code = -1;
};

// What a row's steps may use: the network and a scratch directory.
class HostileContext {
 public:
  explicit HostileContext(TestNetwork& net) : net_(net) {}
  TestNetwork& net() { return net_; }
  // A path in the test's scratch directory.
  std::string Scratch(const std::string& name) const;

 private:
  TestNetwork& net_;
};

struct HostileCase {
  std::string name;   // the test's name: letters, digits, '_'
  std::string input;  // the hostile input, for people
  Via via = Via::kNodeApi;
  std::string delivered;  // how, e.g. "router upload as stockport-cs"
  absl::StatusCode code = absl::StatusCode::kOk;  // not for kCli
  int exit_code = -1;                             // kCli only
  std::string message;  // must appear in the status message or output
  std::string proof;    // what shows nothing was stored
  int router_refusals_logged = 0;  // REJECTED entries the router adds
  // Optional set-up before the stores are counted.
  std::function<absl::Status(HostileContext&)> prepare;
  std::function<absl::StatusOr<HostileOutcome>(HostileContext&)> attack;
};

// Two nodes (Stockport, Birmingham) and the police listed with no node.
NetworkOptions HostileNetworkOptions();

std::vector<HostileCase> RouterUploadRows();
std::vector<HostileCase> NodeApiRows();
std::vector<HostileCase> DirectoryRows();
std::vector<HostileCase> CliRows();
// Every row above.
std::vector<HostileCase> HostileCatalogue();

// A status as an outcome.
HostileOutcome OutcomeOf(const absl::Status& status);

// The catalogue as a markdown section for docs/RELIABILITY.md: a table of
// every row, then the role matrix rows (`matrix` lines already formatted
// as table rows) and the flood and slowloris cases, with the totals.
std::string CatalogueMarkdown(const std::vector<HostileCase>& rows,
                              const std::vector<std::string>& matrix_rows,
                              int matrix_denials);

}  // namespace handover::integration

#endif  // HANDOVER_TESTS_INTEGRATION_HOSTILE_CATALOGUE_H_
