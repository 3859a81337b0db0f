// RouterServer in-process over real mTLS on loopback, with real SQLite
// files, the demo certificates and a FakeClock for the router: the fixture
// the service tests share, and the node's end of a mailbox stream.
#ifndef HANDOVER_TESTS_ROUTER_ROUTER_SERVER_FIXTURE_H_
#define HANDOVER_TESTS_ROUTER_ROUTER_SERVER_FIXTURE_H_

#include <grpcpp/client_context.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "config/router_config.h"
#include "gtest/gtest.h"
#include "handover/v1/router.grpc.pb.h"
#include "router/router_server.h"
#include "router/router_test_util.h"
#include "temp_dir.h"

namespace handover::router::testing {

inline constexpr char kStockport[] = "stockport-cs";
inline constexpr char kBirmingham[] = "birmingham-cs";
inline constexpr char kPolice[] = "west-midlands-police";

// One received envelope.
struct Pushed {
  uint64_t delivery_id = 0;
  handover::v1::EnvelopeHead head;
  std::string ciphertext;
};

// The node's end of Router::Connect.
class MailboxClient {
 public:
  MailboxClient(handover::v1::Router::Stub* stub, uint32_t window,
                uint64_t directory_version = 1);
  ~MailboxClient() { Cancel(); }

  bool Next(handover::v1::RouterMessage* message) {
    return stream_->Read(message);
  }
  // Reads one whole envelope (head, ciphertext, end).
  std::optional<Pushed> NextEnvelope();
  void Ack(uint64_t delivery_id, handover::v1::Ack::Result result,
           const std::string& reason = "");
  void Cancel();
  grpc::Status Finish();

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<handover::v1::NodeMessage,
                                           handover::v1::RouterMessage>>
      stream_;
  bool cancelled_ = false;
};

class RouterServerTest : public ::testing::Test {
 protected:
  RouterServerTest()
      : agencies_({kStockport, kBirmingham, kPolice}), clock_(absl::Now()) {}

  void SetUp() override;
  void StartRouter();

  std::string Path(const std::string& relative) const {
    return tmp_.path() + "/" + relative;
  }
  // A stub presenting `name`'s demo certificate.
  handover::v1::Router::Stub* Stub(const std::string& name);

  SealedEnvelope Seal(const std::string& from,
                      const std::vector<std::string>& to, size_t bytes,
                      absl::Time created_at = absl::Now(),
                      absl::Duration ttl = absl::Hours(24 * 5));
  // A small envelope from `from` to `to` that reuses `transfer_id`.
  SealedEnvelope SealWithId(const std::string& from, const std::string& to,
                            const std::string& transfer_id);
  // Uploads `envelope` as `caller` in parts of `part_bytes`.
  grpc::Status Submit(const std::string& caller, const SealedEnvelope& e,
                      bool* already_stored = nullptr,
                      size_t part_bytes = 64 * 1024);
  handover::v1::SignedNotice Receipt(const std::string& signer,
                                     const SealedEnvelope& e,
                                     const std::string& addressee);
  grpc::Status SubmitNotice(const std::string& caller,
                            const handover::v1::SignedNotice& notice);
  // The next message on `mailbox` must be a notice; returns it verified
  // with `signer`'s directory keys.
  handover::v1::Notice NextNotice(MailboxClient* mailbox,
                                  const std::string& signer,
                                  uint64_t* delivery_id = nullptr);
  DeliveryState StateOf(const SealedEnvelope& e, const std::string& to);
  // Polls (up to 2 s) until `e`'s delivery to `to` is in `state`.
  bool WaitForState(const SealedEnvelope& e, const std::string& to,
                    DeliveryState state);

  handover::testing::TempDir tmp_;
  TestAgencies agencies_;
  FakeClock clock_;  // the router's; tests move it past backoffs and expiry
  config::RouterConfig config_;
  std::unique_ptr<RouterServer> server_;
  std::map<std::string, std::unique_ptr<handover::v1::Router::Stub>> stubs_;
};

}  // namespace handover::router::testing

#endif  // HANDOVER_TESTS_ROUTER_ROUTER_SERVER_FIXTURE_H_
