#include "router/router_test_util.h"

#include "absl/strings/str_cat.h"
#include "common/byte_stream.h"
#include "common/file_util.h"
#include "crypto/opener.h"
#include "crypto/sealer.h"
#include "crypto/sha256.h"
#include "directory/signed_directory.h"
#include "gtest/gtest.h"

namespace handover::router::testing {
namespace {

crypto::SecretIdentity MustGenerate(const std::string& id) {
  absl::StatusOr<crypto::SecretIdentity> identity =
      crypto::SecretIdentity::Generate(id);
  if (!identity.ok()) {
    ADD_FAILURE() << identity.status();
    std::abort();
  }
  return std::move(identity).value();
}

void SetTime(google::protobuf::Timestamp* ts, absl::Time t) {
  ts->set_seconds(absl::ToUnixSeconds(t));
}

void AddKey(handover::v1::Agency* agency, const crypto::PublicIdentity& key,
            absl::Time from, absl::Time to) {
  handover::v1::AgencyKey* k = agency->add_keys();
  k->set_sign_public_key(key.sign_public_key);
  k->set_box_public_key(key.box_public_key);
  SetTime(k->mutable_not_before(), from);
  SetTime(k->mutable_not_after(), to);
}

}  // namespace

TestAgencies::TestAgencies(const std::vector<std::string>& ids)
    : authority_(MustGenerate("directory-authority")) {
  ids_.push_back(kRouterId);
  for (const std::string& id : ids) ids_.push_back(id);
  for (const std::string& id : ids_) keys_.emplace(id, MustGenerate(id));
}

const crypto::SecretIdentity& TestAgencies::Get(const std::string& id) const {
  return keys_.at(id);
}

void TestAgencies::AddNextKey(const std::string& id, absl::Time from) {
  next_keys_.emplace(id, MustGenerate(id));
  next_from_[id] = from;
}

const crypto::SecretIdentity& TestAgencies::NextKey(
    const std::string& id) const {
  return next_keys_.at(id);
}

handover::v1::Directory TestAgencies::Build(
    uint64_t version, absl::Time not_before,
    const std::set<std::string>& revoked) const {
  handover::v1::Directory directory;
  directory.set_version(version);
  SetTime(directory.mutable_issued_at(), not_before);
  for (const std::string& id : ids_) {
    handover::v1::Agency* agency = directory.add_agencies();
    agency->set_id(id);
    agency->set_name(absl::StrCat("Test agency ", id));
    agency->set_kind(handover::v1::AGENCY_KIND_OTHER);
    auto cert = cert_sha256_.find(id);
    agency->set_tls_cert_sha256(
        cert != cert_sha256_.end() ? cert->second : crypto::Sha256Hex(id));
    AddKey(agency, Get(id).public_identity(), not_before,
           not_before + absl::Hours(24 * 365));
    auto next = next_keys_.find(id);
    if (next != next_keys_.end()) {
      AddKey(agency, next->second.public_identity(), next_from_.at(id),
             next_from_.at(id) + absl::Hours(24 * 365));
    }
    if (revoked.count(id) > 0) {
      agency->set_status(handover::v1::AGENCY_STATUS_REVOKED);
      SetTime(agency->mutable_revoked_at(), not_before);
    } else {
      agency->set_status(handover::v1::AGENCY_STATUS_ACTIVE);
    }
  }
  return directory;
}

void TestAgencies::WriteSigned(const std::string& path, uint64_t version,
                               absl::Time not_before,
                               const std::set<std::string>& revoked) const {
  absl::StatusOr<std::string> signed_bytes =
      directory::SignDirectory(Build(version, not_before, revoked), authority_);
  ASSERT_TRUE(signed_bytes.ok()) << signed_bytes.status();
  ASSERT_TRUE(WriteFileAtomically(path, *signed_bytes, 0644).ok());
}

SealedEnvelope Seal(const crypto::SecretIdentity& sender,
                    const std::vector<crypto::PublicIdentity>& recipients,
                    size_t plaintext_bytes, absl::Time created_at,
                    absl::Duration ttl) {
  FakeClock clock(created_at);
  crypto::SealOptions options;
  options.clock = &clock;
  options.time_to_live = ttl;
  StringSink sink;
  SealedEnvelope out;
  auto sealer =
      crypto::EnvelopeSealer::Create(sender, recipients, options, &sink);
  if (!sealer.ok()) {
    ADD_FAILURE() << sealer.status();
    return out;
  }
  std::string filler(plaintext_bytes, 'x');
  EXPECT_TRUE((*sealer)->Write(filler).ok());
  absl::StatusOr<crypto::EnvelopeHeader> header = (*sealer)->Finish();
  EXPECT_TRUE(header.ok()) << header.status();
  StringSource source(sink.data());
  absl::StatusOr<crypto::EnvelopeHead> head = crypto::ReadEnvelopeHead(&source);
  EXPECT_TRUE(head.ok()) << head.status();
  if (!head.ok()) return out;
  out.transfer_id = head->header.transfer_id;
  out.ciphertext_hash = head->header.ciphertext_hash;
  out.head.set_signed_header(head->signed_header);
  out.head.set_signature(head->signature);
  for (const std::string& key : head->wrapped_keys) {
    out.head.add_wrapped_keys(key);
  }
  out.ciphertext = sink.data().substr(head->header.CiphertextOffset());
  return out;
}

EnvelopeRecord FakeRecord(const std::string& transfer_id,
                          const std::string& sender,
                          const std::vector<std::string>& recipients,
                          absl::Time accepted_at, absl::Time expires_at) {
  EnvelopeRecord r;
  r.transfer_id = transfer_id;
  r.sender_id = sender;
  r.signed_header = absl::StrCat("header of ", crypto::ToHex(transfer_id));
  r.signature = std::string(64, 's');
  for (size_t i = 0; i < recipients.size(); ++i) {
    r.wrapped_keys.push_back(std::string(80, static_cast<char>('a' + i)));
  }
  r.recipients = recipients;
  r.ciphertext_size = 5;
  r.ciphertext_hash = std::string(32, 'h');
  r.created_at = accepted_at - absl::Minutes(1);
  r.expires_at = expires_at;
  r.accepted_at = accepted_at;
  r.location = CiphertextLocation::kInline;
  return r;
}

std::string TransferId(int n) {
  std::string id(16, '\0');
  for (int i = 0; i < 4; ++i) id[15 - i] = static_cast<char>((n >> (8 * i)));
  id[0] = 't';
  return id;
}

DeliveryState StateIn(RouterStore* store, const std::string& transfer_id,
                      const std::string& recipient) {
  absl::StatusOr<std::vector<DeliveryRecord>> deliveries =
      store->ListDeliveries(transfer_id);
  EXPECT_TRUE(deliveries.ok()) << deliveries.status();
  if (deliveries.ok()) {
    for (const DeliveryRecord& d : *deliveries) {
      if (d.recipient_id == recipient) return d.state;
    }
  }
  ADD_FAILURE() << "no delivery to " << recipient;
  return DeliveryState::kPending;
}

}  // namespace handover::router::testing
