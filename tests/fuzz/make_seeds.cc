// Generates the fuzz seeds that need real keys and signatures (see
// corpus/README.md): delivery receipts with log proofs, acknowledgement
// notices and envelope variants. Everything is deterministic (fixed keys,
// fixed times, Ed25519, the vector recipe's random generator), so
//   fuzz_make_seeds --write tests/fuzz/corpus   regenerates the files and
//   fuzz_make_seeds --check tests/fuzz/corpus   (a ctest) fails if any
// committed seed no longer matches what the code makes today.
#include <sodium.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "auditlog/merkle.h"
#include "common/byte_stream.h"
#include "common/clock.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "crypto/sealer.h"
#include "deliverylog/log_entry_codec.h"
#include "deliverylog/tree_head.h"
#include "fuzz/seed_fixture.h"
#include "handover/v1/notice.pb.h"
#include "notice/notice_signing.h"
#include "vectors/vector_recipe.h"

namespace handover::fuzz {
namespace {

namespace v1 = handover::v1;
namespace al = handover::auditlog;
namespace dl = handover::deliverylog;
using vectors::VectorIdentities;

constexpr int64_t kLogStart = 1798761600;  // 2027-01-01Z, the vector's time
constexpr size_t kMaxSeedBytes = 1 << 20;

using Seeds = std::map<std::string, std::string>;

google::protobuf::Timestamp At(int64_t seconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  return t;
}

// The recipient's delivery log: `size` DELIVERED entries, one a second, all
// for other transfers except entry `ours`, which is this receipt's copy.
std::vector<v1::LogEntry> RecipientLog(const std::string& recipient,
                                       uint64_t size, uint64_t ours) {
  std::vector<v1::LogEntry> entries;
  for (uint64_t i = 0; i < size; ++i) {
    v1::LogEntry e;
    e.set_index(i);
    *e.mutable_time() = At(kLogStart + static_cast<int64_t>(i));
    e.set_event(v1::LOG_EVENT_KIND_DELIVERED);
    e.set_sender("stockport-cs");
    e.set_recipient(recipient);
    e.set_size(4096 + i);
    e.set_actor("router");
    if (i == ours) {
      e.set_transfer_id(std::string(kReceiptTransferId));
      e.set_envelope_hash(std::string(kReceiptCiphertextHash));
    } else {
      std::string other = "other-transfer-?";  // 16 bytes
      other.back() = static_cast<char>('a' + i % 26);
      e.set_transfer_id(other);
      e.set_envelope_hash(std::string(32, static_cast<char>('A' + i % 26)));
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

// A receipt whose proof puts entry `index` in a head of `head_size` signed
// by `signer`; the proof itself is made for `proof_size` (a stale proof when
// it differs).
absl::StatusOr<std::string> Receipt(const crypto::SecretIdentity& recipient,
                                    const crypto::SecretIdentity& signer,
                                    uint64_t index, uint64_t head_size,
                                    uint64_t proof_size, uint64_t ours) {
  const std::vector<v1::LogEntry> entries =
      RecipientLog(recipient.agency_id(), head_size, ours);
  al::InMemorySubtreeHashes tree;
  for (const v1::LogEntry& e : entries) {
    RETURN_IF_ERROR(dl::ValidateEntry(e));
    RETURN_IF_ERROR(tree.AppendLeafHash(al::LeafHash(dl::EncodeLeaf(e))));
  }
  ASSIGN_OR_RETURN(std::string root, al::RootHash(tree, head_size));
  ASSIGN_OR_RETURN(std::vector<std::string> hashes,
                   al::InclusionProof(tree, index, proof_size));
  v1::DeliveryReceipt receipt;
  receipt.set_ciphertext_hash(std::string(kReceiptCiphertextHash));
  *receipt.mutable_stored_at() = At(kLogStart + 60);
  *receipt.mutable_log_entry() = entries[index];
  ASSIGN_OR_RETURN(
      *receipt.mutable_log_head(),
      dl::SignTreeHead(signer, recipient.agency_id(), head_size, root,
                       absl::FromUnixSeconds(kLogStart + 61)));
  v1::InclusionProof* proof = receipt.mutable_log_inclusion();
  proof->set_leaf_index(index);
  proof->set_tree_size(head_size);
  for (const std::string& h : hashes) proof->add_hashes(h);
  return receipt.SerializeAsString();
}

absl::Status AddReceiptSeeds(const VectorIdentities& ids, Seeds& seeds) {
  const crypto::SecretIdentity& recipient = ids.recipients[0];
  struct Shape {
    const char* name;
    uint64_t index, head_size, proof_size, ours;
    const crypto::SecretIdentity* signer;
  };
  const Shape shapes[] = {
      {"proven_0_of_1", 0, 1, 1, 0, &recipient},
      {"proven_2_of_3", 2, 3, 3, 2, &recipient},
      {"proven_5_of_8", 5, 8, 8, 5, &recipient},
      {"proven_6_of_7", 6, 7, 7, 6, &recipient},
      {"proven_9_of_21", 9, 21, 21, 9, &recipient},
      {"other_transfers_entry", 3, 8, 8, 5, &recipient},
      {"stale_proof", 5, 8, 6, 5, &recipient},
      {"head_signed_by_sender", 5, 8, 8, 5, &ids.sender},
  };
  for (const Shape& s : shapes) {
    ASSIGN_OR_RETURN(seeds[absl::StrCat("receipt_proof/", s.name, ".bin")],
                     Receipt(recipient, *s.signer, s.index, s.head_size,
                             s.proof_size, s.ours));
  }
  v1::DeliveryReceipt bare;  // as a node without a delivery log sends it
  bare.set_ciphertext_hash(std::string(kReceiptCiphertextHash));
  *bare.mutable_stored_at() = At(kLogStart + 60);
  seeds["receipt_proof/no_proof.bin"] = bare.SerializeAsString();
  return absl::OkStatus();
}

// Acknowledgement notices for fuzz_notice, which verifies with the vector
// sender's key, so the sender signs them (in the network the recipient
// does; the verification path is the same).
absl::Status AddAcknowledgementSeeds(const VectorIdentities& ids,
                                     Seeds& seeds) {
  for (const bool alert : {false, true}) {
    v1::Notice notice;
    notice.set_signer_id(ids.sender.agency_id());
    notice.set_addressee_id(ids.recipients[0].agency_id());
    notice.set_transfer_id(std::string(kReceiptTransferId));
    *notice.mutable_issued_at() = At(kLogStart + 3600);
    v1::Acknowledgement* ack = notice.mutable_acknowledgement();
    ack->set_ciphertext_hash(std::string(kReceiptCiphertextHash));
    ack->set_operator_id("control-room 4471");
    *ack->mutable_acknowledged_at() = At(kLogStart + 3590);
    if (alert) ack->set_alert_id("A-00112233445566778899aabbccddeeff");
    ASSIGN_OR_RETURN(v1::SignedNotice signed_notice,
                     notice::SignNotice(ids.sender, notice));
    seeds[alert ? "notice/acknowledgement_alert.bin"
                : "notice/acknowledgement.bin"] =
        signed_notice.SerializeAsString();
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Seal(const crypto::SecretIdentity& sender,
                                 const crypto::SecretIdentity& recipient,
                                 absl::string_view plaintext,
                                 int64_t created_at) {
  vectors::ResetDeterministicRandom();
  FakeClock clock(absl::FromUnixSeconds(created_at));
  crypto::SealOptions options = vectors::VectorSealOptions();
  options.clock = &clock;
  StringSink sink;
  ASSIGN_OR_RETURN(auto sealer,
                   crypto::EnvelopeSealer::Create(
                       sender, {recipient.public_identity()}, options, &sink));
  RETURN_IF_ERROR(sealer->Write(plaintext));
  RETURN_IF_ERROR(sealer->Finish().status());
  return sink.data();
}

// Envelopes fuzz_envelope_open reads as recipients[0] expecting the vector
// sender at the vector's time: valid shapes and each way one can fail.
absl::Status AddEnvelopeSeeds(const VectorIdentities& ids, Seeds& seeds) {
  const crypto::SecretIdentity& me = ids.recipients[0];
  const std::string text = vectors::VectorPlaintext();
  auto add = [&](const char* name, absl::StatusOr<std::string> made) {
    if (made.ok()) seeds[absl::StrCat("envelope_open/", name, ".bin")] = *made;
    return made.status();
  };
  RETURN_IF_ERROR(add("empty", Seal(ids.sender, me, "", kLogStart)));
  RETURN_IF_ERROR(add("one_full_chunk",
                      Seal(ids.sender, me, text.substr(0, 1024), kLogStart)));
  RETURN_IF_ERROR(add("to_another_recipient",
                      Seal(ids.sender, ids.recipients[1], text, kLogStart)));
  RETURN_IF_ERROR(add("signed_by_another_agency",
                      Seal(ids.recipients[1], me, text, kLogStart)));
  RETURN_IF_ERROR(
      add("expired", Seal(ids.sender, me, text, kLogStart - 6 * 24 * 3600)));
  RETURN_IF_ERROR(add("created_in_the_future",
                      Seal(ids.sender, me, text, kLogStart + 3600)));
  ASSIGN_OR_RETURN(std::string whole, Seal(ids.sender, me, text, kLogStart));
  seeds["envelope_open/truncated_last_chunk.bin"] =
      whole.substr(0, whole.size() - 100);
  std::string flipped = whole;
  flipped[flipped.size() - 40] ^= 0x01;
  seeds["envelope_open/flipped_last_chunk.bin"] = flipped;
  return absl::OkStatus();
}

absl::StatusOr<Seeds> MakeSeeds() {
  vectors::InstallDeterministicRandom();
  if (sodium_init() < 0) return absl::InternalError("sodium_init failed");
  ASSIGN_OR_RETURN(VectorIdentities ids, vectors::MakeIdentities());
  Seeds seeds;
  RETURN_IF_ERROR(AddReceiptSeeds(ids, seeds));
  RETURN_IF_ERROR(AddAcknowledgementSeeds(ids, seeds));
  RETURN_IF_ERROR(AddEnvelopeSeeds(ids, seeds));
  return seeds;
}

int Run(const std::string& mode, const std::string& dir) {
  absl::StatusOr<Seeds> seeds = MakeSeeds();
  if (!seeds.ok()) {
    std::fprintf(stderr, "fuzz_make_seeds: %s\n",
                 seeds.status().ToString().c_str());
    return 1;
  }
  int stale = 0;
  for (const auto& [name, bytes] : *seeds) {
    const std::string path = absl::StrCat(dir, "/", name);
    if (mode == "--write") {
      std::filesystem::create_directories(
          std::filesystem::path(path).parent_path());
      absl::Status written = WriteFileAtomically(path, bytes, 0644);
      if (!written.ok()) {
        std::fprintf(stderr, "fuzz_make_seeds: %s\n",
                     written.ToString().c_str());
        return 1;
      }
      continue;
    }
    absl::StatusOr<std::string> committed =
        ReadFileBounded(path, kMaxSeedBytes);
    if (!committed.ok() || *committed != bytes) {
      std::fprintf(stderr,
                   "fuzz_make_seeds: %s is missing or stale; regenerate with "
                   "fuzz_make_seeds --write tests/fuzz/corpus\n",
                   path.c_str());
      ++stale;
    }
  }
  std::printf("%zu seeds %s\n", seeds->size(),
              mode == "--write" ? "written" : (stale ? "checked" : "current"));
  return stale == 0 ? 0 : 1;
}

}  // namespace
}  // namespace handover::fuzz

int main(int argc, char** argv) {
  if (argc != 3 || (std::string(argv[1]) != "--write" &&
                    std::string(argv[1]) != "--check")) {
    std::fprintf(stderr,
                 "usage: fuzz_make_seeds --write|--check tests/fuzz/corpus\n");
    return 2;
  }
  return handover::fuzz::Run(argv[1], argv[2]);
}
