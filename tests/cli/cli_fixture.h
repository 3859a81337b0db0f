// A fixture for CLI tests: a fresh temporary directory per test, the real
// `handover` binary run inside it, and small file helpers. Paths given to
// the helpers are relative to the temporary directory.
#ifndef HANDOVER_TESTS_CLI_CLI_FIXTURE_H_
#define HANDOVER_TESTS_CLI_CLI_FIXTURE_H_

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "run_command.h"

namespace handover::testing {

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Runs `handover args...` with the temporary directory as its cwd.
  CommandResult Handover(const std::vector<std::string>& args);

  // Runs keygen for `agency` into keys/<agency>, asserting success.
  void Keygen(const std::string& agency);
  std::string KeyDir(const std::string& agency) const {
    return "keys/" + agency;
  }
  std::string PublicKey(const std::string& agency) const {
    return KeyDir(agency) + "/public.key";
  }
  std::string SecretKey(const std::string& agency) const {
    return KeyDir(agency) + "/secret.key";
  }

  // Writes a small valid bundle (no attachments listed) to `name` and
  // returns its JSON.
  nlohmann::json WriteBundle(const std::string& name);

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  void WriteFile(const std::string& name, const std::string& bytes);
  std::string ReadFile(const std::string& name);
  bool Exists(const std::string& name) const;
  // Flips every bit of the byte at `offset` from the end of the file.
  void FlipByteFromEnd(const std::string& name, size_t offset);
  // Names directly inside `subdir`, sorted.
  std::vector<std::string> List(const std::string& subdir = ".") const;
  int ModeOf(const std::string& name) const;

  std::string dir_;
};

// Points LSAN_OPTIONS (for subprocesses started from now on) at
// tests/cli/lsan_suppressions.txt, keeping any options already set.
void UseSubprocessLeakSuppressions();

// Asserts the process failed with `exit_code`, printed nothing on stdout and
// exactly one line on stderr, which starts with `prefix`.
void ExpectOneErrorLine(const CommandResult& r, int exit_code,
                        const std::string& prefix);

// A file of `size` bytes, every byte value in turn, so reordering or
// corruption shows.
std::string PatternBytes(size_t size, unsigned seed);

}  // namespace handover::testing

#endif  // HANDOVER_TESTS_CLI_CLI_FIXTURE_H_
