#include "cephfs/testing/fake_ceph_admin.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cephfs::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const SubvolumeId kShare{"cephfs", "share", ""};

TEST(FakeCephAdmin, CreatesANamespaceIsolatedSubvolumeAndAuthorizesAClientForIt) {
  FakeCephAdmin ceph;
  auto subvolume = ceph.create_subvolume({.id = kShare, .size_bytes = 1024});
  ASSERT_TRUE(subvolume.ok()) << subvolume.error().message;
  EXPECT_THAT(subvolume->path, ::testing::StartsWith("/volumes/_nogroup/share/"));
  EXPECT_EQ(subvolume->pool_namespace, "fsvolumens_share");
  EXPECT_EQ(subvolume->size_bytes, 1024u);

  auto key = ceph.authorize_client(kShare, "alice", Access::kReadWrite);
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(key->entity, "client.alice");
  EXPECT_EQ(ceph.clients.at("alice").caps.osd,
            "allow rw pool=cephfs.data namespace=fsvolumens_share");
  EXPECT_THAT(ceph.calls(), ElementsAre("create_subvolume cephfs/_nogroup/share size=1024",
                                        "authorize_client cephfs/_nogroup/share alice rw"));
}

TEST(FakeCephAdmin, AuthorizingAgainWithTheSameCapsReturnsTheSameKey) {
  FakeCephAdmin ceph;
  ASSERT_TRUE(ceph.create_subvolume({.id = kShare, .size_bytes = {}}).ok());
  auto first = ceph.authorize_client(kShare, "alice", Access::kReadWrite);
  auto second = ceph.authorize_client(kShare, "alice", Access::kReadWrite);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->key, second->key);
  auto other = ceph.authorize_client(kShare, "bob", Access::kReadWrite);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->key, first->key);
}

TEST(FakeCephAdmin, AuthorizingWithOtherCapsFailsLikeCeph) {
  FakeCephAdmin ceph;
  ASSERT_TRUE(ceph.create_subvolume({.id = kShare, .size_bytes = {}}).ok());
  ASSERT_TRUE(ceph.authorize_client(kShare, "alice", Access::kReadWrite).ok());
  auto again = ceph.authorize_client(kShare, "alice", Access::kReadOnly);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ops::ErrorCode::kInvalidArgument);
  EXPECT_THAT(again.error().message, HasSubstr("revoke it first"));
}

TEST(FakeCephAdmin, MissingFileSystemOrSubvolumeIsInvalidArgument) {
  FakeCephAdmin ceph;
  auto no_fs = ceph.create_subvolume({.id = {"nofs", "share", ""}, .size_bytes = {}});
  ASSERT_FALSE(no_fs.ok());
  EXPECT_EQ(no_fs.error().code, ops::ErrorCode::kInvalidArgument);
  auto no_subvolume = ceph.authorize_client(kShare, "alice", Access::kReadWrite);
  ASSERT_FALSE(no_subvolume.ok());
  EXPECT_FALSE(ceph.has_client("alice"));
}

TEST(FakeCephAdmin, RejectsEscapingNamesWithoutChangingState) {
  FakeCephAdmin ceph;
  EXPECT_FALSE(ceph.create_subvolume({.id = {"cephfs", "../x", ""}, .size_bytes = {}}).ok());
  EXPECT_FALSE(ceph.create_subvolume({.id = {"cephfs", "x", "a/b"}, .size_bytes = {}}).ok());
  ASSERT_TRUE(ceph.create_subvolume({.id = kShare, .size_bytes = {}}).ok());
  EXPECT_FALSE(ceph.authorize_client(kShare, "client.alice", Access::kReadWrite).ok());
  EXPECT_EQ(ceph.subvolumes.size(), 1u);
  EXPECT_TRUE(ceph.clients.empty());
}

TEST(FakeCephAdmin, RemovingAClientKeepsItsSessionsUntilEvicted) {
  FakeCephAdmin ceph;
  ASSERT_TRUE(ceph.create_subvolume({.id = kShare, .size_bytes = {}}).ok());
  ASSERT_TRUE(ceph.authorize_client(kShare, "alice", Access::kReadWrite).ok());
  ASSERT_TRUE(ceph.open_session("alice"));
  ASSERT_TRUE(ceph.remove_client("alice").ok());
  EXPECT_FALSE(ceph.has_client("alice"));
  EXPECT_FALSE(ceph.open_session("alice"));
  EXPECT_EQ(ceph.sessions("alice"), 1);
  ASSERT_TRUE(ceph.evict_client("alice").ok());
  EXPECT_EQ(ceph.sessions("alice"), 0);
}

TEST(FakeCephAdmin, RevokeRemovesTheKeyAndEvictsTheSessions) {
  FakeCephAdmin ceph;
  ASSERT_TRUE(ceph.create_subvolume({.id = kShare, .size_bytes = {}}).ok());
  ASSERT_TRUE(ceph.authorize_client(kShare, "alice", Access::kReadWrite).ok());
  ASSERT_TRUE(ceph.open_session("alice"));
  ceph.clear_calls();
  ASSERT_TRUE(ceph.revoke_client("alice").ok());
  EXPECT_FALSE(ceph.has_client("alice"));
  EXPECT_EQ(ceph.sessions("alice"), 0);
  EXPECT_THAT(ceph.calls(), ElementsAre("remove_client alice", "evict_client alice"));
}

