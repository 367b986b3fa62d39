// CephFSRequires: state transitions of the client side (hooks in, events, bags and tool calls
// out). The byte-level LIBPATCH 2 behaviour is pinned by cephfs_share_conformance_test; these
// tests cover hook-tool economy and what goes beyond LIBPATCH 2.
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
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::kAuthInfo;
using testing::kShareInfo;
using testing::kShareInfoJson;
using testing::RequirerCharm;
using testing::Seen;

const std::string kSecretId = "secret:cr8vcqgpc9t8oet2fdlg";

Context<RequirerCharm> make_context() {
  return Context<RequirerCharm>::from_charmcraft_yaml(testing::requirer_yaml());
}

// The provider application bag after a Python provider's set_share.
ops::Bag published(const std::string& auth_rev = "1") {
  return {{"auth", kSecretId}, {"auth-rev", auth_rev}, {"share_info", kShareInfoJson}};
}

std::string cache_of(const ops::Bag& remote) { return *encode_cache(remote); }

Relation share_relation(ops::Bag remote_app_data, ops::Bag local_unit_data = {}, int id = 0) {
  return Relation{.endpoint = "cephfs-share",
                  .id = id,
                  .local_unit_data = std::move(local_unit_data),
                  .remote_app_name = "cephfs-server",
                  .remote_app_data = std::move(remote_app_data)};
}

Secret auth_secret(int tracked = 1, std::optional<CephFSAuthInfo> latest = std::nullopt) {
  Secret secret{.id = kSecretId, .tracked_content = auth_info_to_secret_content(kAuthInfo)};
  secret.tracked_revision = tracked;
  if (latest) secret.latest_content = auth_info_to_secret_content(*latest);
  return secret;
}

auto run(Context<RequirerCharm>& ctx, const ops::testing::Event& event, const State& in, Seen& seen,
         std::function<void(RequirerCharm&)> more = nullptr) {
  return ctx.run(event, in, [&](RequirerCharm& charm) {
    charm.seen = &seen;
    if (more) more(charm);
  });
}

TEST(Requirer, EmitsServerConnectedOnTheLeaderWithOneToolCall) {
  auto ctx = make_context();
  State in{.relations = {share_relation({})}, .leader = true};
  Seen seen;
  State out = run(ctx, ctx.on.relation_joined(in.get_relation(0), 0), in, seen);
  EXPECT_THAT(testing::library_events(ctx), ElementsAre("server_connected"));
  EXPECT_THAT(testing::tool_calls(ctx), ElementsAre("is-leader --format=json"));
  EXPECT_EQ(out.get_relation(0), in.get_relation(0));
}

TEST(Requirer, IgnoresRelationJoinedOnANonLeader) {
  auto ctx = make_context();
  State in{.relations = {share_relation({})}, .leader = false};
  Seen seen;
  run(ctx, ctx.on.relation_joined(in.get_relation(0), 0), in, seen);
  EXPECT_THAT(testing::library_events(ctx), IsEmpty());
  EXPECT_EQ(ctx.tool_calls.size(), 1u);
}

TEST(Requirer, RelationChangedThatChangesNothingReadsTwoBagsAndWritesNothing) {
  auto ctx = make_context();
  State in{.relations = {share_relation(published(), {{"cache", cache_of(published())}})},
           .secrets = {auth_secret()}};
  Seen seen;
  State out = run(ctx, ctx.on.relation_changed(in.get_relation(0), 0), in, seen);
  EXPECT_THAT(testing::library_events(ctx), IsEmpty());
  EXPECT_THAT(testing::tool_calls(ctx),
              ElementsAre("relation-get --format=json -r cephfs-share:0 - cephfs-client/0",
                          "relation-get --format=json -r cephfs-share:0 --app - cephfs-server"));
  EXPECT_EQ(out.get_relation(0).local_unit_data, in.get_relation(0).local_unit_data);
}

TEST(Requirer, MountShareWithSecretCredentialsTakesFourToolCalls) {
  auto ctx = make_context();
  State in{.relations = {share_relation(published())}, .secrets = {auth_secret()}};
  Seen seen;
  State out = run(ctx, ctx.on.relation_changed(in.get_relation(0), 0), in, seen);
  ASSERT_EQ(seen.events.size(), 1u);
  EXPECT_EQ(*seen.events[0].share_info->value(), kShareInfo);
  EXPECT_EQ(*seen.events[0].auth_info->value(), kAuthInfo);
  EXPECT_THAT(testing::tool_calls(ctx),
              ElementsAre("relation-get --format=json -r cephfs-share:0 - cephfs-client/0",
                          "relation-get --format=json -r cephfs-share:0 --app - cephfs-server",
                          "relation-set -r cephfs-share:0 --file -",
                          "secret-get --format=json " + kSecretId + " --refresh"));
  EXPECT_EQ(out.get_relation(0).local_unit_data.at("cache"), cache_of(published()));
}

