// ProfileStore on both engines.
#include "storage/profiles/profile_store.h"

#include <gtest/gtest.h>

#include "storage/prepared_schema.h"

namespace strata::storage {
namespace {

class ProfileStoreTest : public testing::PreparedStoreTest {};

TEST_P(ProfileStoreTest, InsertsAndReads) {
  PrepareNewest();
  const ProfileStore profiles(Options());
  EXPECT_FALSE(profiles.Get(conn(), "alice"));
  profiles.Insert(conn(), "alice", std::string("Alice"));
  auto alice = profiles.Get(conn(), "alice");
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->displayname, "Alice");
  EXPECT_FALSE(alice->avatar_url);
  EXPECT_THROW(profiles.Insert(conn(), "alice", std::string("Again")), DatabaseError);
}

TEST_P(ProfileStoreTest, SetFieldAddsTheRowFirst) {
  PrepareNewest();
  const ProfileStore profiles(Options());
  profiles.SetField(conn(), "bob", ProfileField::kAvatarUrl, std::string("mxc://x/y"));
  auto bob = profiles.Get(conn(), "bob");
  ASSERT_TRUE(bob);
  EXPECT_FALSE(bob->displayname);
  EXPECT_EQ(bob->avatar_url, "mxc://x/y");

  profiles.SetField(conn(), "bob", ProfileField::kDisplayName, std::string("Bob"));
  bob = profiles.Get(conn(), "bob");
  EXPECT_EQ(bob->displayname, "Bob");
  EXPECT_EQ(bob->avatar_url, "mxc://x/y");  // the other field stays
  profiles.SetField(conn(), "bob", ProfileField::kAvatarUrl, std::nullopt);
  bob = profiles.Get(conn(), "bob");
  EXPECT_EQ(bob->displayname, "Bob");
  EXPECT_FALSE(bob->avatar_url);
  EXPECT_EQ(conn().QueryInt("SELECT COUNT(*) FROM profiles"), 1);
}

STRATA_INSTANTIATE_ENGINES(ProfileStoreTest);

}  // namespace
}  // namespace strata::storage
