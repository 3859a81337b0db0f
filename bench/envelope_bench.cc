// Seal and open throughput of the sealed envelope beside raw libsodium
// crypto_secretstream_xchacha20poly1305 over the same bytes in the same run.
//
// Benchmarks are named OP/VARIANT/SIZE:
//   seal/envelope           EnvelopeSealer into a sink that counts and
//                           discards bytes, so no memory or disk speed enters
//   seal/raw_secretstream   init_push + push in 64 KiB chunks: the baseline
//   seal/raw_secretstream+blake2b
//                           the baseline plus BLAKE2b over the ciphertext,
//                           which the envelope needs for its signed
//                           ciphertext hash (shows where the gap goes)
//   open/envelope           EnvelopeOpener over an envelope sealed once into
//                           memory in set-up, read from a StringSource
//   open/raw_secretstream   init_pull + pull of the same 64 KiB chunks
//   open/raw_secretstream+blake2b
//   seal_file/envelope      EnvelopeSealer into an AtomicFile, committed
//                           (fsync, rename, directory fsync)
//   seal_file/raw_write_fsync
//                           the same number of bytes written in 64 KiB
//                           pieces, with the same fsync, rename and
//                           directory fsync, and no cryptography
//
// After the usual table the program prints each envelope figure as a share
// of its baseline at the same size (the median when --benchmark_repetitions
// is above 1). seal_file writes under $HANDOVER_BENCH_DIR, or the system
// temporary directory; point it at a real disk, not a tmpfs.
#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "common/byte_stream.h"
#include "common/clock.h"
#include "common/file_util.h"
#include "crypto/identity.h"
#include "crypto/opener.h"
#include "crypto/sealer.h"
#include "crypto/sodium_util.h"

namespace handover::bench {
namespace {

namespace fs = std::filesystem;

constexpr size_t kChunk = 64 * 1024;  // the envelope's default chunk size
constexpr size_t kHashBytes = 32;     // the envelope's ciphertext hash
using StreamState = crypto_secretstream_xchacha20poly1305_state;
constexpr size_t kStreamHeaderBytes =
    crypto_secretstream_xchacha20poly1305_HEADERBYTES;
constexpr size_t kStreamABytes = crypto_secretstream_xchacha20poly1305_ABYTES;

// A ByteSink that counts bytes and throws them away. WriteAt is checked
// against what was appended, as a file would be, so the sealer's in-place
// header write is exercised but costs nothing.
class CountingSink final : public ByteSink {
 public:
  absl::Status Append(absl::string_view data) override {
    benchmark::DoNotOptimize(data.data());
    count_ += data.size();
    return absl::OkStatus();
  }
  absl::Status WriteAt(uint64_t offset, absl::string_view data) override {
    if (offset > count_ || data.size() > count_ - offset) {
      return absl::OutOfRangeError("WriteAt past the end of the sink");
    }
    benchmark::DoNotOptimize(data.data());
    return absl::OkStatus();
  }
  uint64_t count() const { return count_; }

