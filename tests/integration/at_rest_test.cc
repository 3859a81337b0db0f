// What a stolen disk or a leaked log would show: after a transfer has been
// submitted, relayed, delivered and fetched, no file any daemon wrote (data
// directories, SQLite databases and their journals, spool, outbox, configs,
// logs) holds the child's name or a byte pattern from the attachment. Only
// the test's own scratch directory, where the case system's input and the
// fetched copy live, may.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/file_util.h"
#include "gtest/gtest.h"
#include "harness/network_test.h"

namespace handover::integration {
namespace {

namespace v1 = handover::v1;
namespace fs = std::filesystem;

// Far above any file a daemon writes in this test.
constexpr uint64_t kMaxScannedFileBytes = uint64_t{64} << 20;

// Every regular file under `root`, outside `excluded`, that contains any of
// `secrets`, as "path (secret)"; a file that cannot be read is listed too,
// since it could hide one.
std::vector<std::string> FilesHolding(const std::string& root,
                                      const fs::path& excluded,
                                      const std::vector<std::string>& secrets,
                                      int* files_read) {
  std::vector<std::string> found;
  for (auto it = fs::recursive_directory_iterator(root);
       it != fs::recursive_directory_iterator(); ++it) {
    if (it->path() == excluded) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    ++*files_read;
    absl::StatusOr<std::string> bytes =
        ReadFileBounded(it->path(), kMaxScannedFileBytes);
    if (!bytes.ok()) {
      found.push_back(absl::StrCat(it->path().string(), " (unreadable: ",
                                   bytes.status().ToString(), ")"));
      continue;
    }
    for (const std::string& secret : secrets) {
      if (bytes->find(secret) != std::string::npos) {
        found.push_back(absl::StrCat(it->path().string(), " (", secret, ")"));
      }
    }
  }
  return found;
}

using AtRestTest = NetworkTest;

TEST_F(AtRestTest, NoDaemonWritesCaseContentToDiskOrLogs) {
  // At debug, the most any daemon ever logs.
  NetworkOptions options;
  options.log_level = "debug";
  ASSERT_NO_FATAL_FAILURE(StartNetwork(options));
  const std::string family_name = "Plaintextcanary" + RandomHex(6);
  const std::string given_names = "Givencanary" + RandomHex(6);
  const std::string attachment_marker = "ATTACHMENT-CANARY-" + RandomHex(8);

  const std::string source = Scratch("notes.txt");
  {
    std::ofstream out(source, std::ios::binary);
    for (int i = 0; i < 4096; ++i) out << attachment_marker << "\n";
  }
  SubmitRequest request;
  request.idempotency_key = "at-rest-1";
  request.recipients = {kBirmingham};
  request.bundle = MinimalBundle("REF-AT-REST");
  request.bundle.mutable_identity()->set_family_name(family_name);
  request.bundle.mutable_identity()->set_given_names(given_names);
  request.attachments = {{source, "notes.txt", "text/plain"}};
  auto sender = net().Client(kStockport, Role::kSubmitter);
  ASSERT_OK_AND_ASSIGN(v1::SubmitTransferResponse submitted,
                       sender->Submit(request));
  const std::string id = submitted.transfer_id();
  ASSERT_OK(
      sender->WaitForState(id, v1::DELIVERY_STATE_DELIVERED, Wait()).status());

  // The canaries really travelled: the recipient reads them back.
  auto reader = net().Client(kBirmingham, Role::kReceiver);
  ASSERT_OK_AND_ASSIGN(FetchedTransfer fetched,
                       reader->Fetch(id, Scratch("fetched")));
  ASSERT_TRUE(fetched.ended);
  EXPECT_EQ(fetched.header.bundle().identity().family_name(), family_name);
  ASSERT_EQ(fetched.attachment_paths.size(), 1u);
  ASSERT_OK_AND_ASSIGN(
      const std::string got,
      ReadFileBounded(fetched.attachment_paths[0], kMaxScannedFileBytes));
  ASSERT_OK_AND_ASSIGN(const std::string sent,
                       ReadFileBounded(source, kMaxScannedFileBytes));
  EXPECT_EQ(got, sent);

  // Stopped first, so every database is checkpointed and every log flushed.
  ASSERT_OK(net().StopNode(kStockport));
  ASSERT_OK(net().StopNode(kBirmingham));
  ASSERT_OK(net().StopRouter());
  int files_read = 0;
  const std::vector<std::string> leaks =
      FilesHolding(net().root(), fs::path(Scratch("")).parent_path(),
                   {family_name, given_names, attachment_marker}, &files_read);
  EXPECT_TRUE(leaks.empty())
      << "case content at rest in: " << absl::StrJoin(leaks, ", ");
  // Databases, spool, configs and logs of three daemons at the least.
  EXPECT_GE(files_read, 10);
}

}  // namespace
}  // namespace handover::integration
