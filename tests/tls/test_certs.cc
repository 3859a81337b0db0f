#include "tls/test_certs.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "temp_dir.h"

namespace handover::testing {

std::string MakeDemoCertsScript() {
  return std::string(HANDOVER_SOURCE_DIR) + "/certs-example/make-demo-certs";
}

CommandResult RunMakeDemoCerts(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {MakeDemoCertsScript()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, "/");
}

const std::string& DemoCertsDir() {
  static TempDir tmp;  // removed at exit
  static const std::string dir = [] {
    std::string out = tmp.path() + "/certs";
    CommandResult result = RunMakeDemoCerts({out});
    if (result.exit_code != 0) {
      ADD_FAILURE() << "make-demo-certs failed: " << result.err;
      return std::string();
    }
    return out;
  }();
  return dir;
}

std::string FindProgram(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

std::string RunOpenSsl(const std::vector<std::string>& args) {
  static const std::string openssl = FindProgram("openssl");
  std::vector<std::string> argv = {openssl};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandResult result = RunCommand(argv, "/");
  EXPECT_EQ(result.exit_code, 0) << "openssl failed: " << result.err;
  return result.out;
}

std::string ReadTestFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void WriteTestFile(const std::string& path, const std::string& data,
                   mode_t mode) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << data;
  }
  ASSERT_EQ(chmod(path.c_str(), mode), 0) << path;
}

void CopyTestFile(const std::string& from, const std::string& to, mode_t mode) {
  WriteTestFile(to, ReadTestFile(from), mode);
}

}  // namespace handover::testing
