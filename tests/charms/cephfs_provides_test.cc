// CephFSProvides: state transitions of the server side. The byte-level LIBPATCH 2 behaviour is
// pinned by cephfs_share_conformance_test; these tests cover hook-tool economy, key rotation
// under a real controller's revision reporting, per-relation credentials and bad calls.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cephfs_test_charms.h"

namespace charms::storage_libs::v0 {
namespace {

using ops::testing::Context;
using ops::testing::ContextOptions;
using ops::testing::Relation;
using ops::testing::Secret;
using ops::testing::State;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::kAuthInfo;
using testing::kShareInfo;
using testing::kShareInfoJson;
using testing::ProviderCharm;
using testing::Seen;

const std::string kSharedId = "secret:cr8vd2opc9t8oet2fdm0";
const CephFSAuthInfo kRotated{"user", "QUJDREVGR0hJSktMTU5PUA=="};
const CephFSAuthInfo kClientA{"client-a", "QUFBQUFBQUFBQUFBQUFBQQ=="};
const CephFSAuthInfo kClientB{"client-b", "QkJCQkJCQkJCQkJCQkJCQg=="};

Context<ProviderCharm> make_context(ContextOptions options = {}) {
  return Context<ProviderCharm>::from_charmcraft_yaml(testing::provider_yaml(), options);
}

Relation client_relation(int id = 0, std::string app = "cephfs-client",
                         ops::Bag remote_app_data = {{"name", "/data"}}, ops::Bag app_data = {}) {
  return Relation{.endpoint = "cephfs-share",
                  .id = id,
                  .local_app_data = std::move(app_data),
                  .remote_app_name = std::move(app),
                  .remote_app_data = std::move(remote_app_data)};
}

// The `auth_info` secret as a Python provider left it: revision `revision`, granted to `grants`.
Secret shared_secret(const CephFSAuthInfo& auth, int revision = 1,
                     std::map<int, std::set<std::string>> grants = {}) {
  Secret secret{.id = kSharedId,
                .owner = "app",
                .tracked_content = auth_info_to_secret_content(auth),
                .label = std::string(kAuthInfoSecretLabel),
                .description = std::string(kAuthInfoSecretDescription)};
  secret.tracked_revision = revision;
  secret.remote_grants = std::move(grants);
  return secret;
}

ops::Bag python_published(const std::string& rev = "1") {
  return {{"auth", kSharedId}, {"auth-rev", rev}, {"share_info", kShareInfoJson}};
}

State run_call(Context<ProviderCharm>& ctx, const State& in, Seen& seen,
               std::function<ops::Status(ProviderCharm&)> call) {
  return ctx.run(ctx.on.update_status(), in, [&](ProviderCharm& charm) {
    charm.seen = &seen;
    charm.call = call;
  });
}

ops::SecretContent content_of(const CephFSAuthInfo& auth) {
  return auth_info_to_secret_content(auth);
}

TEST(Provider, ShareRequestedAndSetShareTakeEightToolCalls) {
  auto ctx = make_context();
  State in{.relations = {client_relation()}, .leader = true};
  Seen seen;
  State out = ctx.run(ctx.on.relation_changed(in.get_relation(0), 0), in, [&](ProviderCharm& c) {
    c.seen = &seen;
    c.answer = [](ProviderCharm& charm, int id) {
      return charm.share.set_share(id, kShareInfo, kAuthInfo);
    };
  });
  ASSERT_EQ(seen.events.size(), 1u);
  EXPECT_EQ(seen.events[0].name, "/data");
  ASSERT_TRUE(seen.call_result->ok()) << seen.call_result->error().message;
  const std::string id = out.get_secret("auth_info").id;
  EXPECT_EQ(out.get_relation(0).local_app_data,
            (ops::Bag{{"auth", id}, {"auth-rev", "1"}, {"share_info", kShareInfoJson}}));
  EXPECT_THAT(
      testing::tool_calls(ctx),
      ElementsAre("is-leader --format=json",
                  "relation-get --format=json -r cephfs-share:0 - cephfs-server/0",
                  "relation-get --format=json -r cephfs-share:0 --app - cephfs-client",
                  "relation-set -r cephfs-share:0 --file -",
                  "secret-info-get --format=json --label auth_info",
                  "secret-add --label auth_info --description Auth info to authenticate against "
                  "the CephFS share --owner application key#file=<tmp>/key "
                  "username#file=<tmp>/username",
                  "secret-grant --relation 0 " + id,
                  "relation-set -r cephfs-share:0 --app --file -"));
}

TEST(Provider, NonLeaderIgnoresRelationChangedWithOneToolCall) {
  auto ctx = make_context();
  State in{.relations = {client_relation()}, .leader = false};
  Seen seen;
  ctx.run(ctx.on.relation_changed(in.get_relation(0), 0), in,
          [&](ProviderCharm& c) { c.seen = &seen; });
  EXPECT_THAT(testing::library_events(ctx), IsEmpty());
  EXPECT_THAT(testing::tool_calls(ctx), ElementsAre("is-leader --format=json"));
}

TEST(Provider, ADeferredShareRequestedStillReadsTheName) {
  auto ctx = make_context();
  State in{.relations = {client_relation()}, .leader = true};
  Seen seen;
  State out = ctx.run(ctx.on.relation_changed(in.get_relation(0), 0), in, [&](ProviderCharm& c) {
    c.seen = &seen;
    c.defer_request = true;
  });
  ASSERT_EQ(out.deferred.size(), 1u);
  out = ctx.run(ctx.on.update_status(), out, [&](ProviderCharm& c) { c.seen = &seen; });
  ASSERT_EQ(seen.events.size(), 1u);
  EXPECT_EQ(seen.events[0].name, "/data");
  EXPECT_TRUE(out.deferred.empty());
}

TEST(Provider, RepublishingTheSameCredentialsMakesNoNewRevision) {
  auto ctx = make_context();
  State in{
      .relations = {client_relation(0, "cephfs-client", {{"name", "/data"}}, python_published())},
      .secrets = {shared_secret(kAuthInfo, 1, {{0, {"cephfs-client"}}})},
      .leader = true};
  Seen seen;
  State out = run_call(
      ctx, in, seen, [](ProviderCharm& c) { return c.share.set_share(0, kShareInfo, kAuthInfo); });
  ASSERT_TRUE(seen.call_result->ok());
  EXPECT_EQ(ctx.count_tool_calls("secret-set"), 0);
  EXPECT_EQ(out.get_secret(kSharedId).effective_latest_revision(), 1);
  EXPECT_EQ(out.get_relation(0).local_app_data, python_published("1"));
}

// Quirk 2: under a real controller secret-info-get reports the old revision in the hook that
// changed the content, so LIBPATCH 2 would publish auth-rev "1" here and clients never remount.
TEST(Provider, AuthRevChangesWithTheKeyUnderRealJujuRevisionReporting) {
  auto ctx = make_context({.juju_revision_reporting = true});
  State in{
      .relations = {client_relation(0, "cephfs-client", {{"name", "/data"}}, python_published())},
      .secrets = {shared_secret(kAuthInfo, 1, {{0, {"cephfs-client"}}})},
      .leader = true};
  Seen seen;
  State out = run_call(ctx, in, seen,
                       [](ProviderCharm& c) { return c.share.set_share(0, kShareInfo, kRotated); });
  ASSERT_TRUE(seen.call_result->ok()) << seen.call_result->error().message;
  EXPECT_EQ(out.get_relation(0).local_app_data.at("auth-rev"), "2");
  EXPECT_EQ(out.get_secret(kSharedId).effective_latest_revision(), 2);
  EXPECT_EQ(out.get_secret(kSharedId).effective_latest_content(), content_of(kRotated));
}

TEST(Provider, TwoRotationsInOneHookPublishTheRevisionTheControllerCommits) {
  for (bool juju : {true, false}) {
    auto ctx = make_context({.juju_revision_reporting = juju});
    State in{
        .relations = {client_relation(0, "cephfs-client", {{"name", "/data"}}, python_published())},
        .secrets = {shared_secret(kAuthInfo, 1, {{0, {"cephfs-client"}}})},
        .leader = true};
    Seen seen;
    State out = run_call(ctx, in, seen, [](ProviderCharm& c) {
      auto first = c.share.set_share(0, kShareInfo, kRotated);
      if (!first) return first;
      return c.share.set_share(0, kShareInfo, kClientA);
    });
    ASSERT_TRUE(seen.call_result->ok());
    const int committed = out.get_secret(kSharedId).effective_latest_revision();
    EXPECT_EQ(committed, juju ? 2 : 3);
    EXPECT_EQ(out.get_relation(0).local_app_data.at("auth-rev"), std::to_string(committed));
    EXPECT_EQ(out.get_secret(kSharedId).effective_latest_content(), content_of(kClientA));
  }
}

TEST(Provider, ClientACannotReadClientBsKey) {
  auto ctx = make_context();
  State in{.relations = {client_relation(0, "client-a"), client_relation(1, "client-b")},
           .leader = true};
  Seen seen;
  State out = run_call(ctx, in, seen, [](ProviderCharm& c) {
    auto a = c.share.set_share(0, kShareInfo, kClientA);
    if (!a) return a;
    return c.share.set_share(1, kShareInfo, kClientB);
  });
  ASSERT_TRUE(seen.call_result->ok()) << seen.call_result->error().message;
  const Secret& shared = out.get_secret("auth_info");
  const Secret& own = out.get_secret("auth_info-1");
  EXPECT_EQ(shared.effective_latest_content(), content_of(kClientA));
  EXPECT_EQ(shared.remote_grants, (std::map<int, std::set<std::string>>{{0, {"client-a"}}}));
  EXPECT_EQ(own.effective_latest_content(), content_of(kClientB));
  EXPECT_EQ(own.remote_grants, (std::map<int, std::set<std::string>>{{1, {"client-b"}}}));
  EXPECT_EQ(out.get_relation(0).local_app_data.at("auth"), shared.id);
  EXPECT_EQ(out.get_relation(1).local_app_data.at("auth"), own.id);
  EXPECT_EQ(out.get_relation(1).local_app_data.at("auth-rev"), "1");
}

TEST(Provider, RelationsWithTheSameCredentialsShareTheAuthInfoSecret) {
  auto ctx = make_context();
  State in{.relations = {client_relation(0, "client-a"), client_relation(1, "client-b")},
           .leader = true};
  Seen seen;
  State out = run_call(ctx, in, seen, [](ProviderCharm& c) {
    auto a = c.share.set_share(0, kShareInfo, kAuthInfo);
    if (!a) return a;
    return c.share.set_share(1, kShareInfo, kAuthInfo);
  });
  ASSERT_TRUE(seen.call_result->ok());
  ASSERT_EQ(out.secrets.size(), 1u);
  EXPECT_EQ(out.secrets[0].remote_grants,
            (std::map<int, std::set<std::string>>{{0, {"client-a"}}, {1, {"client-b"}}}));
}

// A C++ provider replacing a Python one finds `auth_info` granted to every client.
TEST(Provider, RotatingOneClientOfTheAdoptedPythonSecretMovesItToItsOwnSecret) {
  auto ctx = make_context();
  State in{.relations = {client_relation(0, "client-a", {{"name", "/a"}}, python_published()),
                         client_relation(1, "client-b", {{"name", "/b"}}, python_published())},
           .secrets = {shared_secret(kAuthInfo, 1, {{0, {"client-a"}}, {1, {"client-b"}}})},
           .leader = true};
  Seen seen;
  State out = run_call(ctx, in, seen,
                       [](ProviderCharm& c) { return c.share.set_share(0, kShareInfo, kRotated); });
  ASSERT_TRUE(seen.call_result->ok()) << seen.call_result->error().message;
  const Secret& shared = out.get_secret(kSharedId);
  const Secret& own = out.get_secret("auth_info-0");
  EXPECT_EQ(shared.effective_latest_content(), content_of(kAuthInfo));
  EXPECT_EQ(shared.remote_grants, (std::map<int, std::set<std::string>>{{1, {"client-b"}}}));
  EXPECT_EQ(own.effective_latest_content(), content_of(kRotated));
  EXPECT_EQ(own.remote_grants, (std::map<int, std::set<std::string>>{{0, {"client-a"}}}));
  EXPECT_EQ(out.get_relation(0).local_app_data.at("auth"), own.id);
  EXPECT_EQ(out.get_relation(1).local_app_data, python_published());

  // The other client rotates too: it is now the only reader of auth_info, which is updated.
  out = run_call(ctx, out, seen,
                 [](ProviderCharm& c) { return c.share.set_share(1, kShareInfo, kRotated); });
  ASSERT_TRUE(seen.call_result->ok());
  EXPECT_EQ(out.get_secret(kSharedId).effective_latest_content(), content_of(kRotated));
  EXPECT_EQ(out.get_relation(1).local_app_data, python_published("2"));
}

TEST(Provider, SetShareRejectsInvalidShareInfoBeforeWritingAnything) {
  auto ctx = make_context();
  State in{.relations = {client_relation()}, .leader = true};
  Seen seen;
  CephFSShareInfo relative = kShareInfo;
  relative.path = "data";
  State out = run_call(ctx, in, seen, [relative](ProviderCharm& c) {
    return c.share.set_share(0, relative, kAuthInfo);
  });
  ASSERT_FALSE(seen.call_result->ok());
  EXPECT_EQ(seen.call_result->error().code, ops::ErrorCode::kInvalidArgument);
  EXPECT_EQ(wire_error_code(seen.call_result->error()), kInvalidShareInfo);
  EXPECT_THAT(testing::tool_calls(ctx), ElementsAre("is-leader --format=json"));
  EXPECT_TRUE(out.secrets.empty());
}

TEST(Provider, SetShareRejectsInvalidCredentialsWithoutQuotingTheKey) {
  auto ctx = make_context();
  State in{.relations = {client_relation()}, .leader = true};
  Seen seen;
  run_call(ctx, in, seen, [](ProviderCharm& c) {
    return c.share.set_share(0, kShareInfo, {"user", "not base64 !"});
  });
  ASSERT_FALSE(seen.call_result->ok());
  EXPECT_EQ(wire_error_code(seen.call_result->error()), kInvalidAuthInfo);
  EXPECT_THAT(seen.call_result->error().message, ::testing::Not(HasSubstr("not base64 !")));
  EXPECT_EQ(ctx.tool_calls.size(), 1u);
}

TEST(Provider, SetShareOnANonLeaderIsALoggedNoOp) {
  auto ctx = make_context();
  State in{.relations = {client_relation()}, .leader = false};
  Seen seen;
  State out = run_call(
      ctx, in, seen, [](ProviderCharm& c) { return c.share.set_share(0, kShareInfo, kAuthInfo); });
  EXPECT_TRUE(seen.call_result->ok());
  EXPECT_TRUE(out.secrets.empty());
  EXPECT_THAT(testing::log_lines(ctx, "INFO"),
              ElementsAre("set_share for relation cephfs-share:0 ignored: cephfs-server/0 is not "
                          "the leader"));
}

TEST(Provider, SetShareOnAnUnknownRelationIsRelationNotFound) {
  auto ctx = make_context();
  State in{.relations = {client_relation()}, .leader = true};
  Seen seen;
  State out = run_call(
      ctx, in, seen, [](ProviderCharm& c) { return c.share.set_share(9, kShareInfo, kAuthInfo); });
  ASSERT_FALSE(seen.call_result->ok());
  EXPECT_EQ(seen.call_result->error().code, ops::ErrorCode::kRelationNotFound);
  EXPECT_THAT(seen.call_result->error().message, HasSubstr("relation cephfs-share:9 not found"));
  EXPECT_TRUE(out.secrets.empty());
}

TEST(Provider, SecretRemoveLeavesSecretsOfTheCharmAlone) {
  auto ctx = make_context();
  Secret other{.id = "secret:d00000000000000000aa",
               .owner = "app",
               .tracked_content = {{"password", "x"}},
               .label = std::string("db-password")};
  other.tracked_revision = 2;
  State in{.relations = {client_relation()}, .secrets = {other}, .leader = true};
  Seen seen;
  State out = ctx.run(ctx.on.secret_remove(in.get_secret(other.id), 1), in,
                      [&](ProviderCharm& c) { c.seen = &seen; });
  EXPECT_EQ(ctx.count_tool_calls("secret-remove"), 0);
  EXPECT_TRUE(out.get_secret(other.id).removed_revisions.empty());
}

TEST(Provider, RelationBrokenRemovesTheRelationsOwnSecretOnly) {
  auto ctx = make_context();
  Secret own{.id = "secret:d00000000000000000bb",
             .owner = "app",
             .tracked_content = content_of(kClientB),
             .label = per_relation_secret_label(1)};
  State in{.relations = {client_relation(0, "client-a"), client_relation(1, "client-b")},
           .secrets = {shared_secret(kClientA, 1, {{0, {"client-a"}}}), own},
           .leader = true};
  Seen seen;
  State out = ctx.run(ctx.on.relation_broken(in.get_relation(1)), in,
                      [&](ProviderCharm& c) { c.seen = &seen; });
  ASSERT_EQ(out.secrets.size(), 1u);
  EXPECT_EQ(out.secrets[0].id, kSharedId);
}

}  // namespace
}  // namespace charms::storage_libs::v0
