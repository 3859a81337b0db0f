// ResolveMoveRecipients: every kind found, every way an area or an
// always-copy agency falls short, and a stable order.
#include "move/move_recipients.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "directory/signed_directory.h"
#include "directory_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::move {
namespace {

namespace v1 = handover::v1;
using directory::DirectoryView;
using directory::testing::ActiveAgency;
using directory::testing::kT0;
using directory::testing::NewIdentity;
using directory::testing::Ts;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using R = RecipientReason;

constexpr absl::Duration kDay = absl::Hours(24);
constexpr char kArea[] = "E08000025";
constexpr char kElsewhere[] = "E08000007";
const absl::Time kAt = kT0 + 30 * kDay;

constexpr v1::AgencyKind kCs =
    v1::AGENCY_KIND_LOCAL_AUTHORITY_CHILDRENS_SERVICES;
constexpr v1::AgencyKind kHealth = v1::AGENCY_KIND_HEALTH_TEAM;
constexpr v1::AgencyKind kPolice = v1::AGENCY_KIND_POLICE_FORCE;

v1::Agency Agency(const std::string& id, v1::AgencyKind kind,
                  const std::vector<std::string>& areas) {
  return ActiveAgency(id, kind, areas, NewIdentity(id).public_identity());
}

v1::Agency Revoked(v1::Agency agency) {
  agency.set_status(v1::AGENCY_STATUS_REVOKED);
  *agency.mutable_revoked_at() = Ts(kT0 + kDay);
  return agency;
}

// The destination area's host children's services, health team and police,
// the home area's children's services and police (home-police is the usual
// always-copy), and an OTHER agency serving the destination.
std::vector<v1::Agency> Network() {
  return {
      Agency("host-cs", kCs, {kArea}),
      Agency("host-health", kHealth, {kArea}),
      Agency("host-police", kPolice, {kArea, "E08000026"}),
      Agency("home-cs", kCs, {kElsewhere}),
      Agency("home-police", kPolice, {kElsewhere}),
      Agency("host-yot", v1::AGENCY_KIND_OTHER, {kArea}),
  };
}

// Signs the agencies as a directory and verifies it, as a node would.
std::unique_ptr<DirectoryView> SignedView(
    const std::vector<v1::Agency>& agencies) {
  v1::Directory directory;
  directory.set_version(3);
  *directory.mutable_issued_at() = Ts(kT0);
  for (const v1::Agency& agency : agencies) *directory.add_agencies() = agency;
  const crypto::SecretIdentity authority = NewIdentity("authority");
  auto signed_bytes = directory::SignDirectory(directory, authority);
  if (!signed_bytes.ok()) ADD_FAILURE() << signed_bytes.status();
  auto verified = directory::VerifySignedDirectory(
      signed_bytes.value_or(""), authority.public_identity(), 0);
  if (!verified.ok()) ADD_FAILURE() << verified.status();
  auto view = DirectoryView::Create(verified.value_or(v1::Directory()));
  if (!view.ok()) ADD_FAILURE() << view.status();
  return view.ok() ? *std::move(view) : nullptr;
}

std::vector<v1::Agency> Without(std::vector<v1::Agency> agencies,
                                const std::string& id) {
  agencies.erase(
      std::remove_if(agencies.begin(), agencies.end(),
                     [&](const v1::Agency& a) { return a.id() == id; }),
      agencies.end());
  return agencies;
}

std::vector<std::string> Ids(const MoveRecipients& r) {
  std::vector<std::string> ids;
  for (const MoveRecipient& m : r.recipients) ids.push_back(m.agency_id);
  return ids;
}

absl::StatusOr<MoveRecipients> Resolve(
    const std::vector<v1::Agency>& agencies, absl::string_view area = kArea,
    const std::vector<std::string>& always_copy = {}) {
  std::unique_ptr<DirectoryView> view = SignedView(agencies);
  if (view == nullptr) return absl::InternalError("no view");
  return ResolveMoveRecipients(*view, area, always_copy, kAt);
}

TEST(ResolveMoveRecipientsTest, FindsEveryKindTheAreaNeeds) {
  const std::vector<v1::Agency> agencies = Network();
  ASSERT_OK_AND_ASSIGN(MoveRecipients r, Resolve(agencies));
  EXPECT_EQ(r.area, kArea);
  EXPECT_EQ(r.directory_version, 3u);
  ASSERT_THAT(Ids(r), ElementsAre("host-cs", "host-health", "host-police"));
  EXPECT_EQ(r.recipients[0].kind, kCs);
  EXPECT_THAT(r.recipients[0].reasons, ElementsAre(R::kHostChildrensServices));
  EXPECT_EQ(r.recipients[1].kind, kHealth);
  EXPECT_THAT(r.recipients[1].reasons, ElementsAre(R::kHealth));
  EXPECT_EQ(r.recipients[2].kind, kPolice);
  EXPECT_THAT(r.recipients[2].reasons, ElementsAre(R::kPolice));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(r.recipients[i].encryption_key.agency_id, agencies[i].id());
    EXPECT_EQ(r.recipients[i].encryption_key.box_public_key,
              agencies[i].keys(0).box_public_key());
  }
}

