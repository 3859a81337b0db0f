#include "link_fixture.h"

#include <filesystem>
#include <utility>

#include "common/byte_stream.h"
#include "crypto/sealer.h"
#include "directory/signed_directory.h"
#include "directory_test_util.h"
#include "notice/notice_signing.h"
#include "status_matchers.h"

namespace handover::node::testing {
namespace {

namespace v1 = handover::v1;
using directory::testing::ActiveAgency;
using directory::testing::NewIdentity;

// Hands out one fixed signed directory.
class FixedFetcher final : public DirectoryFetcher {
 public:
  explicit FixedFetcher(std::string bytes) : bytes_(std::move(bytes)) {}
  absl::StatusOr<std::string> Fetch() override { return bytes_; }

 private:
  const std::string bytes_;
};

}  // namespace

crypto::SecretIdentity CopyOf(const crypto::SecretIdentity& identity) {
  absl::StatusOr<crypto::SecretIdentity> copy =
      crypto::SecretIdentity::FromSecretKeys(identity.agency_id(),
                                             identity.sign_secret_key().view(),
                                             identity.box_secret_key().view());
  if (!copy.ok()) {
    ADD_FAILURE() << copy.status();
    std::abort();
  }
  return *std::move(copy);
}

LinkFixture::LinkFixture()
    : clock_(directory::testing::kT0 + absl::Hours(24 * 30)),
      authority_(NewIdentity("authority")),
      sender_(NewIdentity(kSenderId)),
      us_(NewIdentity(kUsId)),
      other_(NewIdentity(kOtherId)),
      router_(NewIdentity(kRouterId)) {}

void LinkFixture::SetUp() {
  v1::Directory directory;
  directory.set_version(1);
  *directory.mutable_issued_at() =
      directory::testing::Ts(directory::testing::kT0);
  *directory.add_agencies() = ActiveAgency(
      kSenderId, v1::AGENCY_KIND_LOCAL_AUTHORITY_CHILDRENS_SERVICES,
      {"E08000007"}, sender_.public_identity());
  *directory.add_agencies() =
      ActiveAgency(kUsId, v1::AGENCY_KIND_POLICE_FORCE, {"E08000001"},
                   us_.public_identity());
  *directory.add_agencies() =
      ActiveAgency(kOtherId, v1::AGENCY_KIND_LOCAL_AUTHORITY_CHILDRENS_SERVICES,
                   {"E08000025"}, other_.public_identity());
  *directory.add_agencies() = ActiveAgency(kRouterId, v1::AGENCY_KIND_OTHER, {},
                                           router_.public_identity());
  ASSERT_OK_AND_ASSIGN(std::string signed_directory,
                       directory::SignDirectory(directory, authority_));

  ASSERT_OK_AND_ASSIGN(store_, OpenSqliteNodeStore(dir_.path() + "/node.db"));
  DirectoryClientOptions options;
  options.data_dir = dir_.path();
  options.trust_root = authority_.public_identity();
  ASSERT_OK_AND_ASSIGN(
      directory_, DirectoryClient::Create(options, store_.get(),
                                          std::make_unique<FixedFetcher>(
                                              std::move(signed_directory))));
  ASSERT_OK(directory_->Refresh());

  context_.store = store_.get();
  context_.directory = directory_.get();
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<KeyRing> ring,
                       KeyRing::Create(CopyOf(us_)));
  UseKeys(std::move(ring));
  context_.clock = &clock_;
  context_.inbox_dir = dir_.path() + "/inbox";
  context_.router_agency_id = kRouterId;
  std::filesystem::create_directories(context_.inbox_dir);
}

PushedEnvelope LinkFixture::Seal(const crypto::SecretIdentity& sender,
                                 const std::vector<std::string>& recipients,
                                 const std::string& plaintext,
                                 absl::Duration ttl) {
  std::vector<crypto::PublicIdentity> keys;
  for (const std::string& id : recipients) {
    auto key = directory_->Current()->EncryptionKeyAt(id, clock_.Now());
    EXPECT_TRUE(key.ok()) << key.status();
    keys.push_back(*key);
  }
  crypto::SealOptions options;
  options.clock = &clock_;
  options.time_to_live = ttl;
  options.chunk_size = crypto::kMinChunkSize;
  StringSink sink;
  auto sealer = crypto::EnvelopeSealer::Create(sender, keys, options, &sink);
  EXPECT_TRUE(sealer.ok()) << sealer.status();
  EXPECT_OK((*sealer)->Write(plaintext));
  auto header = (*sealer)->Finish();
  EXPECT_TRUE(header.ok()) << header.status();

  StringSource source(sink.data());
  auto head = crypto::ReadEnvelopeHead(&source);
  EXPECT_TRUE(head.ok()) << head.status();
  PushedEnvelope out;
  out.head.set_signed_header(head->signed_header);
  out.head.set_signature(head->signature);
  for (const std::string& w : head->wrapped_keys) out.head.add_wrapped_keys(w);
  out.ciphertext = sink.data().substr(head->header.CiphertextOffset());
  out.header = head->header;
  return out;
}

handover::v1::SignedNotice LinkFixture::Receipt(
    const crypto::SecretIdentity& signer, const std::string& transfer_id,
    const std::string& ciphertext_hash) {
  v1::Notice notice;
  notice.set_signer_id(signer.agency_id());
  notice.set_addressee_id(kUsId);
  notice.set_transfer_id(transfer_id);
  *notice.mutable_issued_at() = ToTimestamp(clock_.Now());
  notice.mutable_receipt()->set_ciphertext_hash(ciphertext_hash);
  *notice.mutable_receipt()->mutable_stored_at() = ToTimestamp(clock_.Now());
  auto signed_notice = notice::SignNotice(signer, notice);
  EXPECT_TRUE(signed_notice.ok()) << signed_notice.status();
  return *signed_notice;
}

handover::v1::SignedNotice LinkFixture::Report(
    const crypto::SecretIdentity& signer, const std::string& transfer_id,
    const std::string& recipient, handover::v1::NonDeliveryReason reason) {
  v1::Notice notice;
  notice.set_signer_id(signer.agency_id());
  notice.set_addressee_id(kUsId);
  notice.set_transfer_id(transfer_id);
  *notice.mutable_issued_at() = ToTimestamp(clock_.Now());
  notice.mutable_non_delivery()->set_undelivered_recipient(recipient);
  notice.mutable_non_delivery()->set_reason(reason);
  notice.mutable_non_delivery()->set_detail("recipient offline until expiry");
  auto signed_notice = notice::SignNotice(signer, notice);
  EXPECT_TRUE(signed_notice.ok()) << signed_notice.status();
  return *signed_notice;
}

std::vector<std::string> LinkFixture::InboxFiles() const {
  std::vector<std::string> names;
  for (const auto& entry :
       std::filesystem::directory_iterator(context_.inbox_dir)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

void LinkFixture::UseKeys(std::unique_ptr<KeyRing> ring) {
  keys_ = std::move(ring);
  context_.keys = keys_.get();
}

}  // namespace handover::node::testing
