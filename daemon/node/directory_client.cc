#include "node/directory_client.h"

#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "directory/signed_directory.h"
#include "handover/v1/router.grpc.pb.h"
#include "rpc/grpc_status.h"

namespace handover::node {
namespace {

class RouterDirectoryFetcher final : public DirectoryFetcher {
 public:
  RouterDirectoryFetcher(std::shared_ptr<grpc::Channel> channel,
                         absl::Duration timeout)
      : stub_(handover::v1::Router::NewStub(std::move(channel))),
        timeout_(timeout) {}

  absl::StatusOr<std::string> Fetch() override {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
    handover::v1::SignedDirectory response;
    grpc::Status status = stub_->GetDirectory(
        &context, handover::v1::GetDirectoryRequest(), &response);
    if (!status.ok()) return rpc::FromGrpcStatus(status);
    // The signed Directory travels as opaque bytes inside, so serializing
    // the wrapper again changes nothing the signature covers.
    return response.SerializeAsString();
  }

 private:
  const std::unique_ptr<handover::v1::Router::Stub> stub_;
  const absl::Duration timeout_;
};

std::string DirectoryPath(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / kDirectoryFileName).string();
}

}  // namespace

std::unique_ptr<DirectoryFetcher> MakeRouterDirectoryFetcher(
    std::shared_ptr<grpc::Channel> channel, absl::Duration timeout) {
  return std::make_unique<RouterDirectoryFetcher>(std::move(channel), timeout);
}

DirectoryClient::DirectoryClient(DirectoryClientOptions options,
                                 NodeStore* store,
                                 std::unique_ptr<DirectoryFetcher> fetcher)
    : options_(std::move(options)),
      store_(store),
      fetcher_(std::move(fetcher)) {}

absl::StatusOr<std::unique_ptr<DirectoryClient>> DirectoryClient::Create(
    DirectoryClientOptions options, NodeStore* store,
    std::unique_ptr<DirectoryFetcher> fetcher) {
  std::unique_ptr<DirectoryClient> client(
      new DirectoryClient(std::move(options), store, std::move(fetcher)));
  absl::Status loaded = client->LoadPersisted();
  if (absl::IsNotFound(loaded)) {
    spdlog::info("no saved directory yet; waiting for the router's");
  } else if (!loaded.ok()) {
    spdlog::warn("ignoring the saved directory: {}", loaded.ToString());
  }
  // Only a failing store is fatal: without it rollback cannot be refused.
  RETURN_IF_ERROR(store->HighestDirectoryVersion().status());
  return client;
}

DirectoryClient::~DirectoryClient() { Stop(); }

absl::Status DirectoryClient::LoadPersisted() {
  std::string path = DirectoryPath(options_.data_dir);
  if (!std::filesystem::exists(path)) {
    return absl::NotFoundError(absl::StrCat(path, " does not exist"));
  }
  ASSIGN_OR_RETURN(std::string bytes,
                   ReadFileBounded(path, directory::kMaxSignedDirectoryBytes));
  return Adopt(bytes);
}

std::shared_ptr<const directory::DirectoryView> DirectoryClient::Current()
    const {
  absl::MutexLock lock(&mu_);
  return current_;
}

uint64_t DirectoryClient::version() const {
  absl::MutexLock lock(&mu_);
  return current_ == nullptr ? 0 : current_->version();
}

absl::Status DirectoryClient::Refresh() {
  if (fetcher_ == nullptr) {
    return absl::FailedPreconditionError("no directory source configured");
  }
  ASSIGN_OR_RETURN(std::string bytes, fetcher_->Fetch());
  return Adopt(bytes);
}

absl::Status DirectoryClient::Adopt(const std::string& signed_bytes) {
  absl::MutexLock adopt_lock(&adopt_mu_);
  ASSIGN_OR_RETURN(uint64_t highest, store_->HighestDirectoryVersion());
  const uint64_t current = version();
  absl::StatusOr<handover::v1::Directory> verified =
      directory::VerifySignedDirectory(signed_bytes, options_.trust_root,
                                       std::max(highest, current));
  if (absl::IsFailedPrecondition(verified.status())) {
    spdlog::warn(
        "refusing an older directory (rollback), keeping version "
        "{}: {}",
        current, std::string(verified.status().message()));
    if (options_.events != nullptr) {
      options_.events->Record(
          deliverylog::LogEvent(handover::v1::LOG_EVENT_KIND_REJECTED)
              .Actor("directory")
              .Detail(absl::StrCat("older directory refused (rollback): ",
                                   verified.status().message())));
    }
  }
  if (!verified.ok()) return verified.status();
  const uint64_t fetched = verified->version();
  if (fetched == current && current != 0) return absl::OkStatus();

  ASSIGN_OR_RETURN(std::unique_ptr<directory::DirectoryView> view,
                   directory::DirectoryView::Create(*std::move(verified)));
  // Persist before publishing, and record the version before trusting it,
  // so a crash can never leave us accepting something older.
  RETURN_IF_ERROR(WriteFileAtomically(DirectoryPath(options_.data_dir),
                                      signed_bytes, 0644));
  RETURN_IF_ERROR(store_->RecordDirectoryVersion(fetched));
  std::shared_ptr<const directory::DirectoryView> adopted = std::move(view);
  {
    absl::MutexLock lock(&mu_);
    current_ = adopted;
  }
  spdlog::info("directory version {} verified and in use", fetched);
  if (options_.on_adopted) {
    // Not fatal: the next adoption (at the latest the next start) retries.
    if (absl::Status s = options_.on_adopted(*adopted); !s.ok()) {
      spdlog::error("recall for directory version {} failed: {}", fetched,
                    s.ToString());
    }
  }
  // Logged once per version: a restart that loads the saved directory (or
  // fetches the same one again) adopts nothing new.
  if (options_.events != nullptr && fetched > highest) {
    options_.events->Record(
        deliverylog::LogEvent(handover::v1::LOG_EVENT_KIND_DIRECTORY_UPDATED)
            .Actor("directory")
            .Detail(absl::StrCat("version ", fetched)));
  }
  return absl::OkStatus();
}

void DirectoryClient::Start() {
  absl::MutexLock lock(&mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Run(); });
}

void DirectoryClient::RequestRefresh() {
  absl::MutexLock lock(&mu_);
  refresh_requested_ = true;
}

void DirectoryClient::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void DirectoryClient::Run() {
  // After a failed fetch, try again soon (doubling up to the interval): a
  // node that starts before the router should not wait a whole interval.
  absl::Duration retry = options_.failure_retry;
  while (true) {
    absl::Status refreshed = Refresh();
    absl::Duration wait = options_.refresh_interval;
    if (refreshed.ok() || absl::IsFailedPrecondition(refreshed)) {
      retry = options_.failure_retry;  // a rollback was logged by Adopt
    } else {
      spdlog::warn("directory refresh failed: {}", refreshed.ToString());
      wait = std::min(retry, options_.refresh_interval);
      retry = std::min(retry * 2, options_.refresh_interval);
    }
    absl::MutexLock lock(&mu_);
    auto woken = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return stopping_ || refresh_requested_;
    };
    mu_.AwaitWithTimeout(absl::Condition(&woken), wait);
    if (stopping_) return;
    refresh_requested_ = false;
  }
}

}  // namespace handover::node
