// The upstream library tests (canonical/storage-libs tests/unit/test_cephfs_interfaces.py),
// mirrored one for one with the same fixture values: relation `cephfs-share` id 0, local
// applications cephfs-client / cephfs-server, remote application `application` with unit
// application/0, the local unit is the leader.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cephfs_test_charms.h"

namespace charms::storage_libs::v0 {
namespace {

using ops::testing::Context;
using ops::testing::Relation;
using ops::testing::Secret;
using ops::testing::State;
using ::testing::ElementsAre;
using testing::kAuthInfo;
using testing::kPlainAuth;
using testing::kShareInfo;
using testing::kShareInfoJson;
using testing::ProviderCharm;
using testing::RequirerCharm;
using testing::Seen;

const std::string kSecretId = "secret:cr8vcqgpc9t8oet2fdlg";

Relation relation(ops::Bag remote_app_data = {}) {
  return Relation{.endpoint = "cephfs-share",
                  .id = 0,
                  .remote_app_name = "application",
                  .remote_app_data = std::move(remote_app_data)};
}

Context<RequirerCharm> client() {
  return Context<RequirerCharm>::from_charmcraft_yaml(testing::requirer_yaml("cephfs-client"));
}
Context<ProviderCharm> server() {
  return Context<ProviderCharm>::from_charmcraft_yaml(testing::provider_yaml("cephfs-server"));
}

// Remote-owned secret {username, key}, granted to the client (Harness add_model_secret + grant).
Secret granted_secret() {
  return Secret{.id = kSecretId, .tracked_content = auth_info_to_secret_content(kAuthInfo)};
}

template <class Charm>
std::function<void(Charm&)> observe_into(Seen& seen) {
  return [&seen](Charm& charm) { charm.seen = &seen; };
}

void expect_fixture_payload(const testing::SeenEvent& event) {
  ASSERT_TRUE(event.share_info->ok());
  ASSERT_TRUE(event.auth_info->ok());
  EXPECT_EQ(*event.share_info->value(), kShareInfo);
  EXPECT_EQ(*event.auth_info->value(), kAuthInfo);
}

TEST(TestBaseInterface, IntegrationsListsTheRelation) {
  auto ctx = client();
  Seen seen;
  ctx.run(ctx.on.update_status(), State{.relations = {relation()}, .leader = true},
          [&](RequirerCharm& charm) {
            charm.seen = &seen;
            charm.call = [](RequirerCharm& c) {
              EXPECT_FALSE(c.share.integrations().empty());
              return ops::Status{};
            };
          });
  EXPECT_TRUE(seen.call_result.has_value());
}

TEST(TestBaseInterface, FetchDataReturnsTheRemoteApplicationBagWithoutCache) {
  auto ctx = client();
  const ops::Bag remote{{"share_info", kShareInfoJson}, {"auth", "scheme:/path"}};
  State in{.relations = {relation(remote)}, .leader = true};
  Seen seen;
  // Harness update_relation_data fires relation-changed first (which writes the cache).
  State out = ctx.run(ctx.on.relation_changed(in.get_relation(0), 0), in,
                      observe_into<RequirerCharm>(seen));
  ctx.run(ctx.on.update_status(), out, [&](RequirerCharm& charm) {
    charm.seen = &seen;
    charm.call = [&remote](RequirerCharm& c) {
      EXPECT_EQ(c.share.fetch_data(), (std::map<int, Databag>{{0, remote}}));
      return ops::Status{};
    };
  });
  EXPECT_TRUE(seen.call_result.has_value());
}

TEST(TestCephFSClientCharm, OnServerConnectedFiresOnceForANewUnit) {
  auto ctx = client();
  Relation rel = relation();
  rel.remote_units_data = {{0, {}}, {1, {}}};
  State in{.relations = {rel}, .leader = true};
  Seen seen;
  ctx.run(ctx.on.relation_joined(in.get_relation(0), 1), in, observe_into<RequirerCharm>(seen));
  EXPECT_THAT(testing::library_events(ctx), ElementsAre("server_connected"));
}

TEST(TestCephFSClientCharm, OnMountShareReadsTheSecretCredentials) {
  auto ctx = client();
  State in{.relations = {relation({{"share_info", kShareInfoJson}, {"auth", kSecretId}})},
           .secrets = {granted_secret()},
           .leader = true};
  Seen seen;
  ctx.run(ctx.on.relation_changed(in.get_relation(0), 0), in, observe_into<RequirerCharm>(seen));
  EXPECT_THAT(testing::library_events(ctx), ElementsAre("mount_share"));
  ASSERT_EQ(seen.events.size(), 1u);
  expect_fixture_payload(seen.events[0]);
}

TEST(TestCephFSClientCharm, OnMountShareCompatReadsPlainCredentials) {
  auto ctx = client();
  State in{.relations = {relation({{"share_info", kShareInfoJson}, {"auth", kPlainAuth}})},
           .leader = true};
  Seen seen;
  ctx.run(ctx.on.relation_changed(in.get_relation(0), 0), in, observe_into<RequirerCharm>(seen));
  EXPECT_THAT(testing::library_events(ctx), ElementsAre("mount_share"));
  ASSERT_EQ(seen.events.size(), 1u);
  expect_fixture_payload(seen.events[0]);
}

TEST(TestCephFSClientCharm, OnUmountShareFiresOnceAndReadsTheCurrentData) {
  auto ctx = client();
  State in{.relations = {relation({{"share_info", kShareInfoJson}, {"auth", kSecretId}})},
           .secrets = {granted_secret()},
           .leader = true};
  Seen seen;
  ctx.run(ctx.on.relation_departed(in.get_relation(0), 0), in, observe_into<RequirerCharm>(seen));
  EXPECT_THAT(testing::library_events(ctx), ElementsAre("umount_share"));
  ASSERT_EQ(seen.events.size(), 1u);
  expect_fixture_payload(seen.events[0]);
}

TEST(TestCephFSClientCharm, OnUmountShareCompatReadsPlainCredentials) {
  auto ctx = client();
  State in{.relations = {relation({{"share_info", kShareInfoJson}, {"auth", kPlainAuth}})},
           .leader = true};
  Seen seen;
  ctx.run(ctx.on.relation_departed(in.get_relation(0), 0), in, observe_into<RequirerCharm>(seen));
  EXPECT_THAT(testing::library_events(ctx), ElementsAre("umount_share"));
  ASSERT_EQ(seen.events.size(), 1u);
  expect_fixture_payload(seen.events[0]);
}

TEST(TestCephFSClientCharm, RequestShareLeavesExactlyTheName) {
  auto ctx = client();
  Seen seen;
  State out =
      ctx.run(ctx.on.update_status(), State{.relations = {relation()}, .leader = true},
              [&](RequirerCharm& charm) {
                charm.seen = &seen;
                charm.call = [](RequirerCharm& c) { return c.share.request_share(0, "/data"); };
              });
  ASSERT_TRUE(seen.call_result->ok());
  EXPECT_EQ(out.get_relation(0).local_app_data, (ops::Bag{{"name", "/data"}}));
}

TEST(TestCephFSServerCharm, OnShareRequestedFiresOnceWithTheName) {
  auto ctx = server();
  State in{.relations = {relation({{"name", "/data"}})}, .leader = true};
  Seen seen;
  ctx.run(ctx.on.relation_changed(in.get_relation(0), 0), in, observe_into<ProviderCharm>(seen));
  EXPECT_THAT(testing::library_events(ctx), ElementsAre("share_requested"));
  ASSERT_EQ(seen.events.size(), 1u);
  EXPECT_EQ(seen.events[0].name, "/data");
}

State set_share(Context<ProviderCharm>& ctx, const State& in, const CephFSAuthInfo& auth) {
  Seen seen;
  State out = ctx.run(ctx.on.update_status(), in, [&](ProviderCharm& charm) {
    charm.seen = &seen;
    charm.call = [&auth](ProviderCharm& c) { return c.share.set_share(0, kShareInfo, auth); };
  });
  EXPECT_TRUE(seen.call_result->ok());
  return out;
}

TEST(TestCephFSServerCharm, SetEndpointPublishesTheShareAndTheSecret) {
  auto ctx = server();
  State out = set_share(ctx, State{.relations = {relation()}, .leader = true}, kAuthInfo);
  const auto& bag = out.get_relation(0).local_app_data;
  EXPECT_EQ(*decode_share_info(bag.at("share_info")), kShareInfo);
  EXPECT_EQ(out.get_secret(bag.at("auth")).effective_latest_content(),
            auth_info_to_secret_content(kAuthInfo));
}

TEST(TestCephFSServerCharm, SetShareTwiceKeepsTheSecretIdAndUpdatesItsContent) {
  auto ctx = server();
  State out = set_share(ctx, State{.relations = {relation()}, .leader = true}, kAuthInfo);
  const std::string first_id = out.get_relation(0).local_app_data.at("auth");
  const CephFSAuthInfo new_user{"new-user", kAuthInfo.key};
  out = set_share(ctx, out, new_user);
  EXPECT_EQ(out.get_relation(0).local_app_data.at("auth"), first_id);
  EXPECT_EQ(out.get_secret(first_id).effective_latest_content(),
            auth_info_to_secret_content(new_user));
}

}  // namespace
}  // namespace charms::storage_libs::v0
