// Tests of ops::testing::InMemoryBackend: Juju's access rules and errors, secret tracking and
// revisions, and the call log.
#include "ops/testing/in_memory_backend.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ops::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

ops::CharmMeta test_meta() {
  ops::CharmMeta meta;
  meta.name = "client";
  ops::RelationMeta share;
  share.endpoint = "cephfs-share";
  share.role = ops::RelationRole::kRequires;
  share.interface_name = "cephfs_share";
  meta.relations["cephfs-share"] = share;
  ops::RelationMeta peers;
  peers.endpoint = "peers";
  peers.role = ops::RelationRole::kPeers;
  peers.interface_name = "client_peers";
  meta.relations["peers"] = peers;
  ops::ConfigOptionMeta mountpoint;
  mountpoint.type = "string";
  mountpoint.default_value = "/mnt";
  meta.config["mountpoint"] = mountpoint;
  ops::ConfigOptionMeta size;
  size.type = "int";
  size.default_value = nullptr;
  meta.config["size"] = size;
  ops::ActionMeta backup;
  backup.params = {{"target", {{"type", "string"}, {"default", "/backup"}}},
                   {"force", {{"type", "boolean"}}}};
  meta.actions["backup"] = backup;
  return meta;
}

// ops::SecretMetadata has no default member initializers, so GCC warns on designated
// initializers that leave fields out.
SecretMetadata metadata(std::string label, std::optional<std::string> description = {}) {
  SecretMetadata meta;
  meta.label = std::move(label);
  meta.description = std::move(description);
  return meta;
}

Relation share_relation() {
  return Relation{.endpoint = "cephfs-share",
                  .id = 7,
                  .local_app_data = {{"name", "/data"}},
                  .local_unit_data = {{"cache", "{}"}},
                  .remote_app_name = "server",
                  .remote_app_data = {{"auth", "secret:abc"}},
                  .remote_units_data = {{0, {{"x", "1"}}}, {1, {}}}};
}

InMemoryBackend make_backend(State state, InMemoryBackendOptions options = {}) {
  return InMemoryBackend(std::move(state), test_meta(), "client/0", std::move(options));
}

// --- relations ---

TEST(InMemoryBackend, LeaderReadsAllBagsOfARelation) {
  auto backend = make_backend(State{.relations = {share_relation()}, .leader = true});
  EXPECT_EQ(*backend.relation_get("cephfs-share", 7, "client", true), (Bag{{"name", "/data"}}));
  EXPECT_EQ(*backend.relation_get("cephfs-share", 7, "client/0", false), (Bag{{"cache", "{}"}}));
  EXPECT_EQ(*backend.relation_get("cephfs-share", 7, "server", true),
            (Bag{{"auth", "secret:abc"}}));
  EXPECT_EQ(*backend.relation_get("cephfs-share", 7, "server/0", false), (Bag{{"x", "1"}}));
  EXPECT_EQ(*backend.relation_get("cephfs-share", 7, "server/1", false), Bag{});
}