TEST(ResolveMoveRecipientsTest, NamesEachMissingKind) {
  const std::pair<std::string, std::string> cases[] = {
      {"host-cs", "local_authority_childrens_services"},
      {"host-health", "health_team"},
      {"host-police", "police_force"},
  };
  for (const auto& [id, kind_name] : cases) {
    SCOPED_TRACE(id);
    const auto r = Resolve(Without(Network(), id));
    EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(r.status().message(),
              absl::StrCat("area E08000025 cannot receive a move: no active "
                           "agency of kind ",
                           kind_name, " serves it in directory version 3"));
  }
}

TEST(ResolveMoveRecipientsTest, NamesEveryMissingKindAtOnce) {
  // Only the OTHER agency serves the area: known, but no needed kind.
  const auto r = Resolve(Without(
      Without(Without(Network(), "host-cs"), "host-health"), "host-police"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(),
            "area E08000025 cannot receive a move: no active agency of kind "
            "local_authority_childrens_services, health_team, police_force "
            "serves it in directory version 3");
}

TEST(ResolveMoveRecipientsTest, AnAreaNoAgencyServesIsNotFound) {
  const auto r = Resolve(Network(), "E06000001");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(),
            "no agency in the directory serves area E06000001 (directory "
            "version 3)");
}

TEST(ResolveMoveRecipientsTest, RejectsAMalformedAreaWithoutEchoingIt) {
  for (const char* bad : {"", "e08000025", "E0800002", "E080000250",
                          "E08 00025", "08000025X", "Jane Doe"}) {
    SCOPED_TRACE(bad);
    const auto r = Resolve(Network(), bad);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    // One fixed message: the value is never echoed.
    EXPECT_EQ(r.status().message(),
              "destination area is not an ONS GSS code (one upper-case letter "
              "and 8 digits, e.g. E08000025)");
  }
}

TEST(ResolveMoveRecipientsTest, AlwaysCopyElsewhereComesLast) {
  ASSERT_OK_AND_ASSIGN(MoveRecipients r,
                       Resolve(Network(), kArea, {"home-police"}));
  ASSERT_THAT(Ids(r), ElementsAre("host-cs", "host-health", "host-police",
                                  "home-police"));
  EXPECT_EQ(r.recipients[3].kind, kPolice);
  EXPECT_THAT(r.recipients[3].reasons, ElementsAre(R::kAlwaysCopy));
}

TEST(ResolveMoveRecipientsTest, AlwaysCopyThatIsAlsoTheAreasPoliceAppearsOnce) {
  ASSERT_OK_AND_ASSIGN(
      MoveRecipients r,
      Resolve(Network(), kArea, {"host-police", "home-cs", "host-police"}));
  ASSERT_THAT(Ids(r),
              ElementsAre("host-cs", "host-health", "host-police", "home-cs"));
  EXPECT_THAT(r.recipients[2].reasons, ElementsAre(R::kPolice, R::kAlwaysCopy));
  EXPECT_THAT(r.recipients[3].reasons, ElementsAre(R::kAlwaysCopy));
}

TEST(ResolveMoveRecipientsTest, AnUnknownAlwaysCopyAgencyIsNamed) {
  const auto r = Resolve(Network(), kArea, {"home-police", "nowhere-police"});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(),
            "always-copy agency \"nowhere-police\" is not in directory "
            "version 3");
}

TEST(ResolveMoveRecipientsTest, ARevokedAlwaysCopyAgencyIsNamed) {
  std::vector<v1::Agency> agencies = Network();
  agencies[4] = Revoked(agencies[4]);  // home-police
  const auto r = Resolve(agencies, kArea, {"home-police"});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(),
            "always-copy agency \"home-police\" is revoked in directory "
            "version 3");
}

