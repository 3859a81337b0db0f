#include "vector_recipe.h"

#include <sodium.h>

#include <cstring>

#include "common/byte_stream.h"
#include "common/clock.h"
#include "common/status_macros.h"

namespace handover::vectors {
namespace {

uint64_t g_counter = 0;

// Each request is served from a fresh ChaCha20 stream keyed by a fixed seed
// with the request number in its first bytes.
void DeterministicBuf(void* const buf, const size_t size) {
  unsigned char seed[randombytes_SEEDBYTES];
  std::memset(seed, 0xA5, sizeof seed);
  std::memcpy(seed, &g_counter, sizeof g_counter);
  ++g_counter;
  randombytes_buf_deterministic(buf, size, seed);
}

uint32_t DeterministicRandom() {
  uint32_t v;
  DeterministicBuf(&v, sizeof v);
  return v;
}

const char* Name() { return "handover-test-vectors"; }

randombytes_implementation g_impl = {Name,    DeterministicRandom, nullptr,
                                     nullptr, DeterministicBuf,    nullptr};

absl::StatusOr<crypto::SecretIdentity> SeededIdentity(const std::string& id,
                                                      unsigned char seed_byte) {
  unsigned char seed[32];
  std::memset(seed, seed_byte, sizeof seed);
  unsigned char sign_pk[32], sign_sk[64], box_pk[32], box_sk[32];
  crypto_sign_seed_keypair(sign_pk, sign_sk, seed);
  seed[0] ^= 0xFF;  // the encryption seed differs from the signing seed
  crypto_box_seed_keypair(box_pk, box_sk, seed);
  return crypto::SecretIdentity::FromSecretKeys(
      id, std::string(reinterpret_cast<char*>(sign_sk), sizeof sign_sk),
      std::string(reinterpret_cast<char*>(box_sk), sizeof box_sk));
}

}  // namespace

void InstallDeterministicRandom() { randombytes_set_implementation(&g_impl); }

void ResetDeterministicRandom() { g_counter = 0; }

absl::StatusOr<VectorIdentities> MakeIdentities() {
  ASSIGN_OR_RETURN(crypto::SecretIdentity sender,
                   SeededIdentity("stockport-cs", 0x01));
  ASSIGN_OR_RETURN(crypto::SecretIdentity r1,
                   SeededIdentity("birmingham-cs", 0x02));
  ASSIGN_OR_RETURN(crypto::SecretIdentity r2,
                   SeededIdentity("west-midlands-police", 0x03));
  VectorIdentities ids{std::move(sender), {}};
  ids.recipients.push_back(std::move(r1));
  ids.recipients.push_back(std::move(r2));
  return ids;
}

std::string VectorPlaintext() {
  std::string out;
  while (out.size() < 2500) out += "Handover test vector. ";
  out.resize(2500);
  return out;
}

crypto::SealOptions VectorSealOptions() {
  crypto::SealOptions options;
  options.transfer_id = std::string("0123456789abcdef");
  static const FakeClock* clock =
      new FakeClock(absl::FromUnixSeconds(1798761600));  // 2027-01-01Z
  options.clock = clock;
  options.time_to_live = absl::Hours(24 * 5);
  options.chunk_size = 1024;
  return options;
}

absl::StatusOr<std::string> SealVector(const VectorIdentities& ids) {
  std::vector<crypto::PublicIdentity> to;
  for (const auto& r : ids.recipients) to.push_back(r.public_identity());
  StringSink sink;
  ASSIGN_OR_RETURN(auto sealer,
                   crypto::EnvelopeSealer::Create(ids.sender, to,
                                                  VectorSealOptions(), &sink));
  RETURN_IF_ERROR(sealer->Write(VectorPlaintext()));
  RETURN_IF_ERROR(sealer->Finish().status());
  return sink.data();
}

}  // namespace handover::vectors
