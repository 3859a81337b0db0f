// Where the integration tests find the built daemons and the demo TLS
// material, and how long they wait for things. Free functions; thread-safe.
#ifndef HANDOVER_TESTS_INTEGRATION_HARNESS_TEST_PATHS_H_
#define HANDOVER_TESTS_INTEGRATION_HARNESS_TEST_PATHS_H_

#include <string>

#include "absl/time/time.h"

namespace handover::integration {

// The binaries this build tree made (the agreed paths, see the brief).
std::string RouterBinary();
std::string NodeBinary();
std::string CliBinary();

// The demo certificates made at build time by certs-example/make-demo-certs.
// Read-only: tests copy them into their own directory.
std::string DemoCertsDir();

// `base` stretched for slow builds: x4 under AddressSanitizer, x8 under
// ThreadSanitizer, and times the HANDOVER_TIMEOUT_SCALE environment
// variable if it is set. Every wait in the suite goes through this, so a
// slow machine fails no test.
absl::Duration Scaled(absl::Duration base);

// True when this binary (and so the daemons built beside it) runs under
// AddressSanitizer, whose shadow memory makes resident-size checks moot.
bool BuiltWithAddressSanitizer();
// True under ThreadSanitizer, whose shadow memory does the same.
bool BuiltWithThreadSanitizer();

}  // namespace handover::integration

#endif  // HANDOVER_TESTS_INTEGRATION_HARNESS_TEST_PATHS_H_
