#include "harness/test_data.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace handover::integration {
namespace {

constexpr size_t kChunk = 1 << 20;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

MdCtx NewSha256() {
  MdCtx ctx(EVP_MD_CTX_new());
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  return ctx;
}

std::string FinishHex(EVP_MD_CTX* ctx) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(ctx, digest, &size);
  return ToHex(absl::string_view(reinterpret_cast<const char*>(digest), size));
}

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::InternalError(
      absl::StrCat(what, " ", path, ": ", strerror(errno)));
}

}  // namespace

handover::v1::CaseBundle MinimalBundle(absl::string_view reference) {
  handover::v1::CaseBundle bundle;
  auto* metadata = bundle.mutable_metadata();
  metadata->set_schema_version(1);
  metadata->set_source_system("integration test case system");
  metadata->set_sender_reference(std::string(reference));
  metadata->mutable_created_time()->set_seconds(1710754200);  // 2024-03-18
  bundle.mutable_identity()->set_given_names("Sample");
  bundle.mutable_identity()->set_family_name("Child");
  return bundle;
}

absl::Status WriteTestFile(const std::string& path, uint64_t size,
                           uint64_t seed) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return Errno("open", path);
  std::mt19937_64 random(seed);
  std::vector<uint64_t> words(kChunk / sizeof(uint64_t));
  uint64_t left = size;
  while (left > 0) {
    for (uint64_t& w : words) w = random();
    const size_t n = left < kChunk ? static_cast<size_t>(left) : kChunk;
    const char* p = reinterpret_cast<const char*>(words.data());
    size_t done = 0;
    while (done < n) {
      const ssize_t w = write(fd, p + done, n - done);
      if (w < 0) {
        if (errno == EINTR) continue;
        const absl::Status s = Errno("write", path);
        close(fd);
        return s;
      }
      done += static_cast<size_t>(w);
    }
    left -= n;
  }
  if (close(fd) != 0) return Errno("close", path);
  return absl::OkStatus();
}

absl::StatusOr<std::string> Sha256OfFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY);
  if (fd < 0) return Errno("open", path);
  MdCtx ctx = NewSha256();
  std::vector<char> buffer(kChunk);
  while (true) {
    const ssize_t n = read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      const absl::Status s = Errno("read", path);
      close(fd);
      return s;
    }
    if (n == 0) break;
    EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<size_t>(n));
  }
  close(fd);
  return FinishHex(ctx.get());
}

std::string Sha256Hex(absl::string_view bytes) {
  MdCtx ctx = NewSha256();
  EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size());
  return FinishHex(ctx.get());
}

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()),
             static_cast<int>(raw.size()));
  return ToHex(raw);
}

std::string ToHex(absl::string_view bytes) {
  return absl::BytesToHexString(bytes);
}

absl::StatusOr<std::string> FromHex(absl::string_view hex) {
  if (hex.size() % 2 != 0) {
    return absl::InvalidArgumentError("hex of odd length");
  }
  for (char c : hex) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError("not hex");
    }
  }
  return absl::HexStringToBytes(hex);
}

}  // namespace handover::integration
