// Catalogue rows delivered as a directory file given to the router (as an
// operator, or an attacker with write access to the file, would): a
// rollback to an older version, a forgery by another authority key, a
// broken signature and bytes that are no directory at all. Each is refused
// with a log line, and the router goes on serving the version it had.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "harness/directory_builder.h"
#include "harness/test_data.h"
#include "harness/test_paths.h"
#include "hostile/catalogue.h"

namespace handover::integration {
namespace {

namespace v1 = handover::v1;
constexpr char kRefusal[] = "keeping directory version 2: ";

std::string DirectoryFile(HostileContext& c) {
  return c.net().root() + "/router/directory.signed";
}

// Lines of the router's log that say it kept version 2.
std::vector<std::string> Refusals(HostileContext& c) {
  std::vector<std::string> found;
  for (absl::string_view line :
       absl::StrSplit(c.net().router_process().ReadLog(), '\n')) {
    if (absl::StrContains(line, kRefusal)) found.emplace_back(line);
  }
  return found;
}

// Writes the hostile file (by `write`), waits for the router's refusal and
// checks it still serves version 2, byte for byte. The outcome's message is
// the refusal, from "keeping directory version 2" on.
absl::StatusOr<HostileOutcome> GiveRouter(
    HostileContext& c,
    const std::function<absl::Status(const std::string&)>& write) {
  auto router = c.net().RouterAs(kStockport);
  ASSIGN_OR_RETURN(v1::SignedDirectory served, router->GetDirectory());
  const size_t seen = Refusals(c).size();
  RETURN_IF_ERROR(write(DirectoryFile(c)));
  const absl::Time deadline = absl::Now() + Scaled(absl::Seconds(30));
  std::vector<std::string> refusals = Refusals(c);
  while (refusals.size() == seen && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(100));
    refusals = Refusals(c);
  }
  if (refusals.size() == seen) {
    return absl::DeadlineExceededError("the router logged no refusal");
  }
  ASSIGN_OR_RETURN(v1::SignedDirectory after, router->GetDirectory());
  if (after.SerializeAsString() != served.SerializeAsString()) {
    return absl::InternalError("the router serves another directory");
  }
  const std::string& line = refusals.back();
  return HostileOutcome{absl::StatusCode::kOk,
                        line.substr(line.find(kRefusal))};
}

HostileCase DirectoryRow(
    std::string name, std::string input, std::string message,
    std::function<absl::Status(HostileContext&, const std::string&)> write) {
  HostileCase row;
  row.name = std::move(name);
  row.input = std::move(input);
  row.via = Via::kDirectory;
  row.delivered = "directory file the router polls";
  row.code = absl::StatusCode::kOk;
  row.message = std::move(message);
  row.proof =
      "the router logs the refusal and GetDirectory still returns version 2 "
      "byte for byte; stores unchanged";
  row.prepare = [](HostileContext& c) -> absl::Status {
    v1::Directory next = c.net().directory();
    next.set_version(2);
    RETURN_IF_ERROR(c.net().PublishDirectory(next));
    return c.net().WaitForDirectoryVersion(kStockport, 2,
                                           Scaled(absl::Seconds(30)));
  };
  row.attack = [write](HostileContext& c) {
    return GiveRouter(
        c, [&c, &write](const std::string& path) { return write(c, path); });
  };
  return row;
}

}  // namespace

std::vector<HostileCase> DirectoryRows() {
  std::vector<HostileCase> rows;
  rows.push_back(DirectoryRow(
      "DirectoryRollback",
      "version 1, genuinely signed, after version 2 was served",
      "directory version 1 is older than version 2",
      [](HostileContext& c, const std::string& path) {
        v1::Directory old = c.net().directory();
        old.set_version(1);
        return WriteSignedDirectory(old, c.net().authority(), path);
      }));
  rows.push_back(DirectoryRow(
      "DirectoryForgedByAnotherAuthority",
      "version 3 signed by a key that is not the trust root",
      "not by the trust root key",
      [](HostileContext& c, const std::string& path) -> absl::Status {
        ASSIGN_OR_RETURN(crypto::SecretIdentity forger,
                         crypto::SecretIdentity::Generate("directory-forger"));
        v1::Directory next = c.net().directory();
        next.set_version(3);
        return WriteSignedDirectory(next, forger, path);
      }));
  rows.push_back(DirectoryRow(
      "DirectoryBadSignature",
      "version 3 signed by the authority, one byte changed after",
      "signature does not verify with the trust root key",
      [](HostileContext& c, const std::string& path) -> absl::Status {
        v1::Directory next = c.net().directory();
        next.set_version(3);
        RETURN_IF_ERROR(WriteSignedDirectory(next, c.net().authority(), path));
        ASSIGN_OR_RETURN(std::string bytes, ReadFileBounded(path, 1 << 20));
        bytes[bytes.size() / 2] ^= 1;
        return WriteFileAtomically(path, bytes, 0644);
      }));
  rows.push_back(DirectoryRow(
      "DirectoryGarbage", "1 KiB of random bytes in the directory file",
      "signed directory is not a valid handover.v1.SignedDirectory",
      [](HostileContext&, const std::string& path) {
        return WriteTestFile(path, 1024, 7);
      }));
  return rows;
}

}  // namespace handover::integration
