// The signed directory at work in a running network: revoking an agency,
// refusing a rollback to an older version, and key rotation overlaps (of a
// sender's key, and of a recipient's with previous_key_dirs). The
// router polls its directory file; a test publishes a new version by
// rewriting that file, as an operator would.
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "crypto/opener.h"
#include "directory/signed_directory.h"
#include "gtest/gtest.h"
#include "harness/directory_builder.h"
#include "harness/envelopes.h"
#include "harness/network_test.h"

namespace handover::integration {
namespace {

namespace v1 = handover::v1;

class DirectoryTest : public NetworkTest {
 protected:
  // Publishes `next` and waits until every node in `ids` holds it.
  void PublishAndWait(const v1::Directory& next,
                      const std::vector<std::string>& ids) {
    ASSERT_OK(net().PublishDirectory(next));
    for (const std::string& id : ids) {
      ASSERT_OK(net().WaitForDirectoryVersion(id, next.version(), Wait()));
    }
  }

  // Sends one transfer from Stockport to Birmingham and waits until it
  // reaches `state`; returns its id.
  absl::StatusOr<std::string> SendToBirmingham(const std::string& reference,
                                               v1::DeliveryState state) {
    absl::StatusOr<std::string> id = Send(kStockport, {kBirmingham}, reference);
    if (!id.ok()) return id.status();
    absl::Status reached = net()
                               .Client(kStockport, Role::kSubmitter)
                               ->WaitForState(*id, state, Wait())
                               .status();
    if (!reached.ok()) return reached;
    return *id;
  }

  // Either the node refuses the submission at once, or the transfer fails
  // for good; it is never delivered. Returns the transfer id, if any.
  std::string ExpectRefused(const std::string& from, const std::string& to,
                            const std::string& reference) {
    absl::StatusOr<std::string> id = Send(from, {to}, reference);
    std::cerr << from << " -> " << to << ": submission "
              << (id.ok() ? "accepted" : id.status().ToString()) << "\n";
    if (!id.ok()) {
      EXPECT_NE(id.status().code(), absl::StatusCode::kUnavailable)
          << id.status();
      return "";
    }
    absl::StatusOr<v1::TransferStatusResponse> status =
        net()
            .Client(from, Role::kSubmitter)
            ->WaitForState(*id, v1::DELIVERY_STATE_FAILED, Wait());
    EXPECT_TRUE(status.ok()) << status.status();
    if (status.ok()) {
      EXPECT_FALSE(status->recipients(0).reason().empty());
      std::cerr << "  then FAILED: " << status->recipients(0).reason() << "\n";
    }
    return *id;
  }
};

TEST_F(DirectoryTest, RevokedAgencyCanNeitherSendNorReceive) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork());
  v1::Directory next = net().directory();
  next.set_version(2);
  ASSERT_OK(RevokeAgency(&next, kPolice, absl::Now()));
  ASSERT_NO_FATAL_FAILURE(PublishAndWait(next, {kStockport, kBirmingham}));

  // Sends to the revoked agency are refused.
  const std::string to_police =
      ExpectRefused(kStockport, kPolice, "REF-TO-REVOKED");
  // Its own submissions are refused.
  const std::string from_police =
      ExpectRefused(kPolice, kStockport, "REF-FROM-REVOKED");

  // The router refuses the same straight from the wire.
  const std::string police_envelope = Scratch("police.hov");
  ASSERT_OK(SealTestEnvelope(net().Identity(kPolice),
                             {net().Identity(kStockport).public_identity()},
                             "REF-POLICE-DIRECT", police_envelope)
                .status());
  absl::StatusOr<v1::SubmitEnvelopeResponse> direct =
      net().RouterAs(kPolice)->SubmitEnvelopeFile(police_envelope);
  EXPECT_EQ(direct.status().code(), absl::StatusCode::kPermissionDenied)
      << direct.status();
  const std::string to_police_envelope = Scratch("to-police.hov");
  ASSERT_OK(SealTestEnvelope(net().Identity(kStockport),
                             {net().Identity(kPolice).public_identity()},
                             "REF-STOCKPORT-DIRECT", to_police_envelope)
                .status());
  direct = net().RouterAs(kStockport)->SubmitEnvelopeFile(to_police_envelope);
  EXPECT_EQ(direct.status().code(), absl::StatusCode::kPermissionDenied)
      << direct.status();

