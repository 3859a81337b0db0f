#include "config/host_port.h"

#include <string>

#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::config {
namespace {

TEST(ParseHostPortTest, AcceptsNamesIpv4AndBracketedIpv6) {
  const struct {
    const char* text;
    const char* host;
    uint16_t port;
  } kCases[] = {
      {"127.0.0.1:7443", "127.0.0.1", 7443},
      {"localhost:1", "localhost", 1},
      {"router.example.org:65535", "router.example.org", 65535},
      {"[::1]:7443", "::1", 7443},
      {"[fe80::1]:443", "fe80::1", 443},
      {"0.0.0.0:08443", "0.0.0.0", 8443},
  };
  for (const auto& c : kCases) {
    ASSERT_OK_AND_ASSIGN(HostPort got, ParseHostPort(c.text));
    EXPECT_EQ(got.host, c.host) << c.text;
    EXPECT_EQ(got.port, c.port) << c.text;
  }
  EXPECT_EQ(ParseHostPort("[::1]:7443")->ToString(), "[::1]:7443");
  EXPECT_EQ(ParseHostPort("localhost:1")->ToString(), "localhost:1");
}

TEST(ParseHostPortTest, PortZeroOnlyWhereAllowed) {
  EXPECT_FALSE(ParseHostPort("127.0.0.1:0").ok());
  ASSERT_OK_AND_ASSIGN(HostPort any,
                       ParseHostPort("127.0.0.1:0", PortZero::kAllow));
  EXPECT_EQ(any.port, 0);
}

TEST(ParseHostPortTest, RefusesMalformedAddresses) {
  for (const char* text :
       {"", "localhost", ":7443", "host:", "host:70000", "host:-1", "host:8a",
        "host:000001", "::1:7443", "[::1]", "[::1]7443", "[zz]:1", "a b:1",
        "host:1:2", "höst:1", "[127.0.0.1]:1"}) {
    EXPECT_EQ(ParseHostPort(text).status().code(),
              absl::StatusCode::kInvalidArgument)
        << text;
  }
}

TEST(ParseHostPortTest, MessagesSayWhatIsWrong) {
  EXPECT_EQ(std::string(ParseHostPort("localhost").status().message()),
            "\"localhost\" has no port; expected \"host:port\", e.g. "
            "\"127.0.0.1:7443\", \"localhost:7443\" or \"[::1]:7443\"");
  EXPECT_EQ(std::string(ParseHostPort("host:70000").status().message()),
            "\"host:70000\" has a bad port \"70000\"; the port must be a "
            "number from 1 to 65535");
  EXPECT_EQ(std::string(ParseHostPort("::1:7443").status().message()),
            "\"::1:7443\" has a bad host \"::1\" (bracket IPv6); expected "
            "\"host:port\", e.g. \"127.0.0.1:7443\", \"localhost:7443\" or "
            "\"[::1]:7443\"");
}

}  // namespace
}  // namespace handover::config