TEST(ResolveMoveRecipientsTest, EveryPoliceForceServingTheAreaReceivesIt) {
  std::vector<v1::Agency> agencies = Network();
  // Listed before host-police, yet sorted after it by id.
  agencies.insert(agencies.begin(), Agency("west-police", kPolice, {kArea}));
  ASSERT_OK_AND_ASSIGN(MoveRecipients r, Resolve(agencies));
  EXPECT_THAT(Ids(r), ElementsAre("host-cs", "host-health", "host-police",
                                  "west-police"));
  EXPECT_THAT(r.recipients[3].reasons, ElementsAre(R::kPolice));
}

TEST(ResolveMoveRecipientsTest, SkipsARevokedAgencyServingTheArea) {
  std::vector<v1::Agency> agencies = Network();
  agencies.push_back(Revoked(Agency("old-police", kPolice, {kArea})));
  ASSERT_OK_AND_ASSIGN(MoveRecipients r, Resolve(agencies));
  EXPECT_THAT(Ids(r), ElementsAre("host-cs", "host-health", "host-police"));
}

TEST(ResolveMoveRecipientsTest, ARevokedAgencyDoesNotFillAMissingKind) {
  std::vector<v1::Agency> agencies = Network();
  agencies[2] = Revoked(agencies[2]);  // host-police
  const auto r = Resolve(agencies);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("of kind police_force serves"));
}

TEST(ResolveMoveRecipientsTest, AnAreaServedOnlyByRevokedAgenciesIsNotFound) {
  std::vector<v1::Agency> agencies = Network();
  agencies.push_back(Revoked(Agency("gone-cs", kCs, {"E06000047"})));
  const auto r = Resolve(agencies, "E06000047");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
}

TEST(ResolveMoveRecipientsTest, ARecipientWithoutAValidKeyIsNamed) {
  std::vector<v1::Agency> agencies = Network();
  *agencies[1].mutable_keys(0)->mutable_not_after() = Ts(kAt);  // host-health
  const auto r = Resolve(agencies);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(),
            "cannot seal a move to its health recipient: agency "
            "\"host-health\" has no key valid at 2026-01-31T00:00:00Z "
            "(directory version 3)");
}

TEST(ResolveMoveRecipientsTest, AnAlwaysCopyRecipientWithoutAValidKeyIsNamed) {
  std::vector<v1::Agency> agencies = Network();
  *agencies[4].mutable_keys(0)->mutable_not_before() = Ts(kAt + kDay);
  const auto r = Resolve(agencies, kArea, {"home-police"});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(),
              HasSubstr("always_copy recipient: agency \"home-police\""));
}

TEST(ResolveMoveRecipientsTest, SealsToTheNewerKeyDuringARotation) {
  std::vector<v1::Agency> agencies = Network();
  const crypto::PublicIdentity next = NewIdentity("host-cs").public_identity();
  *agencies[0].add_keys() =
      directory::testing::KeyOf(next, kAt - kDay, kAt + 400 * kDay);
  ASSERT_OK_AND_ASSIGN(MoveRecipients r, Resolve(agencies));
  EXPECT_EQ(r.recipients[0].encryption_key.box_public_key, next.box_public_key);
}

TEST(ResolveMoveRecipientsTest, OrderIgnoresDirectoryAndConfigurationOrder) {
  std::vector<v1::Agency> agencies = Network();
  agencies.push_back(Agency("west-police", kPolice, {kArea}));
  agencies.push_back(Agency("east-health", kHealth, {kArea}));
  const std::vector<std::string> copy = {"home-police", "home-cs",
                                         "host-police"};
  ASSERT_OK_AND_ASSIGN(MoveRecipients first, Resolve(agencies, kArea, copy));
  const std::vector<std::string> expected = {
      "host-cs",     "east-health", "host-health", "host-police",
      "west-police", "home-cs",     "home-police"};
  EXPECT_EQ(Ids(first), expected);

  std::reverse(agencies.begin(), agencies.end());
  std::vector<std::string> reversed_copy(copy.rbegin(), copy.rend());
  ASSERT_OK_AND_ASSIGN(MoveRecipients second,
                       Resolve(agencies, kArea, reversed_copy));
  EXPECT_EQ(Ids(second), expected);
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(first.recipients[i].reasons, second.recipients[i].reasons);
    EXPECT_EQ(first.recipients[i].kind, second.recipients[i].kind);
  }
}

TEST(ResolveMoveRecipientsTest, NamesEveryReason) {
  EXPECT_EQ(RecipientReasonName(R::kHostChildrensServices),
            "host_childrens_services");
  EXPECT_EQ(RecipientReasonName(R::kHealth), "health");
  EXPECT_EQ(RecipientReasonName(R::kPolice), "police");
  EXPECT_EQ(RecipientReasonName(R::kAlwaysCopy), "always_copy");
}

}  // namespace
}  // namespace handover::move