  // Everyone else carries on.
  ASSERT_OK(SendToBirmingham("REF-STILL-FINE", v1::DELIVERY_STATE_DELIVERED)
                .status());
  ASSERT_OK_AND_ASSIGN(std::vector<v1::InboxEntry> police_inbox,
                       net().Client(kPolice, Role::kReceiver)->ListInbox());
  EXPECT_TRUE(police_inbox.empty());
  if (!from_police.empty()) {
    EXPECT_EQ(InboxCount(kStockport, from_police), 0);
  }
}

TEST_F(DirectoryTest, TransferQueuedForAnAgencyRevokedMeanwhileFails) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork());
  ASSERT_OK(net().StopNode(kPolice));
  ASSERT_OK_AND_ASSIGN(const std::string id,
                       Send(kStockport, {kPolice}, "REF-QUEUED-REVOKED"));
  ASSERT_OK_AND_ASSIGN(const std::string raw_id, FromHex(id));
  auto sender = net().Client(kStockport, Role::kSubmitter);
  ASSERT_OK(
      sender->WaitForState(id, v1::DELIVERY_STATE_AT_ROUTER, Wait()).status());

  v1::Directory next = net().directory();
  next.set_version(2);
  ASSERT_OK(RevokeAgency(&next, kPolice, absl::Now()));
  ASSERT_NO_FATAL_FAILURE(PublishAndWait(next, {kStockport}));

  ASSERT_OK_AND_ASSIGN(
      v1::TransferStatusResponse status,
      sender->WaitForState(id, v1::DELIVERY_STATE_FAILED, Wait()));
  const v1::RecipientStatus& r = status.recipients(0);
  EXPECT_FALSE(r.reason().empty());
  ASSERT_TRUE(r.has_report());
  ASSERT_OK_AND_ASSIGN(v1::Notice report,
                       net().VerifyNoticeFrom(r.report(), kRouterId));
  EXPECT_EQ(report.transfer_id(), raw_id);
  EXPECT_EQ(report.non_delivery().undelivered_recipient(), kPolice);
  EXPECT_EQ(report.non_delivery().reason(),
            v1::NON_DELIVERY_REASON_RECIPIENT_REVOKED);
}

TEST_F(DirectoryTest, NodesRefuseARollbackToAnOlderDirectory) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork());
  const v1::Directory first = net().directory();
  v1::Directory second = first;
  second.set_version(2);
  FindAgency(&second, kBirmingham)->set_name("Birmingham, version 2");
  ASSERT_NO_FATAL_FAILURE(PublishAndWait(second, net().node_ids()));

  // The router loses its state and is handed version 1 again: it serves the
  // old directory to every node that reconnects.
  ASSERT_OK(net().StopRouter());
  ASSERT_OK(net().PublishDirectory(first));
  std::error_code ec;
  std::filesystem::remove_all(net().RouterDataDir(), ec);
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_OK(net().StartRouter());
  ASSERT_OK_AND_ASSIGN(v1::SignedDirectory served,
                       net().RouterAs(kStockport)->GetDirectory());
  ASSERT_OK_AND_ASSIGN(
      directory::UnverifiedDirectory parsed,
      directory::ParseSignedDirectoryUnverified(served.SerializeAsString()));
  ASSERT_EQ(parsed.directory.version(), 1u) << "the router serves version 1";

  // A restarted node asks for the directory afresh.
  ASSERT_OK(net().StopNode(kStockport));
  ASSERT_OK(net().StartNode(kStockport));
  for (const std::string& id : net().node_ids()) {
    ASSERT_OK(net().WaitForRouterLink(id, Wait()));
  }
  // Every node keeps version 2, for a while of watching.
  const absl::Time until = absl::Now() + Scaled(absl::Seconds(3));
  do {
    for (const std::string& id : net().node_ids()) {
      ASSERT_OK_AND_ASSIGN(v1::NodeInfo info,
                           net().Client(id, Role::kAdmin)->GetNodeInfo());
      EXPECT_EQ(info.directory_version(), 2u) << id;
    }
    absl::SleepFor(absl::Milliseconds(250));
  } while (absl::Now() < until && !HasFailure());

  // The network still works, and a newer directory is still taken up.
  ASSERT_OK(SendToBirmingham("REF-AFTER-ROLLBACK", v1::DELIVERY_STATE_DELIVERED)
                .status());
  v1::Directory third = second;
  third.set_version(3);
  ASSERT_NO_FATAL_FAILURE(PublishAndWait(third, net().node_ids()));
}