TEST(Requirer, ReportsAnUngrantedSecretAsAnErrorValueWithoutFailingTheHook) {
  auto ctx = make_context();
  State in{.relations = {share_relation(published())}};  // the secret is not visible
  Seen seen;
  run(ctx, ctx.on.relation_changed(in.get_relation(0), 0), in, seen);
  ASSERT_EQ(seen.events.size(), 1u);
  const auto& auth = *seen.events[0].auth_info;
  ASSERT_FALSE(auth.ok());
  EXPECT_EQ(auth.error().code, ops::ErrorCode::kSecretNotFound);
  EXPECT_EQ(wire_error_code(auth.error()), kAuthSecretNotFound);
  EXPECT_THAT(auth.error().message, HasSubstr("not visible to this unit"));
  EXPECT_TRUE(seen.events[0].share_info->ok());
}

TEST(Requirer, EmitsMountShareWithTheNewKeyWhenTheAuthSecretChanges) {
  // A Python provider rotated the key under a real controller: auth-rev stayed "1" (quirk 2), so
  // relation-changed says nothing; secret-changed carries the news.
  const CephFSAuthInfo rotated{"user", "QUJDREVGR0hJSktMTU5PUA=="};
  auto ctx = make_context();
  State in{.relations = {share_relation(published(), {{"cache", cache_of(published())}})},
           .secrets = {auth_secret(1, rotated)}};
  Seen seen;
  run(ctx, ctx.on.relation_changed(in.get_relation(0), 0), in, seen);
  EXPECT_THAT(testing::library_events(ctx), IsEmpty());

  State out = run(ctx, ctx.on.secret_changed(in.get_secret(kSecretId)), in, seen);
  EXPECT_THAT(testing::library_events(ctx), ElementsAre("mount_share"));
  ASSERT_EQ(seen.events.size(), 1u);
  EXPECT_EQ(seen.events[0].relation_id, 0);
  EXPECT_EQ(*seen.events[0].auth_info->value(), rotated);
  EXPECT_EQ(out.get_secret(kSecretId).tracked_revision, 2);
  EXPECT_THAT(testing::tool_calls(ctx),
              ElementsAre("relation-ids cephfs-share --format=json",
                          "relation-list --format=json --app -r cephfs-share:0",
                          "relation-get --format=json -r cephfs-share:0 --app - cephfs-server",
                          "secret-get --format=json " + kSecretId + " --refresh"));
}

TEST(Requirer, IgnoresSecretChangedOfASecretItDoesNotUse) {
  auto ctx = make_context();
  Secret other{.id = "secret:d00000000000000000aa", .tracked_content = {{"foo", "bar"}}};
  other.latest_content = ops::SecretContent{{"foo", "baz"}};
  State in{.relations = {share_relation(published())}, .secrets = {auth_secret(), other}};
  Seen seen;
  run(ctx, ctx.on.secret_changed(in.get_secret(other.id)), in, seen);
  EXPECT_THAT(testing::library_events(ctx), IsEmpty());
}

TEST(Requirer, RequestShareWritesTheNameWithOneRelationSet) {
  auto ctx = make_context();
  State in{.relations = {share_relation({})}, .leader = true};
  Seen seen;
  State out = run(ctx, ctx.on.update_status(), in, seen, [](RequirerCharm& charm) {
    charm.call = [](RequirerCharm& c) { return c.share.request_share(0, "/data"); };
  });
  ASSERT_TRUE(seen.call_result->ok());
  EXPECT_EQ(out.get_relation(0).local_app_data, (ops::Bag{{"name", "/data"}}));
  // Outside a hook of that relation the model must list the endpoint's relations to find it.
  EXPECT_THAT(testing::tool_calls(ctx),
              ElementsAre("is-leader --format=json", "relation-ids cephfs-share --format=json",
                          "relation-set -r cephfs-share:0 --app --file -"));
}

TEST(Requirer, RequestShareOnANonLeaderIsALoggedNoOp) {
  auto ctx = make_context();
  State in{.relations = {share_relation({})}, .leader = false};
  Seen seen;
  run(ctx, ctx.on.update_status(), in, seen, [](RequirerCharm& charm) {
    charm.call = [](RequirerCharm& c) { return c.share.request_share(0, "/data"); };
  });
  EXPECT_TRUE(seen.call_result->ok());
  EXPECT_EQ(ctx.count_tool_calls("relation-set"), 0);
  EXPECT_THAT(testing::log_lines(ctx, "INFO"),
              ElementsAre("request_share for relation cephfs-share:0 ignored: cephfs-client/0 is "
                          "not the leader"));
}

