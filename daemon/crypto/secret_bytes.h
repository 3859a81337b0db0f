// SecretBytes holds key material in sodium_malloc memory (guard pages, locked
// where the OS allows) and wipes it when destroyed. Move-only; not
// thread-safe. Compare with ConstantTimeEquals, never with memcmp.
#ifndef HANDOVER_CRYPTO_SECRET_BYTES_H_
#define HANDOVER_CRYPTO_SECRET_BYTES_H_

#include <cstddef>

#include "absl/strings/string_view.h"

namespace handover::crypto {

class SecretBytes {
 public:
  // Allocates `size` zeroed bytes. Aborts if memory cannot be had, as a
  // process that cannot hold its keys cannot continue safely.
  explicit SecretBytes(size_t size);
  ~SecretBytes();
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  unsigned char* data() { return data_; }
  const unsigned char* data() const { return data_; }
  size_t size() const { return size_; }
  absl::string_view view() const {
    return {reinterpret_cast<const char*>(data_), size_};
  }

 private:
  unsigned char* data_;
  size_t size_;
};

// True when the two buffers have the same length and content; the time taken
// does not depend on where they differ.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

// Overwrites `n` bytes at `p` with zeros in a way the compiler keeps.
void Wipe(void* p, size_t n);

}  // namespace handover::crypto

#endif  // HANDOVER_CRYPTO_SECRET_BYTES_H_
