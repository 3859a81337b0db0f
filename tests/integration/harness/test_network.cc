#include "harness/test_network.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "crypto/key_file.h"
#include "gtest/gtest.h"
#include "harness/directory_builder.h"
#include "harness/test_data.h"
#include "harness/test_paths.h"
#include "notice/notice_signing.h"
#include "rpc/tls_credentials.h"
#include "tls/certificate.h"

namespace handover::integration {
namespace {

namespace fs = std::filesystem;
namespace v1 = handover::v1;

constexpr int kLogLinesOnFailure = 120;

// Short retry waits, so that a restart is noticed within a second.
constexpr char kRetryToml[] =
    "[retry]\n"
    "initial_backoff = \"100ms\"\n"
    "max_backoff = \"500ms\"\n"
    "multiplier = 2.0\n";

std::string Quoted(absl::string_view s) { return absl::StrCat("\"", s, "\""); }

// The [node] line for `dirs`, or nothing when there are none.
std::string PreviousKeyDirsLine(const std::vector<std::string>& dirs) {
  if (dirs.empty()) return "";
  std::vector<std::string> quoted;
  for (const std::string& dir : dirs) quoted.push_back(Quoted(dir));
  return absl::StrCat("previous_key_dirs = [", absl::StrJoin(quoted, ", "),
                      "]\n");
}

v1::AgencyKind KindOf(absl::string_view id) {
  if (id == kRouterId) return v1::AGENCY_KIND_OTHER;
  if (absl::StrContains(id, "police")) return v1::AGENCY_KIND_POLICE_FORCE;
  if (absl::StrContains(id, "health")) return v1::AGENCY_KIND_HEALTH_TEAM;
  return v1::AGENCY_KIND_LOCAL_AUTHORITY_CHILDRENS_SERVICES;
}

// Stockport and Greater Manchester in E08000007, Birmingham and the West
// Midlands in E08000025.
std::vector<std::string> AreasOf(absl::string_view id) {
  if (id == kRouterId) return {};
  if (absl::StartsWith(id, "birmingham") || absl::StartsWith(id, "west")) {
    return {"E08000025"};
  }
  return {"E08000007"};
}

absl::Status MakeTestRoot(std::string* root) {
  const char* base = std::getenv("TMPDIR");
  std::string templ = std::string(base && *base ? base : "/tmp") +
                      "/handover-integration-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) {
    return absl::InternalError("mkdtemp failed");
  }
  *root = templ;
  return absl::OkStatus();
}

}  // namespace

const char* RoleName(Role role) {
  switch (role) {
    case Role::kSubmitter:
      return "submitter";
    case Role::kReceiver:
      return "receiver";
    case Role::kAlertOperator:
      return "alert-operator";
    case Role::kAdmin:
      return "admin";
  }
  return "?";
}

absl::Duration TestNetwork::CallTimeout() { return Scaled(absl::Seconds(60)); }

TestNetwork::TestNetwork(NetworkOptions options, std::string root)
    : options_(std::move(options)), root_(std::move(root)) {}

absl::StatusOr<std::unique_ptr<TestNetwork>> TestNetwork::Create(
    NetworkOptions options) {
  std::string root;
  RETURN_IF_ERROR(MakeTestRoot(&root));
  std::unique_ptr<TestNetwork> network(
      new TestNetwork(std::move(options), root));
  RETURN_IF_ERROR(network->Build());
  return network;
}

TestNetwork::~TestNetwork() {
  std::vector<DaemonProcess*> all;
  if (router_) all.push_back(router_.get());
  for (auto& [id, node] : nodes_) all.push_back(node.get());
  for (auto& [id, node] : nodes_) node->Kill();
  if (router_) router_->Kill();
  // A sanitizer report in a daemon fails the test even if the daemon kept
  // going or was killed before it could exit with an error.
  for (DaemonProcess* p : all) {
    const std::string log = p->ReadLog();
    for (const char* report : {"ERROR: AddressSanitizer",
                               "ERROR: LeakSanitizer", "runtime error:"}) {
      if (absl::StrContains(log, report)) {
        ADD_FAILURE() << p->name() << " reported \"" << report << "\"; see "
                      << p->log_path();
      }
    }
  }
  if (::testing::Test::HasFailure()) {
    for (DaemonProcess* p : all) {
      std::cerr << "\n---- last " << kLogLinesOnFailure << " lines of "
                << p->log_path() << " ----\n"
                << p->LogTail(kLogLinesOnFailure);
    }
  }
  if (std::getenv("HANDOVER_KEEP_TEST_DIRS") != nullptr) {
    std::cerr << "kept test directory " << root_ << "\n";
    return;
  }
  std::error_code ec;
  fs::remove_all(root_, ec);
}