TEST(Requirer, RequestShareRejectsAnEmptyName) {
  auto ctx = make_context();
  State in{.relations = {share_relation({})}, .leader = true};
  Seen seen;
  run(ctx, ctx.on.update_status(), in, seen, [](RequirerCharm& charm) {
    charm.call = [](RequirerCharm& c) { return c.share.request_share(0, ""); };
  });
  ASSERT_FALSE(seen.call_result->ok());
  EXPECT_EQ(seen.call_result->error().code, ops::ErrorCode::kInvalidArgument);
  EXPECT_THAT(seen.call_result->error().message, HasSubstr("must not be empty"));
  EXPECT_THAT(ctx.tool_calls, IsEmpty());
}

TEST(Requirer, RequestShareOnAnUnknownRelationIsRelationNotFound) {
  auto ctx = make_context();
  State in{.relations = {share_relation({})}, .leader = true};
  Seen seen;
  run(ctx, ctx.on.update_status(), in, seen, [](RequirerCharm& charm) {
    charm.call = [](RequirerCharm& c) { return c.share.request_share(7, "/data"); };
  });
  ASSERT_FALSE(seen.call_result->ok());
  EXPECT_EQ(seen.call_result->error().code, ops::ErrorCode::kRelationNotFound);
  EXPECT_THAT(seen.call_result->error().message, HasSubstr("relation cephfs-share:7 not found"));
}

TEST(Requirer, ADeferredMountShareReadsTheDataOfTheHookItFinallyRunsIn) {
  auto ctx = make_context();
  State in{.relations = {share_relation(published())}, .secrets = {auth_secret()}};
  Seen seen;
  State out = run(ctx, ctx.on.relation_changed(in.get_relation(0), 0), in, seen,
                  [](RequirerCharm& charm) { charm.defer_mount = true; });
  ASSERT_EQ(out.deferred.size(), 1u);
  EXPECT_THAT(seen.events, IsEmpty());

  CephFSShareInfo moved = kShareInfo;
  moved.path = "/moved";
  out.get_relation(0).remote_app_data["share_info"] = *encode_share_info(moved);
  out = run(ctx, ctx.on.update_status(), out, seen);
  EXPECT_TRUE(out.deferred.empty());
  ASSERT_EQ(seen.events.size(), 1u);
  EXPECT_EQ(seen.events[0].kind, "mount_share");
  EXPECT_EQ(*seen.events[0].share_info->value(), moved);
}

TEST(Requirer, ServesSeveralRelationsEachByItsRelationId) {
  // LIBPATCH 2 is meant for one relation (limit: 1); nothing in the library depends on that.
  auto ctx = make_context();
  CephFSShareInfo second = kShareInfo;
  second.name = "other-fs";
  Relation other = share_relation(
      {{"auth", testing::kPlainAuth}, {"share_info", *encode_share_info(second)}}, {}, 3);
  other.remote_app_name = "cephfs-server-b";
  State in{.relations = {share_relation(published(), {{"cache", cache_of(published())}}), other},
           .secrets = {auth_secret()}};
  Seen seen;
  run(ctx, ctx.on.relation_changed(in.get_relation(3), 0), in, seen);
  ASSERT_EQ(seen.events.size(), 1u);
  EXPECT_EQ(seen.events[0].relation_id, 3);
  EXPECT_EQ(*seen.events[0].share_info->value(), second);
  EXPECT_EQ(*seen.events[0].auth_info->value(), kAuthInfo);
}

TEST(Requirer, FetchDataReturnsEachRemoteApplicationBagWithoutCache) {
  auto ctx = make_context();
  ops::Bag remote = published();
  remote["cache"] = "{}";
  State in{.relations = {share_relation(remote)}};
  Seen seen;
  run(ctx, ctx.on.update_status(), in, seen, [](RequirerCharm& charm) {
    charm.call = [](RequirerCharm& c) {
      EXPECT_EQ(c.share.fetch_data(), (std::map<int, Databag>{{0, published()}}));
      EXPECT_EQ(c.share.integrations().size(), 1u);
      return ops::Status{};
    };
  });
  EXPECT_TRUE(seen.call_result->ok());
}

}  // namespace
}  // namespace charms::storage_libs::v0