TEST_F(DirectoryTest, KeyRotationOverlapAcceptsOldAndNewKeys) {
  ASSERT_NO_FATAL_FAILURE(CreateNetwork());
  // Stockport lists a next key, live a minute ago, beside its current one.
  crypto::PublicIdentity next_key;
  ASSERT_OK_AND_ASSIGN(const std::string next_key_dir,
                       net().AddKey(kStockport, &next_key));
  v1::Directory rotated = net().directory();
  rotated.set_version(2);
  const absl::Time now = absl::Now();
  *FindAgency(&rotated, kStockport)->add_keys() = MakeAgencyKey(
      next_key, now - absl::Minutes(1), now + absl::Hours(24 * 60));
  ASSERT_OK(net().PublishDirectory(rotated));
  ASSERT_OK(net().StartAll());
  ASSERT_OK(net().StopNode(kBirmingham));

  // Signed with the old key, held by the router while Birmingham is away.
  auto sender = net().Client(kStockport, Role::kSubmitter);
  ASSERT_OK_AND_ASSIGN(
      const std::string old_key_id,
      SendToBirmingham("REF-OLD-KEY", v1::DELIVERY_STATE_AT_ROUTER));

  // Stockport moves to the new key.
  ASSERT_OK(net().StopNode(kStockport));
  net().node_settings(kStockport).key_dir = next_key_dir;
  ASSERT_OK(net().StartNode(kStockport));
  sender = net().Client(kStockport, Role::kSubmitter);
  ASSERT_OK_AND_ASSIGN(
      const std::string new_key_id,
      SendToBirmingham("REF-NEW-KEY", v1::DELIVERY_STATE_AT_ROUTER));
  // Straight to the router: envelopes signed with either listed key are
  // accepted.
  std::vector<std::string> ids = {old_key_id, new_key_id};
  for (size_t key = 0; key < 2; ++key) {
    const std::string path = Scratch("direct-" + std::to_string(key) + ".hov");
    ASSERT_OK_AND_ASSIGN(
        crypto::EnvelopeHeader header,
        SealTestEnvelope(net().Key(kStockport, key),
                         {net().Identity(kBirmingham).public_identity()},
                         "REF-DIRECT", path));
    SCOPED_TRACE("key " + std::to_string(key));
    EXPECT_OK(net().RouterAs(kStockport)->SubmitEnvelopeFile(path).status());
    ids.push_back(ToHex(header.transfer_id));
  }

  ASSERT_OK(net().StartNode(kBirmingham));
  for (const std::string& id : {old_key_id, new_key_id}) {
    SCOPED_TRACE(id);
    ASSERT_OK_AND_ASSIGN(
        v1::TransferStatusResponse status,
        sender->WaitForState(id, v1::DELIVERY_STATE_DELIVERED, Wait()));
    EXPECT_OK(net()
                  .VerifyNoticeFrom(status.recipients(0).receipt(), kBirmingham)
                  .status());
  }
  auto reader = net().Client(kBirmingham, Role::kReceiver);
  for (const std::string& id : ids) {
    SCOPED_TRACE(id);
    ASSERT_OK(reader->WaitForInbox(id, Wait()).status());
    EXPECT_EQ(InboxCount(kBirmingham, id), 1);
    ASSERT_OK_AND_ASSIGN(FetchedTransfer fetched,
                         net()
                             .Client(kBirmingham, Role::kReceiver)
                             ->Fetch(id, Scratch("fetched-" + id)));
    EXPECT_TRUE(fetched.ended);
    EXPECT_EQ(fetched.header.sender_id(), kStockport);
  }
}

// The encryption key id that `node`'s stored copy of `transfer_hex` names
// for `node`, read from the envelope in its inbox without any key.
absl::StatusOr<std::string> SealedToKeyId(TestNetwork& net,
                                          const std::string& node,
                                          const std::string& transfer_hex) {
  ASSIGN_OR_RETURN(
      std::unique_ptr<InputFile> file,
      InputFile::Open(absl::StrCat(net.NodeDataDir(node), "/inbox/",
                                   transfer_hex, ".envelope")));
  ASSIGN_OR_RETURN(crypto::EnvelopeHead head,
                   crypto::ReadEnvelopeHead(file.get()));
  for (const crypto::RecipientEntry& r : head.header.recipients) {
    if (r.agency_id == node) return r.box_key_id;
  }
  return absl::NotFoundError(node + " is not a recipient");
}

