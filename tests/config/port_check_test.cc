#include "config/port_check.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::config {
namespace {

// A socket listening on 127.0.0.1 at a free port; closed on destruction.
class Listener {
 public:
  Listener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr = {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), length) != 0 ||
        listen(fd_, 1) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
      ADD_FAILURE() << "could not listen";
    }
    port_ = ntohs(addr.sin_port);
  }
  ~Listener() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_;
  int port_ = 0;
};

TEST(CheckPortFreeTest, APortInUseIsReportedOnOneLine) {
  Listener listener;
  std::string address = "127.0.0.1:" + std::to_string(listener.port());
  absl::Status s = CheckPortFree(address);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(std::string(s.message()),
            "address " + address + " is already in use");
}

TEST(CheckPortFreeTest, AFreePortAndPortZeroAreFine) {
  int port = 0;
  {
    Listener listener;
    port = listener.port();
  }
  EXPECT_OK(CheckPortFree("127.0.0.1:" + std::to_string(port)));
  EXPECT_OK(CheckPortFree("127.0.0.1:0"));
  EXPECT_OK(CheckPortFree("localhost:0"));
}

TEST(CheckPortFreeTest, BadAndForeignAddressesAreRefused) {
  EXPECT_EQ(CheckPortFree("localhost").code(),
            absl::StatusCode::kInvalidArgument);
  // 192.0.2.0/24 is TEST-NET-1: never an address of this host.
  absl::Status s = CheckPortFree("192.0.2.1:7443");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(s.message()),
            "address 192.0.2.1:7443 is not an address of this host");
}

}  // namespace
}  // namespace handover::config