 private:
  uint64_t count_ = 0;
};

// Fixed inputs, made once and shared by every benchmark.
struct Fixture {
  crypto::SecretIdentity sender;
  crypto::SecretIdentity recipient;
  std::vector<crypto::PublicIdentity> recipients;
  unsigned char raw_key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
  std::map<size_t, std::string> payloads;
  std::map<size_t, std::string> envelopes;
  std::map<size_t, std::string> raw_ciphertexts;  // header || chunks
};

Fixture* fixture = nullptr;

const absl::Time kCreatedAt = absl::FromUnixSeconds(1700000000);

crypto::SealOptions BenchSealOptions() {
  crypto::SealOptions options;
  static const FakeClock clock(kCreatedAt);
  options.clock = &clock;
  return options;
}

void Check(const absl::Status& status, absl::string_view what) {
  if (!status.ok()) {
    std::fprintf(stderr, "envelope_bench: %s: %s\n", std::string(what).c_str(),
                 status.ToString().c_str());
    std::abort();
  }
}

// The same bytes every run: a fixed-seed libsodium stream.
const std::string& Payload(size_t size) {
  auto [it, added] = fixture->payloads.try_emplace(size);
  if (added) {
    unsigned char seed[randombytes_SEEDBYTES] = {'h', 'a', 'n', 'd', 'o', 'v'};
    it->second.resize(size);
    randombytes_buf_deterministic(it->second.data(), size, seed);
  }
  return it->second;
}

// Seals `plaintext` into `sink`, fed in 64 KiB writes as a file reader would.
absl::Status SealInto(absl::string_view plaintext, ByteSink* sink) {
  auto sealer = crypto::EnvelopeSealer::Create(
      fixture->sender, fixture->recipients, BenchSealOptions(), sink);
  if (!sealer.ok()) return sealer.status();
  for (size_t off = 0; off < plaintext.size(); off += kChunk) {
    absl::Status s = (*sealer)->Write(plaintext.substr(off, kChunk));
    if (!s.ok()) return s;
  }
  return (*sealer)->Finish().status();
}

const std::string& Envelope(size_t size) {
  auto [it, added] = fixture->envelopes.try_emplace(size);
  if (added) {
    StringSink sink;
    Check(SealInto(Payload(size), &sink), "seal in set-up");
    it->second = std::move(sink.mutable_data());
  }
  return it->second;
}

// Pushes `plaintext` through raw secretstream in 64 KiB chunks, handing each
// chunk's ciphertext to `emit`; the last chunk carries TAG_FINAL.
template <typename Emit>
void RawPush(absl::string_view plaintext, Emit&& emit) {
  StreamState st;
  unsigned char header[kStreamHeaderBytes];
  crypto_secretstream_xchacha20poly1305_init_push(&st, header,
                                                  fixture->raw_key);
  emit(header, sizeof header);
  unsigned char out[kChunk + kStreamABytes];
  size_t off = 0;
  do {
    const size_t n = std::min(kChunk, plaintext.size() - off);
    const bool last = off + n == plaintext.size();
    unsigned long long out_len = 0;
    crypto_secretstream_xchacha20poly1305_push(
        &st, out, &out_len,
        reinterpret_cast<const unsigned char*>(plaintext.data() + off), n,
        nullptr, 0,
        last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
             : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
    emit(out, static_cast<size_t>(out_len));
    off += n;
  } while (off < plaintext.size());
}

const std::string& RawCiphertext(size_t size) {
  auto [it, added] = fixture->raw_ciphertexts.try_emplace(size);
  if (added) {
    std::string& out = it->second;
    out.reserve(size + kStreamHeaderBytes +
                (size / kChunk + 1) * kStreamABytes);
    RawPush(Payload(size), [&out](const unsigned char* p, size_t n) {
      out.append(reinterpret_cast<const char*>(p), n);
    });
  }
  return it->second;
}

void SetBytes(benchmark::State& state, size_t size) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(size));
}

void BM_SealEnvelope(benchmark::State& state, size_t size) {
  const std::string& plaintext = Payload(size);
  for (auto _ : state) {
    CountingSink sink;
    Check(SealInto(plaintext, &sink), "seal");
    benchmark::DoNotOptimize(sink.count());
  }
  SetBytes(state, size);
}

void BM_SealRaw(benchmark::State& state, size_t size, bool hash) {
  const std::string& plaintext = Payload(size);
  for (auto _ : state) {
    crypto_generichash_state h;
    if (hash) crypto_generichash_init(&h, nullptr, 0, kHashBytes);
    RawPush(plaintext, [&](const unsigned char* p, size_t n) {
      if (hash) crypto_generichash_update(&h, p, n);
      benchmark::DoNotOptimize(p);
      benchmark::ClobberMemory();
    });
    if (hash) {
      unsigned char digest[kHashBytes];
      crypto_generichash_final(&h, digest, sizeof digest);
      benchmark::DoNotOptimize(digest);
    }
  }
  SetBytes(state, size);
}

void BM_OpenEnvelope(benchmark::State& state, size_t size) {
  const std::string& envelope = Envelope(size);
  const FakeClock clock(kCreatedAt + absl::Hours(1));
  crypto::OpenOptions options;
  options.clock = &clock;
  std::string plaintext;
  for (auto _ : state) {
    StringSource source(envelope);
    auto opener = crypto::EnvelopeOpener::Open(
        &source, fixture->recipient, fixture->sender.public_identity(),
        options);
    Check(opener.status(), "open");
    uint64_t total = 0;
    for (;;) {
      absl::StatusOr<bool> last = (*opener)->Next(&plaintext);
      Check(last.status(), "open chunk");
      total += plaintext.size();
      benchmark::DoNotOptimize(plaintext.data());
      if (*last) break;
    }
    if (total != size) Check(absl::DataLossError("short plaintext"), "open");
  }
  SetBytes(state, size);
}

void BM_OpenRaw(benchmark::State& state, size_t size, bool hash) {
  const std::string& ciphertext = RawCiphertext(size);
  const auto* in = reinterpret_cast<const unsigned char*>(ciphertext.data());
  std::vector<unsigned char> out(kChunk);
  for (auto _ : state) {
    StreamState st;
    crypto_generichash_state h;
    if (hash) {
      crypto_generichash_init(&h, nullptr, 0, kHashBytes);
      crypto_generichash_update(&h, in, kStreamHeaderBytes);
    }
    if (crypto_secretstream_xchacha20poly1305_init_pull(
            &st, in, fixture->raw_key) != 0) {
      Check(absl::DataLossError("bad header"), "raw pull");
    }
    size_t off = kStreamHeaderBytes;
    unsigned char tag = 0;
    do {
      const size_t n =
          std::min(kChunk + kStreamABytes, ciphertext.size() - off);
      if (hash) crypto_generichash_update(&h, in + off, n);
      if (crypto_secretstream_xchacha20poly1305_pull(
              &st, out.data(), nullptr, &tag, in + off, n, nullptr, 0) != 0) {
        Check(absl::DataLossError("chunk fails authentication"), "raw pull");
      }
      benchmark::DoNotOptimize(out.data());
      benchmark::ClobberMemory();
      off += n;
    } while (off < ciphertext.size());
    if (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
      Check(absl::DataLossError("no final tag"), "raw pull");
    }
    if (hash) {
      unsigned char digest[kHashBytes];
      crypto_generichash_final(&h, digest, sizeof digest);
      benchmark::DoNotOptimize(digest);
    }
  }
  SetBytes(state, size);
}

fs::path BenchDir() {
  static const fs::path* dir = [] {
    const char* env = std::getenv("HANDOVER_BENCH_DIR");
    fs::path base = env != nullptr && *env != '\0' ? fs::path(env)
                                                   : fs::temp_directory_path();
    auto* d = new fs::path(base / absl::StrCat("handover-bench-", getpid()));
    fs::create_directories(*d);
    return d;
  }();
  return *dir;
}

void BM_SealFileEnvelope(benchmark::State& state, size_t size) {
  const std::string& plaintext = Payload(size);
  const std::string path = (BenchDir() / "sealed.env").string();
  for (auto _ : state) {
    auto file = AtomicFile::Create(path, 0600);
    Check(file.status(), "create file");
    Check(SealInto(plaintext, file->get()), "seal to file");
    Check((*file)->Commit(), "commit");
  }
  SetBytes(state, size);
}

void BM_SealFileRaw(benchmark::State& state, size_t size) {
  // Same bytes as the envelope, same write pattern, no cryptography.
  const std::string& bytes = Envelope(size);
  const std::string dir = BenchDir().string();
  const std::string temp = (BenchDir() / ".raw.tmp").string();
  const std::string path = (BenchDir() / "raw.bin").string();
  for (auto _ : state) {
    int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) Check(absl::InternalError("open"), temp);
    for (size_t off = 0; off < bytes.size();) {
      const size_t n = std::min(kChunk, bytes.size() - off);
      ssize_t w = write(fd, bytes.data() + off, n);
      if (w <= 0) Check(absl::InternalError("write"), temp);
      off += static_cast<size_t>(w);
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
      Check(absl::InternalError("fsync/close"), temp);
    }
    if (rename(temp.c_str(), path.c_str()) != 0) {
      Check(absl::InternalError("rename"), path);
    }
    int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || fsync(dfd) != 0) Check(absl::InternalError("fsync"), dir);
    close(dfd);
  }
  SetBytes(state, size);
}