TEST(InMemoryBackend, NonLeaderReadingOwnAppBagIsPermissionDenied) {
  auto backend = make_backend(State{.relations = {share_relation()}, .leader = false});
  auto bag = backend.relation_get("cephfs-share", 7, "client", true);
  ASSERT_FALSE(bag.ok());
  EXPECT_EQ(bag.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(bag.error().message, "permission denied");
  // The remote app bag stays readable.
  EXPECT_TRUE(backend.relation_get("cephfs-share", 7, "server", true).ok());
}

TEST(InMemoryBackend, NonLeaderWritingOwnAppBagCannotWriteRelationSettings) {
  auto backend = make_backend(State{.relations = {share_relation()}, .leader = false});
  auto status = backend.relation_set("cephfs-share", 7, {{"name", "/other"}}, true);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(status.error().message, "cannot write relation settings");
  EXPECT_EQ(backend.finish().get_relation(7).local_app_data, (Bag{{"name", "/data"}}));
}

TEST(InMemoryBackend, UnknownRelationIsRelationNotFound) {
  auto backend = make_backend(State{.relations = {share_relation()}, .leader = true});
  for (auto code : {backend.relation_get("cephfs-share", 99, "server", true).error().code,
                    backend.relation_list("cephfs-share", 99).error().code,
                    backend.relation_remote_app("cephfs-share", 99).error().code,
                    backend.relation_set("cephfs-share", 99, {{"a", "b"}}, false).error().code,
                    // the id exists, but on another endpoint
                    backend.relation_get("peers", 7, "client", true).error().code}) {
    EXPECT_EQ(code, ErrorCode::kRelationNotFound);
  }
  EXPECT_EQ(backend.relation_list("cephfs-share", 99).error().message, "relation not found");
}

TEST(InMemoryBackend, ReadingAUnitOutsideTheRelationIsAModelError) {
  auto backend = make_backend(State{.relations = {share_relation()}});
  auto bag = backend.relation_get("cephfs-share", 7, "server/5", false);
  ASSERT_FALSE(bag.ok());
  EXPECT_EQ(bag.error().code, ErrorCode::kModelError);
  EXPECT_THAT(bag.error().message, ::testing::HasSubstr("server/5"));
}

TEST(InMemoryBackend, RelationSetWritesAtOnceAndEmptyValueDeletesKey) {
  auto backend = make_backend(State{.relations = {share_relation()}, .leader = true});
  ASSERT_TRUE(backend.relation_set("cephfs-share", 7, {{"cache", ""}, {"new", "v"}}, false).ok());
  EXPECT_EQ(*backend.relation_get("cephfs-share", 7, "client/0", false), (Bag{{"new", "v"}}));
  ASSERT_TRUE(backend.relation_set("cephfs-share", 7, {{"name", "/x"}}, true).ok());
  State out = backend.finish();
  EXPECT_EQ(out.get_relation(7).local_unit_data, (Bag{{"new", "v"}}));
  EXPECT_EQ(out.get_relation(7).local_app_data, (Bag{{"name", "/x"}}));
}

TEST(InMemoryBackend, RelationSetWithNoDataIsRejected) {
  auto backend = make_backend(State{.relations = {share_relation()}});
  EXPECT_EQ(backend.relation_set("cephfs-share", 7, {}, false).error().code,
            ErrorCode::kInvalidArgument);
}

TEST(InMemoryBackend, RelationIdsAndListDescribeTheState) {
  auto backend = make_backend(State{.relations = {share_relation()}});
  EXPECT_THAT(*backend.relation_ids("cephfs-share"), ElementsAre(7));
  EXPECT_THAT(*backend.relation_ids("peers"), IsEmpty());
  EXPECT_THAT(*backend.relation_list("cephfs-share", 7), ElementsAre("server/0", "server/1"));
  EXPECT_EQ(*backend.relation_remote_app("cephfs-share", 7), "server");
}

TEST(InMemoryBackend, RelationListLeavesOutTheDepartingUnit) {
  auto backend = make_backend(State{.relations = {share_relation()}},
                              {.departed_relation_id = 7, .departing_unit = "server/1"});
  EXPECT_THAT(*backend.relation_list("cephfs-share", 7), ElementsAre("server/0"));
  // Its bag stays readable for the rest of the relation's life.
  EXPECT_TRUE(backend.relation_get("cephfs-share", 7, "server/1", false).ok());
}

TEST(InMemoryBackend, RelationListIsEmptyInRelationBroken) {
  auto backend = make_backend(State{.relations = {share_relation()}}, {.broken_relation_id = 7});
  EXPECT_THAT(*backend.relation_list("cephfs-share", 7), IsEmpty());
  EXPECT_EQ(*backend.relation_get("cephfs-share", 7, "server", true),
            (Bag{{"auth", "secret:abc"}}));
}

TEST(InMemoryBackend, PeerRelationListsOtherUnitsOfTheOwnApplication) {
  Relation peers{.endpoint = "peers",
                 .id = 2,
                 .local_app_data = {{"shared", "yes"}},
                 .remote_units_data = {{0, {}}, {2, {{"k", "v"}}}}};
  auto backend = make_backend(State{.relations = {peers}, .leader = false});
  EXPECT_THAT(*backend.relation_list("peers", 2), ElementsAre("client/2"));
  EXPECT_EQ(*backend.relation_remote_app("peers", 2), "client");
  // Every unit reads the peer application bag; only the leader writes it.
  EXPECT_EQ(*backend.relation_get("peers", 2, "client", true), (Bag{{"shared", "yes"}}));
  EXPECT_EQ(*backend.relation_get("peers", 2, "client/2", false), (Bag{{"k", "v"}}));
  EXPECT_EQ(backend.relation_set("peers", 2, {{"a", "b"}}, true).error().code,
            ErrorCode::kPermissionDenied);
}

// --- unit, application, config, status ---

TEST(InMemoryBackend, ConfigGetAddsMetadataDefaults) {
  auto backend = make_backend(State{.config = {{"size", 3}}});
  EXPECT_EQ(*backend.config_get(), (nlohmann::json{{"mountpoint", "/mnt"}, {"size", 3}}));
  auto overridden = make_backend(State{.config = {{"mountpoint", "/srv"}}});
  EXPECT_EQ(*overridden.config_get(), (nlohmann::json{{"mountpoint", "/srv"}}));
}

TEST(InMemoryBackend, StatusSetRecordsThePreviousStatusInHistory) {
  auto backend = make_backend(State{.leader = true});
  ASSERT_TRUE(backend.status_set("maintenance", "installing", false).ok());
  ASSERT_TRUE(backend.status_set("active", "", false).ok());
  ASSERT_TRUE(backend.status_set("blocked", "no share", true).ok());
  EXPECT_THAT(backend.unit_status_history(),
              ElementsAre(ops::UnknownStatus(), ops::MaintenanceStatus("installing")));
  EXPECT_THAT(backend.app_status_history(), ElementsAre(ops::UnknownStatus()));
  EXPECT_EQ(*backend.status_get(false), (StatusInfo{"active", ""}));
  State out = backend.finish();
  EXPECT_EQ(out.unit_status, ops::ActiveStatus());
  EXPECT_EQ(out.app_status, ops::BlockedStatus("no share"));
}

TEST(InMemoryBackend, AppStatusNeedsLeadershipAndStatusNamesAreChecked) {
  auto backend = make_backend(State{.leader = false});
  EXPECT_EQ(backend.status_set("active", "", true).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(backend.status_get(true).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(backend.status_set("error", "x", false).error().code, ErrorCode::kModelError);
  EXPECT_THAT(backend.unit_status_history(), IsEmpty());
}

TEST(InMemoryBackend, WorkloadVersionAndJujuLogAreRecorded) {
  auto backend = make_backend(State{});
  ASSERT_TRUE(backend.application_version_set("16.2.15").ok());
  ASSERT_TRUE(backend.juju_log("WARNING", "careful").ok());
  EXPECT_EQ(backend.finish().workload_version, "16.2.15");
  EXPECT_THAT(backend.workload_version_history(), ElementsAre(""));
  EXPECT_THAT(backend.juju_log_lines(), ElementsAre(JujuLogLine{"WARNING", "careful"}));
}

// --- actions ---

TEST(InMemoryBackend, ActionToolsFailOutsideAnAction) {
  auto backend = make_backend(State{});
  EXPECT_EQ(backend.action_get().error().code, ErrorCode::kModelError);
  EXPECT_FALSE(backend.action_log("x").ok());
  EXPECT_FALSE(backend.action_fail("x").ok());
}

TEST(InMemoryBackend, ActionGetMergesDefaultsAndActionSetUnflattensKeys) {
  auto backend =
      make_backend(State{}, {.action_name = "backup", .action_params = {{"force", true}}});
  EXPECT_EQ(*backend.action_get(), (nlohmann::json{{"target", "/backup"}, {"force", true}}));
  ASSERT_TRUE(backend.action_set({{"a.b", "1"}, {"a.c", "2"}, {"d", "3"}}).ok());
  EXPECT_EQ(backend.action_results(),
            (nlohmann::json{{"a", {{"b", "1"}, {"c", "2"}}}, {"d", "3"}}));
  EXPECT_EQ(backend.action_set({{"stdout", "x"}}).error().message,
            "cannot set reserved action key \"stdout\"");
  ASSERT_TRUE(backend.action_log("step 1").ok());
  ASSERT_TRUE(backend.action_fail("disk full").ok());
  EXPECT_THAT(backend.action_logs(), ElementsAre("step 1"));
  EXPECT_EQ(backend.action_failure(), "disk full");
}

// --- secrets ---

TEST(InMemoryBackend, SecretAddIdsAreDeterministicAndSkipIdsInTheState) {
  State state{
      .secrets = {Secret{
          .id = "secret:cppsecret00000000001", .owner = "app", .tracked_content = {{"key", "v"}}}},
      .leader = true};
  auto first = make_backend(state);
  auto second = make_backend(state);
  auto a = first.secret_add({{"key", "1"}}, {}, SecretOwner::kApplication);
  auto b = second.secret_add({{"key", "1"}}, {}, SecretOwner::kApplication);
  ASSERT_TRUE(a.ok());
  // As Juju 3's secret-add prints them: secret://<model-uuid>/<xid>.
  EXPECT_EQ(*a, "secret://" + state.model_uuid + "/cppsecret00000000002");
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(*first.secret_add({{"key", "2"}}, {}, SecretOwner::kUnit),
            "secret://" + state.model_uuid + "/cppsecret00000000003");
  EXPECT_EQ(Secret::unique_identifier(*a).size(), 20U);
}

TEST(InMemoryBackend, SecretAddCreatesRevisionOneWithMetadata) {
  auto backend = make_backend(State{.leader = true});
  auto id = backend.secret_add({{"username", "u"}, {"key", "k"}}, metadata("auth_info", "creds"),
                               SecretOwner::kApplication);
  ASSERT_TRUE(id.ok());
  State out = backend.finish();
  const Secret& secret = out.get_secret("auth_info");
  EXPECT_EQ(secret.id, *id);
  EXPECT_EQ(secret.owner, "app");
  EXPECT_EQ(secret.description, "creds");
  EXPECT_EQ(secret.tracked_revision, 1);
  EXPECT_EQ(secret.latest_revision, 1);
  EXPECT_EQ(secret.latest_content, (SecretContent{{"username", "u"}, {"key", "k"}}));
}

TEST(InMemoryBackend, AppSecretAddByNonLeaderIsPermissionDenied) {
  auto backend = make_backend(State{.leader = false});
  auto id = backend.secret_add({{"key", "v"}}, {}, SecretOwner::kApplication);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().code, ErrorCode::kPermissionDenied);
  EXPECT_TRUE(backend.secret_add({{"key", "v"}}, {}, SecretOwner::kUnit).ok());
}

TEST(InMemoryBackend, SecretLabelsAreUnique) {
  auto backend = make_backend(State{.leader = true});
  ASSERT_TRUE(backend.secret_add({{"key", "v"}}, metadata("one"), SecretOwner::kApplication).ok());
  auto again = backend.secret_add({{"key", "v"}}, metadata("one"), SecretOwner::kApplication);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message, "secret with label \"one\" already exists");
}

TEST(InMemoryBackend, SecretContentIsValidatedLikeJuju) {
  auto backend = make_backend(State{.leader = true});
  EXPECT_FALSE(backend.secret_add({}, {}, SecretOwner::kApplication).ok());
  EXPECT_FALSE(backend.secret_add({{"Key", "v"}}, {}, SecretOwner::kApplication).ok());
  EXPECT_FALSE(backend.secret_add({{"ab", "v"}}, {}, SecretOwner::kApplication).ok());
  EXPECT_FALSE(backend.secret_add({{"a--b", "v"}}, {}, SecretOwner::kApplication).ok());
  EXPECT_TRUE(backend.secret_add({{"a-bc", "v"}}, {}, SecretOwner::kApplication).ok());
}

Secret observed_secret() {
  return Secret{.id = "secret:cr8vcqgpc9t8oet2fdlg",
                .tracked_content = {{"key", "old"}},
                .latest_content = SecretContent{{"key", "new"}}};
}

TEST(InMemoryBackend, PlainGetReturnsTrackedPeekReturnsLatestRefreshMovesThePin) {
  auto backend = make_backend(State{.secrets = {observed_secret()}});
  const std::string id = "secret:cr8vcqgpc9t8oet2fdlg";
  EXPECT_EQ(*backend.secret_get(id, std::nullopt, false, false), (SecretContent{{"key", "old"}}));
  EXPECT_EQ(*backend.secret_get(id, std::nullopt, false, true), (SecretContent{{"key", "new"}}));
  EXPECT_EQ(*backend.secret_get(id, std::nullopt, false, false), (SecretContent{{"key", "old"}}));
  EXPECT_EQ(*backend.secret_get(id, std::nullopt, true, false), (SecretContent{{"key", "new"}}));
  EXPECT_EQ(*backend.secret_get(id, std::nullopt, false, false), (SecretContent{{"key", "new"}}));
  State out = backend.finish();
  EXPECT_EQ(out.get_secret(id).tracked_revision, 2);
  EXPECT_EQ(out.get_secret(id).latest_revision, 2);
}

TEST(InMemoryBackend, FirstGetOfAnUntrackedSecretPinsTheLatestRevision) {
  Secret secret = observed_secret();
  secret.tracked_revision = 0;
  secret.latest_revision = 3;
  auto backend = make_backend(State{.secrets = {secret}});
  EXPECT_EQ(*backend.secret_get(secret.id, std::nullopt, false, false),
            (SecretContent{{"key", "new"}}));
  EXPECT_EQ(backend.finish().get_secret(secret.id).tracked_revision, 3);
}

TEST(InMemoryBackend, SecretIdsMatchInEveryForm) {
  auto backend = make_backend(State{.secrets = {observed_secret()}});
  EXPECT_TRUE(backend.secret_get("cr8vcqgpc9t8oet2fdlg", std::nullopt, false, false).ok());
  EXPECT_TRUE(backend
                  .secret_get("secret://3f1a7c2e-5b7d-4e0a-9c61-2d8f4b6a0e19/cr8vcqgpc9t8oet2fdlg",
                              std::nullopt, false, false)
                  .ok());
}

TEST(InMemoryBackend, ObserverLabelsASecretBySecretGetWithIdAndLabel) {
  auto backend = make_backend(State{.secrets = {observed_secret()}});
  ASSERT_TRUE(backend.secret_get("secret:cr8vcqgpc9t8oet2fdlg", "mine", false, false).ok());
  EXPECT_EQ(*backend.secret_get(std::nullopt, "mine", false, false),
            (SecretContent{{"key", "old"}}));
  EXPECT_EQ(backend.finish().get_secret("mine").id, "secret:cr8vcqgpc9t8oet2fdlg");
}

TEST(InMemoryBackend, SecretGetErrors) {
  auto backend = make_backend(State{.secrets = {observed_secret()}});
  EXPECT_EQ(
      backend.secret_get("secret:unknownunknownunkn", std::nullopt, false, false).error().code,
      ErrorCode::kSecretNotFound);
  EXPECT_EQ(backend.secret_get(std::nullopt, "nope", false, false).error().code,
            ErrorCode::kSecretNotFound);
  EXPECT_EQ(
      backend.secret_get("secret:cr8vcqgpc9t8oet2fdlg", std::nullopt, true, true).error().code,
      ErrorCode::kModelError);
}

TEST(InMemoryBackend, NonOwnerManagementIsSecretNotFound) {
  auto backend = make_backend(
      State{.relations = {share_relation()}, .secrets = {observed_secret()}, .leader = true});
  const std::string id = "secret:cr8vcqgpc9t8oet2fdlg";
  EXPECT_EQ(backend.secret_info_get(id, std::nullopt).error().code, ErrorCode::kSecretNotFound);
  EXPECT_EQ(backend.secret_set(id, SecretContent{{"key", "x"}}, {}, SecretOwner::kApplication)
                .error()
                .code,
            ErrorCode::kSecretNotFound);
  EXPECT_EQ(backend.secret_grant(id, 7, std::nullopt).error().code, ErrorCode::kSecretNotFound);
  EXPECT_EQ(backend.secret_revoke(id, 7, std::nullopt).error().code, ErrorCode::kSecretNotFound);
  EXPECT_EQ(backend.secret_remove(id, 1).error().code, ErrorCode::kSecretNotFound);
  EXPECT_EQ(backend.secret_info_get(id, std::nullopt).error().message,
            "secret \"secret:cr8vcqgpc9t8oet2fdlg\" not found");
}

Secret owned_secret() {
  return Secret{.id = "secret:cr8vd2opc9t8oet2fdm0",
                .owner = "app",
                .tracked_content = {{"username", "user"}, {"key", "k1"}},
                .label = "auth_info",
                .description = "Auth info"};
}

TEST(InMemoryBackend, AppSecretManagedByNonLeaderIsPermissionDeniedButReadable) {
  auto backend = make_backend(
      State{.relations = {share_relation()}, .secrets = {owned_secret()}, .leader = false});
  const std::string id = owned_secret().id;
  auto info = backend.secret_info_get(id, std::nullopt);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(info.error().message, "permission denied");
  EXPECT_EQ(backend.secret_set(id, SecretContent{{"key", "x"}}, {}, SecretOwner::kApplication)
                .error()
                .code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(backend.secret_grant(id, 7, std::nullopt).error().code, ErrorCode::kPermissionDenied);
  EXPECT_TRUE(backend.secret_get(std::nullopt, "auth_info", false, false).ok());
}

TEST(InMemoryBackend, UnitSecretIsManagedWithoutLeadership) {
  Secret secret = owned_secret();
  secret.owner = "unit";
  auto backend = make_backend(State{.secrets = {secret}, .leader = false});
  EXPECT_TRUE(backend.secret_info_get(std::nullopt, "auth_info").ok());
  EXPECT_TRUE(
      backend.secret_set(secret.id, SecretContent{{"key", "x"}}, {}, SecretOwner::kUnit).ok());
}

TEST(InMemoryBackend, SecretSetCreatesARevisionAtOnceAndInfoReportsIt) {
  auto backend = make_backend(State{.secrets = {owned_secret()}, .leader = true});
  const std::string id = owned_secret().id;
  ASSERT_TRUE(backend
                  .secret_set(id, SecretContent{{"username", "new-user"}, {"key", "k1"}}, {},
                              SecretOwner::kApplication)
                  .ok());
  EXPECT_EQ(backend.secret_info_get(std::nullopt, "auth_info")->revision, 2);
  // The owner still tracks revision 1 until it refreshes.
  EXPECT_EQ(backend.secret_get(id, std::nullopt, false, false)->at("username"), "user");
  EXPECT_EQ(backend.secret_get(id, std::nullopt, true, false)->at("username"), "new-user");
  ASSERT_TRUE(backend
                  .secret_set(id, SecretContent{{"username", "third"}, {"key", "k1"}}, {},
                              SecretOwner::kApplication)
                  .ok());
  State out = backend.finish();
  const Secret& secret = out.get_secret(id);
  EXPECT_EQ(secret.tracked_revision, 2);
  EXPECT_EQ(secret.latest_revision, 3);
  EXPECT_EQ(secret.latest_content->at("username"), "third");
  EXPECT_EQ(secret.label, "auth_info");
}

TEST(InMemoryBackend, JujuRevisionReportingShowsTheCommittedRevisionUntilTheHookEnds) {
  auto backend = make_backend(State{.secrets = {owned_secret()}, .leader = true},
                              {.juju_revision_reporting = true});
  const std::string id = owned_secret().id;
  ASSERT_TRUE(backend
                  .secret_set(id, SecretContent{{"username", "a"}, {"key", "k1"}}, {},
                              SecretOwner::kApplication)
                  .ok());
  ASSERT_TRUE(backend
                  .secret_set(id, SecretContent{{"username", "b"}, {"key", "k1"}}, {},
                              SecretOwner::kApplication)
                  .ok());
  EXPECT_EQ(backend.secret_info_get(id, std::nullopt)->revision, 1);
  EXPECT_EQ(backend.secret_get(id, std::nullopt, false, true)->at("username"), "b");
  EXPECT_EQ(backend.secret_get(id, std::nullopt, true, false)->at("username"), "b");
  State out = backend.finish();
  // Two sets in one hook make one revision, which the refresh made the tracked one.
  EXPECT_EQ(out.get_secret(id).latest_revision, 2);
  EXPECT_EQ(out.get_secret(id).tracked_revision, 2);
  EXPECT_EQ(out.get_secret(id).tracked_content.at("username"), "b");
}

TEST(InMemoryBackend, IdenticalContentMakesNoRevisionWhenAsked) {
  const std::string id = owned_secret().id;
  auto skipping = make_backend(State{.secrets = {owned_secret()}, .leader = true},
                               {.secret_set_skips_identical_content = true});
  ASSERT_TRUE(
      skipping.secret_set(id, owned_secret().tracked_content, {}, SecretOwner::kApplication).ok());
  EXPECT_EQ(skipping.finish().get_secret(id).latest_revision, 1);

  auto harness = make_backend(State{.secrets = {owned_secret()}, .leader = true});
  ASSERT_TRUE(
      harness.secret_set(id, owned_secret().tracked_content, {}, SecretOwner::kApplication).ok());
  EXPECT_EQ(harness.finish().get_secret(id).latest_revision, 2);
}

TEST(InMemoryBackend, SecretSetMetadataOnlyKeepsTheRevision) {
  const std::string id = owned_secret().id;
  auto backend = make_backend(State{.secrets = {owned_secret()}, .leader = true});
  ASSERT_TRUE(
      backend.secret_set(id, std::nullopt, metadata("renamed", "d2"), SecretOwner::kApplication)
          .ok());
  State out = backend.finish();
  EXPECT_EQ(out.get_secret("renamed").latest_revision, 1);
  EXPECT_EQ(out.get_secret("renamed").description, "d2");
}

TEST(InMemoryBackend, GrantAndRevokeArePerRelation) {
  auto backend = make_backend(
      State{.relations = {share_relation()}, .secrets = {owned_secret()}, .leader = true});
  const std::string id = owned_secret().id;
  ASSERT_TRUE(backend.secret_grant(id, 7, std::nullopt).ok());
  ASSERT_TRUE(backend.secret_grant(id, 7, "server/1").ok());
  EXPECT_EQ(backend.state().get_secret(id).remote_grants,
            (std::map<int, std::set<std::string>>{{7, {"server", "server/1"}}}));
  EXPECT_EQ(backend.secret_grant(id, 8, std::nullopt).error().code, ErrorCode::kSecretNotFound);
  EXPECT_EQ(backend.secret_grant(id, 7, "server/9").error().code, ErrorCode::kModelError);
  ASSERT_TRUE(backend.secret_revoke(id, 7, std::nullopt).ok());
  ASSERT_TRUE(backend.secret_revoke(id, 7, "server/1").ok());
  EXPECT_THAT(backend.finish().get_secret(id).remote_grants, IsEmpty());
}

TEST(InMemoryBackend, RemovedRevisionsAreRecorded) {
  Secret secret = owned_secret();
  secret.latest_content = SecretContent{{"username", "new-user"}, {"key", "k1"}};
  auto backend = make_backend(State{.secrets = {secret}, .leader = true});
  ASSERT_TRUE(backend.secret_remove(secret.id, 1).ok());
  EXPECT_EQ(backend.secret_remove(secret.id, 1).error().code, ErrorCode::kSecretNotFound);
  EXPECT_EQ(backend.secret_remove(secret.id, 5).error().code, ErrorCode::kSecretNotFound);
  EXPECT_THAT(backend.removed_secret_revisions(), ElementsAre(RemovedSecretRevision{secret.id, 1}));
  State out = backend.finish();
  EXPECT_THAT(out.get_secret(secret.id).present_revisions(), ElementsAre(2));
  EXPECT_THAT(out.get_secret(secret.id).removed_revisions, ElementsAre(1));
}

TEST(InMemoryBackend, RemovingAllRevisionsDeletesTheSecret) {
  auto backend = make_backend(State{.secrets = {owned_secret()}, .leader = true});
  ASSERT_TRUE(backend.secret_remove(owned_secret().id, std::nullopt).ok());
  EXPECT_THAT(backend.finish().secrets, IsEmpty());
  EXPECT_THAT(backend.removed_secret_revisions(),
              ElementsAre(RemovedSecretRevision{owned_secret().id, std::nullopt}));
}

TEST(InMemoryBackend, SecretIdsListsOwnedSecretsOnly) {
  auto backend = make_backend(State{.secrets = {owned_secret(), observed_secret()}});
  EXPECT_THAT(*backend.secret_ids(), ElementsAre(owned_secret().id));
}

TEST(InMemoryBackend, FinishSpellsOutLatestRevisionAndContent) {
  auto backend = make_backend(State{.secrets = {owned_secret()}});
  State out = backend.finish();
  const Secret& secret = out.secrets.at(0);
  EXPECT_EQ(secret.latest_revision, 1);
  EXPECT_EQ(secret.latest_content, owned_secret().tracked_content);
}

// --- network ---

TEST(InMemoryBackend, NetworkGetAnswersForEndpointsAndDeclaredNetworks) {
  auto backend =
      make_backend(State{.relations = {share_relation()},
                         .networks = {{"extra", {{"ingress-addresses", {"10.0.0.5"}}}}}});
  EXPECT_EQ((*backend.network_get("cephfs-share", 7))["ingress-addresses"][0], "192.0.2.0");
  EXPECT_EQ((*backend.network_get("extra", std::nullopt))["ingress-addresses"][0], "10.0.0.5");
  EXPECT_EQ(backend.network_get("nope", std::nullopt).error().code, ErrorCode::kModelError);
  EXPECT_EQ(backend.network_get("cephfs-share", 99).error().code, ErrorCode::kRelationNotFound);
}

// --- call log ---

TEST(InMemoryBackend, CallLogHoldsArgvAsOpsRunsIt) {
  auto backend = make_backend(State{.relations = {share_relation()}, .leader = true});
  (void)backend.is_leader();
  (void)backend.relation_get("cephfs-share", 7, "server", true);
  (void)backend.relation_set("cephfs-share", 7, {{"name", "/x"}}, true);
  (void)backend.status_set("active", "", false);
  (void)backend.juju_log("INFO", "hello");
  ASSERT_EQ(backend.calls().size(), 5U);
  EXPECT_EQ(backend.calls()[0].to_string(), "is-leader --format=json");
  EXPECT_EQ(backend.calls()[1].to_string(),
            "relation-get --format=json -r cephfs-share:7 --app - server");
  EXPECT_EQ(backend.calls()[2].to_string(), "relation-set -r cephfs-share:7 --app --file -");
  EXPECT_EQ(backend.calls()[2].input, R"({"name":"/x"})");
  EXPECT_EQ(backend.calls()[3].to_string(), "status-set --application=False active -- ");
  EXPECT_EQ(backend.calls()[4].to_string(), "juju-log --log-level INFO -- hello");
  EXPECT_EQ(backend.count_calls("relation-get"), 1);
}

TEST(InMemoryBackend, CallLogNeverContainsSecretValues) {
  auto backend = make_backend(State{.leader = true});
  auto id =
      backend.secret_add({{"password", "hunter2"}}, metadata("db"), SecretOwner::kApplication);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(
      backend.secret_set(*id, SecretContent{{"password", "hunter3"}}, {}, SecretOwner::kApplication)
          .ok());
  (void)backend.secret_get(*id, std::nullopt, true, false);
  EXPECT_EQ(backend.calls()[0].to_string(),
            "secret-add --label db --owner application password#file=<tmp>/password");
  EXPECT_EQ(backend.calls()[1].to_string(),
            "secret-set " + *id + " password#file=<tmp>/password --owner application");
  EXPECT_EQ(backend.calls()[2].to_string(), "secret-get --format=json " + *id + " --refresh");
  for (const auto& call : backend.calls()) {
    EXPECT_THAT(call.to_string(), ::testing::Not(::testing::HasSubstr("hunter")));
    EXPECT_THAT(call.input, ::testing::Not(::testing::HasSubstr("hunter")));
  }
}

}  // namespace
}  // namespace ops::testing
