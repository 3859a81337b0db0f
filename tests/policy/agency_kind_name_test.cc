// Agency kind names: one for every kind the directory knows, and back.
#include "policy/agency_kind_name.h"

#include "gtest/gtest.h"

namespace handover::policy {
namespace {

namespace v1 = handover::v1;

TEST(AgencyKindNameTest, EveryKindButUnspecifiedHasAName) {
  const google::protobuf::EnumDescriptor* kinds = v1::AgencyKind_descriptor();
  std::vector<v1::AgencyKind> expected;
  for (int i = 0; i < kinds->value_count(); ++i) {
    const auto kind = static_cast<v1::AgencyKind>(kinds->value(i)->number());
    if (kind == v1::AGENCY_KIND_UNSPECIFIED) continue;
    expected.push_back(kind);
    const absl::string_view name = AgencyKindName(kind);
    ASSERT_FALSE(name.empty()) << kinds->value(i)->name();
    EXPECT_EQ(AgencyKindFromName(name), kind);
  }
  EXPECT_EQ(PolicyAgencyKinds(), expected);
}

TEST(AgencyKindNameTest, NamesAreTheDocumentedOnes) {
  EXPECT_EQ(AgencyKindName(v1::AGENCY_KIND_POLICE_FORCE), "police_force");
  EXPECT_EQ(AgencyKindName(v1::AGENCY_KIND_HEALTH_TEAM), "health_team");
  EXPECT_EQ(AgencyKindName(v1::AGENCY_KIND_LOCAL_AUTHORITY_CHILDRENS_SERVICES),
            "local_authority_childrens_services");
  EXPECT_EQ(AgencyKindName(v1::AGENCY_KIND_OTHER), "other");
}

TEST(AgencyKindNameTest, UnspecifiedAndUnknownHaveNone) {
  EXPECT_EQ(AgencyKindName(v1::AGENCY_KIND_UNSPECIFIED), "");
  EXPECT_EQ(AgencyKindName(static_cast<v1::AgencyKind>(99)), "");
  EXPECT_EQ(AgencyKindFromName("unspecified"), std::nullopt);
  EXPECT_EQ(AgencyKindFromName("Police_Force"), std::nullopt);
  EXPECT_EQ(AgencyKindFromName(""), std::nullopt);
}

}  // namespace
}  // namespace handover::policy