std::string SizeName(size_t size) {
  if (size >= (1u << 20)) return absl::StrCat(size >> 20, "MiB");
  return absl::StrCat(size >> 10, "KiB");
}

// Caps the iterations for the big size so the whole run stays short.
void Tune(benchmark::internal::Benchmark* b, size_t size) {
  b->Unit(size >= (64u << 20) ? benchmark::kMillisecond
                              : benchmark::kMicrosecond);
  if (size >= (64u << 20)) b->Iterations(3);
}

void RegisterAll() {
  for (size_t size : {size_t{1} << 10, size_t{1} << 20, size_t{256} << 20}) {
    const std::string s = SizeName(size);
    Tune(benchmark::RegisterBenchmark(("seal/envelope/" + s).c_str(),
                                      BM_SealEnvelope, size),
         size);
    Tune(benchmark::RegisterBenchmark(("seal/raw_secretstream/" + s).c_str(),
                                      BM_SealRaw, size, false),
         size);
    Tune(benchmark::RegisterBenchmark(
             ("seal/raw_secretstream+blake2b/" + s).c_str(), BM_SealRaw, size,
             true),
         size);
    Tune(benchmark::RegisterBenchmark(("open/envelope/" + s).c_str(),
                                      BM_OpenEnvelope, size),
         size);
    Tune(benchmark::RegisterBenchmark(("open/raw_secretstream/" + s).c_str(),
                                      BM_OpenRaw, size, false),
         size);
    Tune(benchmark::RegisterBenchmark(
             ("open/raw_secretstream+blake2b/" + s).c_str(), BM_OpenRaw, size,
             true),
         size);
  }
  const size_t file_size = size_t{1} << 20;
  benchmark::RegisterBenchmark(
      ("seal_file/envelope/" + SizeName(file_size)).c_str(),
      BM_SealFileEnvelope, file_size)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark(
      ("seal_file/raw_write_fsync/" + SizeName(file_size)).c_str(),
      BM_SealFileRaw, file_size)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
}

