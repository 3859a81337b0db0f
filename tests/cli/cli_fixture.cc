#include "cli_fixture.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace handover::testing {
namespace {

namespace fs = std::filesystem;

std::string HandoverBinary() {
  return std::string(HANDOVER_BINARY_DIR) + "/client/handover";
}

}  // namespace

void UseSubprocessLeakSuppressions() {
  // print_suppressions=0: a used suppression must not add stderr lines.
  const std::string suppressions = std::string("suppressions=") +
                                   HANDOVER_SOURCE_DIR +
                                   "/tests/cli/lsan_suppressions.txt"
                                   ":print_suppressions=0";
  const char* current = getenv("LSAN_OPTIONS");
  std::string options = current == nullptr ? "" : current;
  if (options.find(suppressions) != std::string::npos) return;
  if (!options.empty()) options += ":";
  setenv("LSAN_OPTIONS", (options + suppressions).c_str(), 1);
}

void CliTest::SetUp() {
  UseSubprocessLeakSuppressions();
  std::string templ = (fs::temp_directory_path() / "handover-cli-XXXXXX");
  ASSERT_NE(mkdtemp(templ.data()), nullptr);
  dir_ = templ;
}

void CliTest::TearDown() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

CommandResult CliTest::Handover(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {HandoverBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, dir_);
}

void CliTest::Keygen(const std::string& agency) {
  CommandResult r =
      Handover({"keygen", "--agency", agency, "--out", KeyDir(agency)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

nlohmann::json CliTest::WriteBundle(const std::string& name) {
  // Fictional child; the shape follows proto/handover/v1/bundle.proto.
  nlohmann::json bundle = {
      {"metadata",
       {{"schema_version", 1},
        {"source_system", "cli-test"},
        {"sender_reference", "REF-0001"},
        {"created_time", "2024-05-01T09:00:00Z"}}},
      {"identity",
       {{"given_names", "Zephyrine Quill"},
        {"family_name", "Testcase"},
        {"date_of_birth", "2008-02-29"}}},
      {"legal_status",
       {{"kind", "LEGAL_STATUS_KIND_CARE_ORDER"},
        {"start_date", "2021-06-01"},
        {"deprivation_of_liberty",
         {{"authorised_by", "High Court, Family Division"},
          {"start_date", "2024-01-15"},
          {"restrictions", {"2:1 staffing at all times"}}}}}}};
  WriteFile(name, bundle.dump(2));
  return bundle;
}

void CliTest::WriteFile(const std::string& name, const std::string& bytes) {
  std::ofstream out(Path(name), std::ios::binary | std::ios::trunc);
  out << bytes;
  ASSERT_TRUE(out.good()) << name;
}

std::string CliTest::ReadFile(const std::string& name) {
  std::ifstream in(Path(name), std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool CliTest::Exists(const std::string& name) const {
  std::error_code ec;
  return fs::exists(fs::symlink_status(Path(name), ec));
}

void CliTest::FlipByteFromEnd(const std::string& name, size_t offset) {
  std::string bytes = ReadFile(name);
  ASSERT_GT(bytes.size(), offset);
  bytes[bytes.size() - 1 - offset] ^= 0xff;
  WriteFile(name, bytes);
}

std::vector<std::string> CliTest::List(const std::string& subdir) const {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(Path(subdir))) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

int CliTest::ModeOf(const std::string& name) const {
  struct stat st;
  if (stat(Path(name).c_str(), &st) != 0) return -1;
  return st.st_mode & 07777;
}

void ExpectOneErrorLine(const CommandResult& r, int exit_code,
                        const std::string& prefix) {
  EXPECT_EQ(r.exit_code, exit_code) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_TRUE(!r.err.empty() && r.err.back() == '\n') << r.err;
  EXPECT_EQ(r.err.substr(0, prefix.size()), prefix) << r.err;
}

std::string PatternBytes(size_t size, unsigned seed) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) {
    bytes[i] = static_cast<char>((i * 7 + seed + i / 251) & 0xff);
  }
  return bytes;
}

}  // namespace handover::testing
