// The GoogleTest fixture every integration test uses: a fresh TestNetwork
// per test, and shortcuts for the steps most tests repeat. Used from the
// test's own thread; Send and InboxCount may also run on helper threads.
#ifndef HANDOVER_TESTS_INTEGRATION_HARNESS_NETWORK_TEST_H_
#define HANDOVER_TESTS_INTEGRATION_HARNESS_NETWORK_TEST_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "harness/node_client.h"
#include "harness/test_data.h"
#include "harness/test_network.h"
#include "harness/test_paths.h"
#include "status_matchers.h"

namespace handover::integration {

class NetworkTest : public ::testing::Test {
 protected:
  // The usual bound on waiting for something to happen across the network.
  static absl::Duration Wait() { return Scaled(absl::Seconds(30)); }

  // Creates the network without starting it.
  void CreateNetwork(NetworkOptions options = {}) {
    absl::StatusOr<std::unique_ptr<TestNetwork>> network =
        TestNetwork::Create(std::move(options));
    ASSERT_TRUE(network.ok()) << network.status();
    net_ = std::move(*network);
  }

  // Creates the network and starts the router and every node.
  void StartNetwork(NetworkOptions options = {}) {
    ASSERT_NO_FATAL_FAILURE(CreateNetwork(std::move(options)));
    ASSERT_OK(net_->StartAll());
  }

  TestNetwork& net() { return *net_; }

  // A path for test files inside the test's directory.
  std::string Scratch(const std::string& name) {
    return net_->root() + "/scratch/" + name;
  }

  // Submits a minimal bundle (tagged `reference`) from `from` to
  // `recipients` with a fresh idempotency key, as `from`'s submitter.
  absl::StatusOr<std::string> Send(
      const std::string& from, const std::vector<std::string>& recipients,
      const std::string& reference,
      const std::vector<AttachmentFile>& attachments = {},
      uint64_t time_to_live_seconds = 0) {
    SubmitRequest request;
    request.idempotency_key = "key-" + RandomHex(8);
    request.recipients = recipients;
    request.bundle = MinimalBundle(reference);
    request.attachments = attachments;
    request.time_to_live_seconds = time_to_live_seconds;
    absl::StatusOr<handover::v1::SubmitTransferResponse> response =
        net_->Client(from, Role::kSubmitter)->Submit(request);
    if (!response.ok()) return response.status();
    return response->transfer_id();
  }

  // How many times `transfer_id` is in `id`'s inbox.
  int InboxCount(const std::string& id, const std::string& transfer_id) {
    absl::StatusOr<std::vector<handover::v1::InboxEntry>> entries =
        net_->Client(id, Role::kReceiver)->ListInbox();
    EXPECT_TRUE(entries.ok()) << entries.status();
    if (!entries.ok()) return -1;
    int count = 0;
    for (const handover::v1::InboxEntry& e : *entries) {
      if (e.transfer_id() == transfer_id) ++count;
    }
    return count;
  }

  std::unique_ptr<TestNetwork> net_;
};

}  // namespace handover::integration

#endif  // HANDOVER_TESTS_INTEGRATION_HARNESS_NETWORK_TEST_H_