// The console table, then each envelope figure as a share of its baseline.
class RatioReporter final : public benchmark::ConsoleReporter {
 public:
  using benchmark::ConsoleReporter::ConsoleReporter;

  void ReportRuns(const std::vector<Run>& runs) override {
    benchmark::ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const bool median =
          run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      if (run.run_type == Run::RT_Aggregate && !median) continue;
      auto it = run.counters.find("bytes_per_second");
      if (it == run.counters.end()) continue;
      Entry& e = results_[run.run_name.function_name];
      if (median || !e.median) e = {it->second.value, median};
    }
  }

  void Finalize() override {
    std::ostream& out = GetOutputStream();
    struct Row {
      const char* op;
      const char* baseline;
      const char* hashed;  // the baseline plus BLAKE2b, if measured
    };
    const Row rows[] = {
        {"seal", "raw_secretstream", "raw_secretstream+blake2b"},
        {"open", "raw_secretstream", "raw_secretstream+blake2b"},
        {"seal_file", "raw_write_fsync", nullptr}};
    out << "\nEnvelope throughput against the raw baselines, MiB/s (the "
           "median when\nthere are repetitions). Goal: envelope/raw at least "
           "80% from 1 MiB up.\n";
    out << absl::StrFormat("%-10s %-7s %10s %-16s %10s %9s %14s %9s\n", "op",
                           "size", "envelope", "baseline", "raw", "env/raw",
                           "raw+blake2b", "env/that");
    const double mib = 1024.0 * 1024.0;
    for (const char* size : {"1KiB", "1MiB", "256MiB"}) {
      for (const Row& row : rows) {
        const double env = Rate(absl::StrCat(row.op, "/envelope/", size));
        const double raw =
            Rate(absl::StrCat(row.op, "/", row.baseline, "/", size));
        if (env <= 0 || raw <= 0) continue;
        const double hashed =
            row.hashed == nullptr
                ? 0
                : Rate(absl::StrCat(row.op, "/", row.hashed, "/", size));
        out << absl::StrFormat("%-10s %-7s %10.1f %-16s %10.1f %8.1f%%", row.op,
                               size, env / mib, row.baseline, raw / mib,
                               100.0 * env / raw);
        if (hashed > 0) {
          out << absl::StrFormat(" %14.1f %8.1f%%", hashed / mib,
                                 100.0 * env / hashed);
        } else {
          out << absl::StrFormat(" %14s %9s", "-", "-");
        }
        out << "\n";
      }
    }
    out.flush();
  }

 private:
  struct Entry {
    double rate = 0;
    bool median = false;
  };
  double Rate(const std::string& name) const {
    auto it = results_.find(name);
    return it == results_.end() ? 0 : it->second.rate;
  }

  std::map<std::string, Entry> results_;
};

int Main(int argc, char** argv) {
  Check(crypto::InitSodium(), "sodium_init");
  auto sender = crypto::SecretIdentity::Generate("bench-sender");
  auto recipient = crypto::SecretIdentity::Generate("bench-recipient");
  Check(sender.status(), "generate sender");
  Check(recipient.status(), "generate recipient");
  fixture = new Fixture{
      std::move(*sender), std::move(*recipient), {}, {}, {}, {}, {}};
  fixture->recipients.push_back(fixture->recipient.public_identity());
  crypto_secretstream_xchacha20poly1305_keygen(fixture->raw_key);

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RegisterAll();
  RatioReporter reporter(isatty(STDOUT_FILENO)
                             ? benchmark::ConsoleReporter::OO_ColorTabular
                             : benchmark::ConsoleReporter::OO_Tabular);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  std::error_code ec;
  fs::remove_all(BenchDir(), ec);
  return 0;
}

}  // namespace
}  // namespace handover::bench

int main(int argc, char** argv) { return handover::bench::Main(argc, argv); }
