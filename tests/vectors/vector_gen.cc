// Regenerates tests/vectors/v1/ from the recipe. Run only when the format
// changes on purpose: `handover_vector_gen tests/vectors/v1`.
#include <sodium.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "common/byte_stream.h"
#include "common/file_util.h"
#include "crypto/key_file.h"
#include "crypto/opener.h"
#include "vector_recipe.h"

namespace handover::vectors {
namespace {

std::string Hex(absl::string_view s) { return crypto::ToHex(s); }

int Generate(const std::string& dir) {
  InstallDeterministicRandom();
  if (sodium_init() < 0) return 1;
  auto ids = MakeIdentities();
  if (!ids.ok()) return 1;
  ResetDeterministicRandom();
  auto envelope = SealVector(*ids);
  if (!envelope.ok()) {
    std::cerr << envelope.status() << "\n";
    return 1;
  }
  StringSource source(*envelope);
  auto head = crypto::ReadEnvelopeHead(&source);
  if (!head.ok()) return 1;

  auto write = [&](const std::string& name, absl::string_view data) {
    auto s = WriteFileAtomically(dir + "/" + name, data, 0644);
    if (!s.ok()) std::cerr << s << "\n";
  };
  write("envelope.bin", *envelope);
  write("plaintext.bin", VectorPlaintext());
  write("stockport-cs.public.key",
        crypto::EncodePublicKeyFile(ids->sender.public_identity()));
  std::string text = absl::StrCat(
      "# Handover envelope format v1 test vector (TEST KEYS ONLY).\n",
      "# Keys come from fixed seeds: signing seed = 32 bytes of S, "
      "encryption\n",
      "# seed = the same with its first byte XOR 0xff "
      "(crypto_sign_seed_keypair,\n",
      "# crypto_box_seed_keypair). S = 01 sender, 02 and 03 recipients.\n",
      "created_at: 1798761600\nexpires_at: ", head->header.expires_at, "\n",
      "transfer_id: ", Hex(head->header.transfer_id), "\n",
      "chunk_size: 1024\nplaintext_size: 2500\n",
      "sender_sign_pk: ", Hex(ids->sender.public_identity().sign_public_key),
      "\n", "sender_key_id: ", Hex(head->header.sender_key_id), "\n");
  for (size_t i = 0; i < ids->recipients.size(); ++i) {
    const auto& r = ids->recipients[i];
    write(r.agency_id() + ".secret.key", crypto::EncodeSecretKeyFile(r).view());
    write(r.agency_id() + ".public.key",
          crypto::EncodePublicKeyFile(r.public_identity()));
    unsigned char key[32];
    if (crypto_box_seal_open(key,
                             reinterpret_cast<const unsigned char*>(
                                 head->wrapped_keys[i].data()),
                             80,
                             reinterpret_cast<const unsigned char*>(
                                 r.public_identity().box_public_key.data()),
                             r.box_secret_key().data()) != 0) {
      std::cerr << "wrapped key does not open\n";
      return 1;
    }
    absl::StrAppend(
        &text, "recipient_", i, ": ", r.agency_id(), "\n", "recipient_", i,
        "_box_pk: ", Hex(r.public_identity().box_public_key), "\n",
        "recipient_", i, "_box_key_id: ", Hex(r.public_identity().box_key_id()),
        "\n", "recipient_", i, "_wrapped_key: ", Hex(head->wrapped_keys[i]),
        "\n");
    if (i == 0) {
      absl::StrAppend(&text, "content_key: ",
                      Hex(absl::string_view(reinterpret_cast<char*>(key), 32)),
                      "\n");
    }
  }
  absl::StrAppend(&text, "key_commitment: ", Hex(head->header.key_commitment),
                  "\n", "ciphertext_hash: ", Hex(head->header.ciphertext_hash),
                  "\n", "signed_header: ", Hex(head->signed_header), "\n",
                  "signature: ", Hex(head->signature), "\n", "stream_header: ",
                  Hex(absl::string_view(*envelope).substr(
                      head->header.CiphertextOffset(), 24)),
                  "\n", "envelope_size: ", envelope->size(), "\n");
  write("vector.txt", text);
  std::cout << "wrote " << dir << "\n";
  return 0;
}

}  // namespace
}  // namespace handover::vectors

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: handover_vector_gen OUTPUT_DIR\n";
    return 2;
  }
  return handover::vectors::Generate(argv[1]);
}
