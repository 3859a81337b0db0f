// Certificates and keys made at test time by certs-example/make-demo-certs
// and the openssl command, so that no private key is ever committed. The
// helpers run programs without a shell (tests/cli/run_command.h).
#ifndef HANDOVER_TESTS_TLS_TEST_CERTS_H_
#define HANDOVER_TESTS_TLS_TEST_CERTS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "cli/run_command.h"

namespace handover::testing {

// certs-example/make-demo-certs in the source tree.
std::string MakeDemoCertsScript();

// Runs make-demo-certs with `args`.
CommandResult RunMakeDemoCerts(const std::vector<std::string>& args);

// A demo set made once per test process and shared by every test in it;
// tests must copy files out before changing them. Fails the test (and
// returns "") if the script fails.
const std::string& DemoCertsDir();

// The full path of `name` found on PATH, or "" if it is not there.
std::string FindProgram(const std::string& name);

// Runs the openssl command with `args`; fails the test on a non-zero exit
// and returns its standard output.
std::string RunOpenSsl(const std::vector<std::string>& args);

std::string ReadTestFile(const std::string& path);
void WriteTestFile(const std::string& path, const std::string& data,
                   mode_t mode);
// Copies `from` to `to`, giving the copy `mode`.
void CopyTestFile(const std::string& from, const std::string& to, mode_t mode);

}  // namespace handover::testing

#endif  // HANDOVER_TESTS_TLS_TEST_CERTS_H_