absl::Status TestNetwork::Build() {
  // For investigating a failure: HANDOVER_DAEMON_LOG_LEVEL=debug.
  if (const char* level = std::getenv("HANDOVER_DAEMON_LOG_LEVEL")) {
    options_.log_level = level;
  }
  for (const char* dir :
       {"tls", "authority", "keys", "router", "data", "logs", "scratch"}) {
    RETURN_IF_ERROR(MakeDirectories(absl::StrCat(root_, "/", dir), 0700));
  }
  // TLS: copies of the demo material, keys 0600 as the daemons insist.
  for (const fs::directory_entry& entry :
       fs::directory_iterator(DemoCertsDir())) {
    const std::string name = entry.path().filename().string();
    if (!absl::EndsWith(name, ".pem") && !absl::EndsWith(name, ".key")) {
      continue;
    }
    const std::string to = absl::StrCat(root_, "/tls/", name);
    std::error_code ec;
    fs::copy_file(entry.path(), to, fs::copy_options::overwrite_existing, ec);
    if (ec) return absl::InternalError("copy " + name + ": " + ec.message());
    chmod(to.c_str(), absl::EndsWith(name, ".key") ? 0600 : 0644);
  }

  ASSIGN_OR_RETURN(crypto::SecretIdentity authority,
                   crypto::SecretIdentity::Generate("directory-authority"));
  RETURN_IF_ERROR(crypto::WriteKeyDirectory(root_ + "/authority", authority));
  authority_.emplace(std::move(authority));

  // Directory version 1: the router, the nodes and the listed-only agencies.
  std::vector<std::string> agencies = {kRouterId};
  for (const std::string& id : options_.nodes) agencies.push_back(id);
  for (const std::string& id : options_.listed_only) agencies.push_back(id);
  const absl::Time now = absl::Now();
  directory_.set_version(1);
  directory_.mutable_issued_at()->set_seconds(absl::ToUnixSeconds(now));
  for (const std::string& id : agencies) {
    crypto::PublicIdentity public_key;
    ASSIGN_OR_RETURN(std::string key_dir, AddKey(id, &public_key));
    const std::string cert_name = id == kRouterId ? "router" : id;
    ASSIGN_OR_RETURN(std::string pem,
                     tls::LoadCertificateChainPem(CertPath(cert_name)));
    ASSIGN_OR_RETURN(std::string sha, tls::CertificateSha256Hex(pem));
    cert_sha256_[cert_name] = sha;

    v1::Agency* agency = directory_.add_agencies();
    agency->set_id(id);
    agency->set_name(absl::StrCat("Test agency ", id));
    agency->set_kind(KindOf(id));
    for (const std::string& area : AreasOf(id)) agency->add_areas(area);
    *agency->add_keys() = MakeAgencyKey(public_key, now - absl::Hours(1),
                                        now + absl::Hours(24 * 30));
    agency->set_tls_cert_sha256(sha);
    agency->set_status(v1::AGENCY_STATUS_ACTIVE);
  }
  // Certificates of the demo names no agency uses, for refusal tests.
  for (const char* name :
       {"case-system", "control-room", "west-midlands-police",
        "birmingham-health", "stockport-health"}) {
    ASSIGN_OR_RETURN(std::string pem,
                     tls::LoadCertificateChainPem(CertPath(name)));
    ASSIGN_OR_RETURN(cert_sha256_[name], tls::CertificateSha256Hex(pem));
  }
  RETURN_IF_ERROR(WriteSignedDirectory(directory_, *authority_,
                                       root_ + "/router/directory.signed"));

  router_ = std::make_unique<DaemonProcess>(
      "router",
      std::vector<std::string>{RouterBinary(), "--config", RouterConfigPath(),
                               "--log-level", options_.log_level},
      RouterDataDir(), root_ + "/logs/router.log");
  for (const std::string& id : options_.nodes) {
    node_settings_[id].key_dir = absl::StrCat(root_, "/keys/", id);
    std::vector<std::string>& tokens = tokens_[id];
    for (Role role : kAllRoles) {
      (void)role;
      tokens.push_back(RandomHex());
    }
    nodes_[id] = std::make_unique<DaemonProcess>(
        id,
        std::vector<std::string>{NodeBinary(), "--config", NodeConfigPath(id),
                                 "--log-level", options_.log_level},
        NodeDataDir(id), absl::StrCat(root_, "/logs/", id, ".log"));
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------- keys

const crypto::SecretIdentity& TestNetwork::Identity(
    absl::string_view agency_id) const {
  auto it = keys_.find(agency_id);
  if (it == keys_.end() || it->second.empty()) {
    std::cerr << "no keys for agency " << agency_id << "\n";
    std::abort();
  }
  return it->second.front();
}

const crypto::SecretIdentity& TestNetwork::Key(absl::string_view agency_id,
                                               size_t index) const {
  auto it = keys_.find(agency_id);
  if (it == keys_.end() || index >= it->second.size()) {
    std::cerr << "no key " << index << " for agency " << agency_id << "\n";
    std::abort();
  }
  return it->second[index];
}

absl::StatusOr<std::string> TestNetwork::AddKey(
    absl::string_view agency_id, crypto::PublicIdentity* public_key) {
  std::vector<crypto::SecretIdentity>& keys = keys_[std::string(agency_id)];
  const std::string dir =
      keys.empty()
          ? absl::StrCat(root_, "/keys/", agency_id)
          : absl::StrCat(root_, "/keys/", agency_id, "-", keys.size() + 1);
  ASSIGN_OR_RETURN(crypto::SecretIdentity identity,
                   crypto::SecretIdentity::Generate(agency_id));
  RETURN_IF_ERROR(crypto::WriteKeyDirectory(dir, identity));
  if (public_key != nullptr) *public_key = identity.public_identity();
  keys.push_back(std::move(identity));
  return dir;
}

absl::Status TestNetwork::PublishDirectory(const v1::Directory& directory) {
  RETURN_IF_ERROR(WriteSignedDirectory(directory, *authority_,
                                       root_ + "/router/directory.signed"));
  if (directory.version() > directory_.version()) directory_ = directory;
  return absl::OkStatus();
}

std::vector<crypto::PublicIdentity> TestNetwork::KeysOf(
    absl::string_view id) const {
  const v1::Agency* agency = FindAgency(directory_, id);
  if (agency == nullptr) return {};
  return PublicKeysOf(*agency);
}

absl::StatusOr<v1::Notice> TestNetwork::VerifyNoticeFrom(
    const v1::SignedNotice& signed_notice, absl::string_view signer_id) const {
  const std::vector<crypto::PublicIdentity> keys = KeysOf(signer_id);
  if (keys.empty()) {
    return absl::NotFoundError(absl::StrCat("no keys for ", signer_id));
  }
  ASSIGN_OR_RETURN(v1::Notice notice,
                   notice::VerifyNotice(signed_notice, keys));
  if (notice.signer_id() != signer_id) {
    return absl::PermissionDeniedError(absl::StrCat(
        "notice signed by ", notice.signer_id(), ", not ", signer_id));
  }
  return notice;
}

// ---------------------------------------------------------------- TLS

std::string TestNetwork::CertPath(absl::string_view name) const {
  return absl::StrCat(root_, "/tls/", name, ".pem");
}
std::string TestNetwork::KeyPath(absl::string_view name) const {
  return absl::StrCat(root_, "/tls/", name, ".key");
}
std::string TestNetwork::CaPath() const { return root_ + "/tls/ca.pem"; }

std::string TestNetwork::CertSha256(absl::string_view name) const {
  auto it = cert_sha256_.find(name);
  return it == cert_sha256_.end() ? "" : it->second;
}

// ---------------------------------------------------------------- configs

std::string TestNetwork::RouterConfigPath() const {
  return root_ + "/router.toml";
}
std::string TestNetwork::NodeConfigPath(absl::string_view id) const {
  return absl::StrCat(root_, "/", id, ".toml");
}
std::string TestNetwork::RouterDataDir() const {
  auto chosen = options_.data_dirs.find(kRouterId);
  if (chosen != options_.data_dirs.end()) return chosen->second;
  return root_ + "/data/router";
}
std::string TestNetwork::NodeDataDir(absl::string_view id) const {
  auto chosen = options_.data_dirs.find(std::string(id));
  if (chosen != options_.data_dirs.end()) return chosen->second;
  return absl::StrCat(root_, "/data/", id);
}

std::string TestNetwork::RouterConfigText() const {
  std::string text = absl::StrCat(
      "# handover-router for an integration test\n"
      "[router]\n"
      "agency_id = ",
      Quoted(kRouterId), "\n",
      "key_dir = ", Quoted(absl::StrCat(root_, "/keys/", kRouterId)), "\n",
      "listen = ", Quoted(router_settings_.listen), "\n",
      "tls_cert = ", Quoted(CertPath("router")), "\n",
      "tls_key = ", Quoted(KeyPath("router")), "\n",
      "client_ca = ", Quoted(CaPath()), "\n",
      "data_dir = ", Quoted(RouterDataDir()), "\n",
      "directory = ", Quoted(root_ + "/router/directory.signed"), "\n",
      "trust_root = ", Quoted(root_ + "/authority/public.key"), "\n\n",
      kRetryToml);
  if (!router_settings_.max_envelope_bytes.empty()) {
    absl::StrAppend(&text, "\n[limits]\nmax_envelope_bytes = ",
                    Quoted(router_settings_.max_envelope_bytes), "\n");
  }
  absl::StrAppend(&text, router_settings_.extra_toml);
  return text;
}

std::string TestNetwork::NodeConfigText(absl::string_view id) const {
  auto settings = node_settings_.find(id);
  auto tokens = tokens_.find(id);
  if (settings == node_settings_.end() || tokens == tokens_.end()) return "";
  // The router's port is fixed once it has started; before that, nodes get
  // an address where nothing listens.
  const std::string router_address =
      !settings->second.router_address.empty() ? settings->second.router_address
      : absl::EndsWith(router_settings_.listen, ":0") ? "127.0.0.1:1"
                                                      : router_settings_.listen;
  std::string text = absl::StrCat(
      "# handover-node for an integration test\n"
      "[node]\n"
      "agency_id = ",
      Quoted(id), "\n", "key_dir = ", Quoted(settings->second.key_dir), "\n",
      PreviousKeyDirsLine(settings->second.previous_key_dirs),
      "data_dir = ", Quoted(NodeDataDir(id)), "\n",
      "trust_root = ", Quoted(root_ + "/authority/public.key"), "\n\n",
      "[listen]\n"
      "address = \"127.0.0.1:0\"\n"
      "tls_cert = ",
      Quoted(CertPath(id)), "\n", "tls_key = ", Quoted(KeyPath(id)), "\n",
      "client_ca = ", Quoted(CaPath()), "\n\n",
      "[router]\n"
      "agency_id = ",
      Quoted(kRouterId), "\n", "address = ", Quoted(router_address), "\n",
      "tls_cert = ", Quoted(CertPath(id)), "\n",
      "tls_key = ", Quoted(KeyPath(id)), "\n", "ca = ", Quoted(CaPath()),
      "\n\n", kRetryToml);
  if (!settings->second.max_envelope_bytes.empty()) {
    absl::StrAppend(&text, "\n[limits]\nmax_envelope_bytes = ",
                    Quoted(settings->second.max_envelope_bytes), "\n");
  }
  for (Role role : kAllRoles) {
    absl::StrAppend(&text, "\n[[clients]]\nname = ",
                    Quoted(absl::StrCat("token-", RoleName(role))),
                    "\nrole = ", Quoted(RoleName(role)), "\ntoken_sha256 = ",
                    Quoted(Sha256Hex(tokens->second[static_cast<int>(role)])),
                    "\n");
  }
  absl::StrAppend(&text,
                  "\n[[clients]]\nname = \"case-system\"\n"
                  "role = \"submitter\"\ncert_sha256 = ",
                  Quoted(CertSha256("case-system")), "\n");
  absl::StrAppend(&text, settings->second.extra_toml);
  return text;
}

absl::Status TestNetwork::WriteRouterConfig() const {
  return WriteFileAtomically(RouterConfigPath(), RouterConfigText(), 0600);
}

absl::Status TestNetwork::WriteNodeConfig(absl::string_view id) const {
  return WriteFileAtomically(NodeConfigPath(id), NodeConfigText(id), 0600);
}

// ---------------------------------------------------------------- daemons

std::string TestNetwork::SomeActiveAgency() const {
  for (const v1::Agency& agency : directory_.agencies()) {
    if (agency.id() != kRouterId &&
        agency.status() == v1::AGENCY_STATUS_ACTIVE &&
        agency.tls_cert_sha256() == CertSha256(agency.id())) {
      return agency.id();
    }
  }
  return "";
}

absl::Status TestNetwork::StartRouter() {
  RETURN_IF_ERROR(WriteRouterConfig());
  router_->set_extra_env(router_settings_.extra_env);
  RETURN_IF_ERROR(router_->Start());
  ASSIGN_OR_RETURN(std::string address,
                   router_->WaitForListenAddress(Scaled(absl::Seconds(30))));
  // Later starts keep the port, so nodes find the router again.
  router_settings_.listen = address;
  // Serving: a node's call succeeds.
  std::unique_ptr<RouterClient> client = RouterAs(SomeActiveAgency());
  const absl::Time deadline = absl::Now() + Scaled(absl::Seconds(30));
  while (true) {
    absl::StatusOr<v1::SignedDirectory> directory = client->GetDirectory();
    if (directory.ok()) return absl::OkStatus();
    if (absl::Now() > deadline || !router_->Running()) {
      return absl::UnavailableError(absl::StrCat(
          "router at ", address, " does not answer GetDirectory: ",
          directory.status().ToString(), "; log:\n", router_->LogTail(40)));
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
}

absl::Status TestNetwork::StopRouter() {
  ASSIGN_OR_RETURN(ExitStatus exit, router_->Stop(Scaled(absl::Seconds(20))));
  if (!exit.ok()) {
    return absl::InternalError(absl::StrCat("router ended with ",
                                            exit.ToString(), "; log:\n",
                                            router_->LogTail(40)));
  }
  return absl::OkStatus();
}

void TestNetwork::KillRouter() { router_->Kill(); }

DaemonProcess& TestNetwork::node_process(absl::string_view id) {
  auto it = nodes_.find(id);
  if (it == nodes_.end()) {
    std::cerr << "no node " << id << "\n";
    std::abort();
  }
  return *it->second;
}

NodeSettings& TestNetwork::node_settings(absl::string_view id) {
  auto it = node_settings_.find(id);
  if (it == node_settings_.end()) {
    std::cerr << "no node " << id << "\n";
    std::abort();
  }
  return it->second;
}

absl::Status TestNetwork::StartNode(absl::string_view id,
                                    bool wait_for_router) {
  DaemonProcess& node = node_process(id);
  RETURN_IF_ERROR(WriteNodeConfig(id));
  node.set_extra_env(node_settings(id).extra_env);
  RETURN_IF_ERROR(node.Start());
  ASSIGN_OR_RETURN(std::string address,
                   node.WaitForListenAddress(Scaled(absl::Seconds(30))));
  // Serving: the admin's GetNodeInfo succeeds.
  std::unique_ptr<NodeClient> admin = Client(id, Role::kAdmin);
  const absl::Time deadline = absl::Now() + Scaled(absl::Seconds(30));
  while (true) {
    absl::StatusOr<v1::NodeInfo> info = admin->GetNodeInfo();
    if (info.ok()) break;
    if (absl::Now() > deadline || !node.Running()) {
      return absl::UnavailableError(
          absl::StrCat(id, " at ", address, " does not answer GetNodeInfo: ",
                       info.status().ToString(), "; log:\n", node.LogTail(40)));
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  if (wait_for_router) {
    return WaitForRouterLink(id, Scaled(absl::Seconds(30)));
  }
  return absl::OkStatus();
}

absl::Status TestNetwork::StopNode(absl::string_view id) {
  DaemonProcess& node = node_process(id);
  ASSIGN_OR_RETURN(ExitStatus exit, node.Stop(Scaled(absl::Seconds(20))));
  if (!exit.ok()) {
    return absl::InternalError(absl::StrCat(id, " ended with ", exit.ToString(),
                                            "; log:\n", node.LogTail(40)));
  }
  return absl::OkStatus();
}

void TestNetwork::KillNode(absl::string_view id) { node_process(id).Kill(); }

absl::Status TestNetwork::StartAll() {
  RETURN_IF_ERROR(StartRouter());
  for (const std::string& id : options_.nodes) {
    RETURN_IF_ERROR(StartNode(id, /*wait_for_router=*/false));
  }
  for (const std::string& id : options_.nodes) {
    RETURN_IF_ERROR(WaitForRouterLink(id, Scaled(absl::Seconds(30))));
  }
  return absl::OkStatus();
}

absl::Status TestNetwork::WaitForRouterLink(absl::string_view id,
                                            absl::Duration timeout) {
  std::unique_ptr<NodeClient> admin = Client(id, Role::kAdmin);
  const absl::Time deadline = absl::Now() + timeout;
  absl::Status last = absl::OkStatus();
  while (true) {
    absl::StatusOr<v1::NodeInfo> info = admin->GetNodeInfo();
    if (info.ok() && info->router_connected()) return absl::OkStatus();
    if (!info.ok()) last = info.status();
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          id, " not connected to the router within ",
          absl::FormatDuration(timeout), " (last error: ", last.ToString(),
          "); log:\n", node_process(id).LogTail(40)));
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
}

absl::Status TestNetwork::WaitForDirectoryVersion(absl::string_view id,
                                                  uint64_t version,
                                                  absl::Duration timeout) {
  std::unique_ptr<NodeClient> admin = Client(id, Role::kAdmin);
  const absl::Time deadline = absl::Now() + timeout;
  std::string last = "no answer";
  while (true) {
    absl::StatusOr<v1::NodeInfo> info = admin->GetNodeInfo();
    if (info.ok()) {
      if (info->directory_version() >= version) return absl::OkStatus();
      last = absl::StrCat("version ", info->directory_version());
    } else {
      last = info.status().ToString();
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          id, " did not get directory version ", version, " within ",
          absl::FormatDuration(timeout), " (last: ", last, ")"));
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
}

// ---------------------------------------------------------------- clients

std::shared_ptr<grpc::Channel> TestNetwork::TlsChannel(
    const std::string& address, absl::string_view cert_name) {
  rpc::ClientTlsFiles files;
  files.ca_path = CaPath();
  if (!cert_name.empty()) {
    files.cert_path = CertPath(cert_name);
    files.key_path = KeyPath(cert_name);
  }
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      rpc::MakeChannelCredentials(files);
  if (!credentials.ok()) {
    ADD_FAILURE() << "channel credentials: " << credentials.status();
    return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  }
  return rpc::MakeChannel(address, *credentials);
}

std::shared_ptr<grpc::Channel> TestNetwork::RouterChannel(
    absl::string_view cert_name) {
  return TlsChannel(router_settings_.listen, cert_name);
}

std::shared_ptr<grpc::Channel> TestNetwork::NodeChannel(
    absl::string_view id, absl::string_view cert_name) {
  return TlsChannel(node_process(id).address(), cert_name);
}

std::unique_ptr<RouterClient> TestNetwork::RouterAs(
    absl::string_view cert_name) {
  return std::make_unique<RouterClient>(RouterChannel(cert_name),
                                        CallTimeout());
}

const std::string& TestNetwork::Token(absl::string_view id, Role role) const {
  auto it = tokens_.find(id);
  if (it == tokens_.end()) {
    std::cerr << "no node " << id << "\n";
    std::abort();
  }
  return it->second[static_cast<int>(role)];
}

std::unique_ptr<NodeClient> TestNetwork::Client(absl::string_view id, Role role,
                                                absl::Duration call_timeout) {
  return std::make_unique<NodeClient>(
      NodeChannel(id, ""), Token(id, role),
      call_timeout == absl::ZeroDuration() ? CallTimeout() : call_timeout);
}

std::unique_ptr<NodeClient> TestNetwork::ClientWithToken(
    absl::string_view id, const std::string& token) {
  return std::make_unique<NodeClient>(NodeChannel(id, ""), token,
                                      CallTimeout());
}

std::unique_ptr<NodeClient> TestNetwork::ClientWithCert(
    absl::string_view id, absl::string_view cert_name) {
  return std::make_unique<NodeClient>(NodeChannel(id, cert_name), "",
                                      CallTimeout());
}

std::unique_ptr<NodeClient> TestNetwork::ClientWithoutCredentials(
    absl::string_view id) {
  return std::make_unique<NodeClient>(NodeChannel(id, ""), "", CallTimeout());
}

}  // namespace handover::integration