TEST_F(DirectoryTest, RecipientKeyRotationLosesNothingSealedToTheOldKey) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork());
  const std::string old_key_dir = net().node_settings(kBirmingham).key_dir;
  const std::string old_key_id =
      net().Identity(kBirmingham).public_identity().box_key_id();
  auto sender = net().Client(kStockport, Role::kSubmitter);

  // Delivered under the old key, and left in Birmingham's inbox unfetched.
  ASSERT_OK_AND_ASSIGN(
      const std::string in_inbox_id,
      SendToBirmingham("REF-IN-INBOX", v1::DELIVERY_STATE_DELIVERED));
  // Sealed to the old key, and held by the router while Birmingham is away.
  ASSERT_OK(net().StopNode(kBirmingham));
  ASSERT_OK_AND_ASSIGN(
      const std::string held_id,
      SendToBirmingham("REF-HELD", v1::DELIVERY_STATE_AT_ROUTER));

  // Birmingham's next key goes live beside the old one; senders that hold
  // the new directory seal to it.
  crypto::PublicIdentity next_key;
  ASSERT_OK_AND_ASSIGN(const std::string next_key_dir,
                       net().AddKey(kBirmingham, &next_key));
  v1::Directory rotated = net().directory();
  rotated.set_version(2);
  const absl::Time now = absl::Now();
  *FindAgency(&rotated, kBirmingham)->add_keys() = MakeAgencyKey(
      next_key, now - absl::Minutes(1), now + absl::Hours(24 * 60));
  ASSERT_OK(net().PublishDirectory(rotated));
  ASSERT_OK(net().WaitForDirectoryVersion(kStockport, 2, Wait()));

  // Birmingham switches to the new key and keeps the old one for opening.
  net().node_settings(kBirmingham).key_dir = next_key_dir;
  net().node_settings(kBirmingham).previous_key_dirs = {old_key_dir};
  ASSERT_OK(net().StartNode(kBirmingham));
  ASSERT_OK_AND_ASSIGN(const std::string new_id,
                       Send(kStockport, {kBirmingham}, "REF-NEW-KEY"));
  for (const std::string& id : {held_id, new_id}) {
    SCOPED_TRACE(id);
    ASSERT_OK_AND_ASSIGN(
        v1::TransferStatusResponse status,
        sender->WaitForState(id, v1::DELIVERY_STATE_DELIVERED, Wait()));
    EXPECT_OK(net()
                  .VerifyNoticeFrom(status.recipients(0).receipt(), kBirmingham)
                  .status());
  }
  // The first two are sealed to the old key, the last to the new one.
  const std::vector<std::pair<std::string, std::string>> sealed_to = {
      {in_inbox_id, old_key_id},
      {held_id, old_key_id},
      {new_id, next_key.box_key_id()}};
  for (const auto& [id, key_id] : sealed_to) {
    SCOPED_TRACE(id);
    ASSERT_OK_AND_ASSIGN(const std::string named,
                         SealedToKeyId(net(), kBirmingham, id));
    EXPECT_EQ(crypto::ToHex(named), crypto::ToHex(key_id));
  }

  auto reader = net().Client(kBirmingham, Role::kReceiver);
  for (const std::string& id : {in_inbox_id, held_id, new_id}) {
    SCOPED_TRACE(id);
    ASSERT_OK(reader->WaitForInbox(id, Wait()).status());
    EXPECT_EQ(InboxCount(kBirmingham, id), 1);
    ASSERT_OK_AND_ASSIGN(FetchedTransfer fetched,
                         reader->Fetch(id, Scratch("fetched-" + id)));
    EXPECT_TRUE(fetched.ended);
    EXPECT_EQ(fetched.header.sender_id(), kStockport);
  }

  // Without the old key the node cannot open what was sealed to it, and
  // refuses it as it always has; what was sealed to the new key still opens.
  reader.reset();  // an idle connection would hold the drain open
  ASSERT_OK(net().StopNode(kBirmingham));
  net().node_settings(kBirmingham).previous_key_dirs.clear();
  ASSERT_OK(net().StartNode(kBirmingham));
  reader = net().Client(kBirmingham, Role::kReceiver);
  EXPECT_EQ(reader->Fetch(held_id, Scratch("refetched-held")).status().code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_OK_AND_ASSIGN(FetchedTransfer again,
                       reader->Fetch(new_id, Scratch("refetched-new")));
  EXPECT_TRUE(again.ended);
}

}  // namespace
}  // namespace handover::integration
