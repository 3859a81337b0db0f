// Checks of the harness itself, which need no daemon: the network it builds
// is one the daemons' own loaders accept (signed directory, configs, keys),
// and child processes are run, stopped and reported as they should be.
#include <signal.h>

#include <string>

#include "absl/strings/match.h"
#include "common/file_util.h"
#include "config/node_config.h"
#include "config/router_config.h"
#include "crypto/key_file.h"
#include "directory/directory_view.h"
#include "directory/signed_directory.h"
#include "gtest/gtest.h"
#include "harness/directory_builder.h"
#include "harness/network_test.h"

namespace handover::integration {
namespace {

namespace v1 = handover::v1;

using HarnessTest = NetworkTest;

TEST_F(HarnessTest, BuildsADirectoryAndConfigsTheDaemonsAccept) {
  ASSERT_NO_FATAL_FAILURE(CreateNetwork());
  ASSERT_OK_AND_ASSIGN(
      std::string signed_bytes,
      ReadFileBounded(net().root() + "/router/directory.signed",
                      directory::kMaxSignedDirectoryBytes));
  ASSERT_OK_AND_ASSIGN(
      crypto::PublicIdentity trust_root,
      crypto::LoadPublicIdentity(net().root() + "/authority/public.key"));
  ASSERT_OK_AND_ASSIGN(
      v1::Directory directory,
      directory::VerifySignedDirectory(signed_bytes, trust_root, 1));
  EXPECT_EQ(directory.version(), 1u);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<directory::DirectoryView> view,
                       directory::DirectoryView::Create(directory));
  for (const std::string& id : net().node_ids()) {
    ASSERT_OK_AND_ASSIGN(const v1::Agency* agency,
                         view->FindAgencyByCertSha256(net().CertSha256(id)));
    EXPECT_EQ(agency->id(), id);
    ASSERT_OK_AND_ASSIGN(std::vector<crypto::PublicIdentity> keys,
                         view->SigningKeysAt(id, absl::Now()));
    ASSERT_EQ(keys.size(), 1u);
    EXPECT_EQ(keys[0].sign_public_key,
              net().Identity(id).public_identity().sign_public_key);
  }
  ASSERT_OK_AND_ASSIGN(const v1::Agency* router, view->FindAgency(kRouterId));
  EXPECT_EQ(router->kind(), v1::AGENCY_KIND_OTHER);
  EXPECT_EQ(router->areas_size(), 0);

  const std::string router_config = Scratch("router.toml");
  ASSERT_OK(WriteFileAtomically(router_config, net().RouterConfigText(), 0600));
  EXPECT_OK(config::LoadRouterConfig(router_config).status());
  for (const std::string& id : net().node_ids()) {
    const std::string node_config = Scratch(id + ".toml");
    ASSERT_OK(WriteFileAtomically(node_config, net().NodeConfigText(id), 0600));
    absl::StatusOr<config::NodeConfig> loaded =
        config::LoadNodeConfig(node_config);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    EXPECT_EQ(loaded->clients.size(), 5u);
  }
}

TEST_F(HarnessTest, RevisedDirectoriesAreSignedAndKeptInOrder) {
  ASSERT_NO_FATAL_FAILURE(CreateNetwork());
  v1::Directory next = net().directory();
  next.set_version(2);
  ASSERT_OK(RevokeAgency(&next, kPolice, absl::Now()));
  ASSERT_OK(net().PublishDirectory(next));
  EXPECT_EQ(net().directory().version(), 2u);
  v1::Directory older = next;
  older.set_version(1);
  ASSERT_OK(net().PublishDirectory(older));
  EXPECT_EQ(net().directory().version(), 2u) << "directory() keeps the newest";
  ASSERT_OK_AND_ASSIGN(
      std::string signed_bytes,
      ReadFileBounded(net().root() + "/router/directory.signed",
                      directory::kMaxSignedDirectoryBytes));
  ASSERT_OK_AND_ASSIGN(directory::UnverifiedDirectory file,
                       directory::ParseSignedDirectoryUnverified(signed_bytes));
  EXPECT_EQ(file.directory.version(), 1u) << "but the file is what was written";
}

TEST_F(HarnessTest, ChildProcessesAreRunStoppedAndReported) {
  ASSERT_NO_FATAL_FAILURE(CreateNetwork());
  ASSERT_OK_AND_ASSIGN(
      CommandOutput result,
      RunToExit({"/bin/sh", "-c", "echo one; echo two >&2; exit 3"},
                Scratch("sh.log"), absl::Seconds(30)));
  EXPECT_TRUE(result.status.exited);
  EXPECT_EQ(result.status.code, 3);
  EXPECT_EQ(result.output, "one\ntwo\n");

  // A daemon stand-in that never writes its listen-address.
  const std::string data_dir = Scratch("sleeper");
  ASSERT_OK(MakeDirectories(data_dir, 0700));
  DaemonProcess sleeper("sleeper", {"/bin/sleep", "600"}, data_dir,
                        Scratch("sleeper.log"));
  ASSERT_OK(sleeper.Start());
  EXPECT_TRUE(sleeper.Running());
  EXPECT_EQ(
      sleeper.WaitForListenAddress(absl::Milliseconds(200)).status().code(),
      absl::StatusCode::kDeadlineExceeded);
  ASSERT_OK_AND_ASSIGN(uint64_t peak, sleeper.PeakResidentBytes());
  EXPECT_GT(peak, 0u);
  ASSERT_OK_AND_ASSIGN(ExitStatus stopped, sleeper.Stop(absl::Seconds(10)));
  EXPECT_FALSE(stopped.exited);
  EXPECT_EQ(stopped.code, SIGTERM);
  EXPECT_FALSE(sleeper.Running());

  // One that writes it, as a daemon does once it serves.
  DaemonProcess writer(
      "writer",
      {"/bin/sh", "-c",
       "echo 127.0.0.1:1234 > " + data_dir + "/listen-address; exec sleep 600"},
      data_dir, Scratch("writer.log"));
  ASSERT_OK(writer.Start());
  ASSERT_OK_AND_ASSIGN(std::string address,
                       writer.WaitForListenAddress(absl::Seconds(10)));
  EXPECT_EQ(address, "127.0.0.1:1234");
  writer.Kill();
  EXPECT_FALSE(writer.Running());
  EXPECT_TRUE(absl::StrContains(writer.ReadLog(), "SIGKILL"));
}

}  // namespace
}  // namespace handover::integration
