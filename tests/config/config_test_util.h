// Helpers for the config tests: splitting a Status into its lines, and a
// complete, valid set of files for a node or a router in a directory.
#ifndef HANDOVER_TESTS_CONFIG_CONFIG_TEST_UTIL_H_
#define HANDOVER_TESTS_CONFIG_CONFIG_TEST_UTIL_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace handover::testing {

// Two well-formed SHA-256 digests for client certificate and token fields.
inline constexpr char kDigestA[] =
    "b94732174633e54059c8b8822f1de6a3167fc95d388319ed0d2736fec20700b8";
inline constexpr char kDigestB[] =
    "5a3617d8024617d151ea4f9e76ed015b6cabdbf8158a5a441b0b9db15babeb1b";

// The lines of `status`'s message (empty for OK).
std::vector<std::string> StatusLines(const absl::Status& status);

// Makes, under `dir`, everything a node config for "stockport-cs" names:
// keys/ (agency key directory), authority/public.key (trust root), tls/
// (the demo CA, the agency's certificate and key) and returns the config
// text, which uses paths relative to `dir` and leaves data/ to be created.
// Its one client authenticates by the demo case-system certificate.
std::string WriteNodeSetup(const std::string& dir);

// The same for a router "handover-router": keys/, tls/,
// authority/public.key and directory.signed.
std::string WriteRouterSetup(const std::string& dir);

}  // namespace handover::testing

#endif  // HANDOVER_TESTS_CONFIG_CONFIG_TEST_UTIL_H_