TEST(FakeCephAdmin, RevokeStillEvictsWhenRemovingTheKeyFails) {
  FakeCephAdmin ceph;
  ASSERT_TRUE(ceph.create_subvolume({.id = kShare, .size_bytes = {}}).ok());
  ASSERT_TRUE(ceph.authorize_client(kShare, "alice", Access::kReadWrite).ok());
  ASSERT_TRUE(ceph.open_session("alice"));
  ceph.fail_next("remove_client", {ops::ErrorCode::kUnavailable, "mon down"});
  auto status = ceph.revoke_client("alice");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "mon down");
  EXPECT_TRUE(ceph.has_client("alice"));
  EXPECT_EQ(ceph.sessions("alice"), 0);
}

TEST(FakeCephAdmin, RemovingAbsentThingsSucceeds) {
  FakeCephAdmin ceph;
  EXPECT_TRUE(ceph.remove_client("nobody").ok());
  EXPECT_TRUE(ceph.remove_subvolume(kShare).ok());
}

TEST(FakeCephAdmin, InjectedFailuresComeFirstAreCountedAndRecorded) {
  FakeCephAdmin ceph;
  ceph.fail_next("create_subvolume", {ops::ErrorCode::kTimeout, "slow"}, 2);
  EXPECT_EQ(ceph.create_subvolume({.id = kShare, .size_bytes = {}}).error().code,
            ops::ErrorCode::kTimeout);
  EXPECT_FALSE(ceph.create_subvolume({.id = kShare, .size_bytes = {}}).ok());
  EXPECT_FALSE(ceph.has_subvolume(kShare));
  EXPECT_TRUE(ceph.create_subvolume({.id = kShare, .size_bytes = {}}).ok());
  EXPECT_EQ(ceph.calls().size(), 3u);
}

TEST(FakeCephAdmin, PersistentFailuresLastUntilCleared) {
  FakeCephAdmin ceph;
  ceph.fail_always("fsid", {ops::ErrorCode::kUnavailable, "down"});
  EXPECT_FALSE(ceph.fsid().ok());
  EXPECT_FALSE(ceph.fsid().ok());
  ceph.clear_failures();
  ASSERT_TRUE(ceph.fsid().ok());
  EXPECT_EQ(*ceph.fsid(), ceph.fsid_value);
}

TEST(FakeCephAdmin, ReportsMonitorsAndVolumes) {
  FakeCephAdmin ceph;
  ceph.volumes.insert("cephfs2");
  EXPECT_THAT(*ceph.list_volumes(), ElementsAre("cephfs", "cephfs2"));
  EXPECT_EQ(to_mon_host(*ceph.monitor_addresses()), "[v2:10.0.0.1:3300,v1:10.0.0.1:6789]");
}

TEST(FakeCephAdmin, OwnerMarksAreClaimedExclusivelyLikeARadosExclusiveCreate) {
  FakeCephAdmin ceph;
  EXPECT_EQ(*ceph.owner_mark("cephfs", "client:a"), std::nullopt);
  EXPECT_TRUE(*ceph.claim_owner_mark("cephfs", "client:a", "first"));
  EXPECT_FALSE(*ceph.claim_owner_mark("cephfs", "client:a", "second"));
  EXPECT_EQ(*ceph.owner_mark("cephfs", "client:a"), std::optional<std::string>("first"));
  EXPECT_EQ(*ceph.owner_mark("cephfs", "client:b"), std::nullopt);
  ASSERT_TRUE(ceph.remove_owner_mark("cephfs", "client:a").ok());
  ASSERT_TRUE(ceph.remove_owner_mark("cephfs", "client:a").ok());
  EXPECT_TRUE(ceph.marks.empty());
  EXPECT_EQ(ceph.owner_mark("cephfs", "a/b").error().code, ops::ErrorCode::kInvalidArgument);
  EXPECT_EQ(ceph.owner_mark("nope", "x").error().code, ops::ErrorCode::kInvalidArgument);
}

TEST(FakeCephAdmin, BeforeClaimActsOutARaceOnce) {
  FakeCephAdmin ceph;
  ceph.before_claim = [&ceph] { ceph.marks["cephfs/x"] = "theirs"; };
  EXPECT_FALSE(*ceph.claim_owner_mark("cephfs", "x", "ours"));
  EXPECT_EQ(ceph.marks.at("cephfs/x"), "theirs");
  EXPECT_TRUE(*ceph.claim_owner_mark("cephfs", "y", "ours"));  // only once
  EXPECT_THAT(ceph.calls(), ElementsAre("claim_owner_mark cephfs/x", "claim_owner_mark cephfs/y"));
}

}  // namespace
}  // namespace cephfs::testing
