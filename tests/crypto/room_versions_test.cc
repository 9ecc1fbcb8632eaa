#include "crypto/room_versions.h"

#include <gtest/gtest.h>

namespace strata::crypto {
namespace {

TEST(RoomVersions, KnowsExactlyVersionsOneToSix) {
  std::vector<std::string_view> ids;
  for (const RoomVersion& v : KnownRoomVersions()) ids.push_back(v.id);
  EXPECT_EQ(ids, (std::vector<std::string_view>{"1", "2", "3", "4", "5", "6"}));
  for (std::string_view unknown : {"", "0", "7", "8", "org.matrix.msc2432", "5 ", "05"}) {
    EXPECT_FALSE(IsKnownRoomVersion(unknown)) << unknown;
    EXPECT_EQ(FindRoomVersion(unknown), nullptr);
  }
}

TEST(RoomVersions, DefaultIsFiveAsInSynapse118) {
  EXPECT_EQ(kDefaultRoomVersionId, "5");
  EXPECT_EQ(DefaultRoomVersion().id, "5");
  EXPECT_EQ(&DefaultRoomVersion(), FindRoomVersion("5"));
}

TEST(RoomVersions, RulesPerVersion) {
  auto v = [](std::string_view id) { return *FindRoomVersion(id); };
  EXPECT_EQ(v("1").event_id_format, EventIdFormat::kServerScoped);
  EXPECT_EQ(v("2").event_id_format, EventIdFormat::kServerScoped);
  EXPECT_EQ(v("3").event_id_format, EventIdFormat::kHashStdBase64);
  EXPECT_EQ(v("4").event_id_format, EventIdFormat::kHashUrlBase64);
  EXPECT_EQ(v("5").event_id_format, EventIdFormat::kHashUrlBase64);
  EXPECT_EQ(v("6").event_id_format, EventIdFormat::kHashUrlBase64);

  EXPECT_EQ(v("1").state_resolution, StateResolution::kV1);
  for (std::string_view id : {"2", "3", "4", "5", "6"}) {
    EXPECT_EQ(v(id).state_resolution, StateResolution::kV2) << id;
  }
  for (std::string_view id : {"1", "2", "3", "4"}) EXPECT_FALSE(v(id).enforce_key_validity);
  EXPECT_TRUE(v("5").enforce_key_validity);
  EXPECT_TRUE(v("6").enforce_key_validity);
  for (std::string_view id : {"1", "2", "3", "4", "5"}) {
    EXPECT_TRUE(v(id).special_case_aliases) << id;
    EXPECT_FALSE(v(id).strict_canonical_json) << id;
    EXPECT_FALSE(v(id).limit_notifications_power_levels) << id;
  }
  EXPECT_FALSE(v("6").special_case_aliases);
  EXPECT_TRUE(v("6").strict_canonical_json);
  EXPECT_TRUE(v("6").limit_notifications_power_levels);
}

}  // namespace
}  // namespace strata::crypto
