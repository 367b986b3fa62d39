// FilesystemProvides / FilesystemRequires: state transitions of both sides, bad remote data, and
// the provider side of the golden traces (what cephfs-server-proxy wrote, byte for byte).
#include "charms/filesystem_client/v0/filesystem_info.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ops/testing/context.h"

namespace charms::filesystem_client::v0 {
namespace {

using ops::testing::Context;
using ops::testing::Relation;
using ops::testing::Secret;
using ops::testing::State;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// From the golden traces (fs_relate_1x1): model, secret and the URI cephfs-server-proxy wrote.
const std::string kModelUuid = "b1f9a3c2-5d4e-4f60-8a7b-9c0d1e2f3a4b";
const std::string kSecretId = "secret://" + kModelUuid + "/fakejuju000000000001";
const std::string kKey = "AQDZ8hRr4yzsDBAAO8Li+G+1ywNtjrhSvdFqNQ==";
const std::string kRotatedKey = "AQDZ8hRr5XGGDhAAyXo6p+RaTNuGDpu9w542cg==";
const std::string kGoldenUri =
    "cephfs://fsuser@(192.168.1.1%3A6789%2C192.168.1.2%3A6789%2C192.168.1.3%3A6789)/volumes/"
    "shared?fsid=8d549b01-bea7-4ba5-9b58-77bfa35076cf&name=cephfs&auth=secret%3A%2F%2F"
    "b1f9a3c2-5d4e-4f60-8a7b-9c0d1e2f3a4b%2Ffakejuju000000000001&auth-rev=1";
const CephfsInfo kInfo{
    .fsid = "8d549b01-bea7-4ba5-9b58-77bfa35076cf",
    .name = "cephfs",
    .path = "/volumes/shared",
    .monitor_hosts = {"192.168.1.1:6789", "192.168.1.2:6789", "192.168.1.3:6789"},
    .user = "fsuser",
    .key = kKey};

std::string provider_yaml() {
  return "name: cephfs-server-proxy\nprovides:\n  filesystem:\n    interface: filesystem_info\n"
         "peers:\n  server-peers:\n    interface: server_peers\n";
}
std::string requirer_yaml() {
  return "name: fs-client\nrequires:\n  filesystem:\n    interface: filesystem_info\n"
         "    limit: 1\n";
}

// ---- the requirer ------------------------------------------------------------------------------

// What a handler saw: the event kind and the info it read.
struct Seen {
  std::string kind;
  int relation_id = -1;
  ops::Result<FilesystemInfo> info = ops::Error{};
};

class RequirerCharm : public ops::CharmBase {
 public:
  explicit RequirerCharm(ops::Framework& framework) : CharmBase(framework), fs(*this) {
    framework.observe(fs.on.mount_filesystem, this, &RequirerCharm::on_event);
    framework.observe(fs.on.umount_filesystem, this, &RequirerCharm::on_event);
    framework.observe(on.update_status, this, &RequirerCharm::on_update_status);
  }
  FilesystemRequires fs;
  std::vector<Seen>* seen = nullptr;
  std::vector<Endpoint>* endpoints = nullptr;

 private:
  void on_event(FilesystemEvent& event) {
    seen->push_back({event.kind(), event.relation->id, event.info()});
  }
  void on_update_status(ops::UpdateStatusEvent&) { *endpoints = fs.endpoints(); }
};

Relation provider_relation(ops::Bag app_data, int id = 1) {
  return Relation{.endpoint = "filesystem",
                  .id = id,
                  .remote_app_name = "cephfs-server-proxy",
                  .remote_app_data = std::move(app_data)};
}

Secret granted_secret(const std::string& key = kKey) {
  return Secret{.id = kSecretId, .owner = "", .tracked_content = {{"key", key}}};
}

struct RequirerRun {
  State out;
  std::vector<Seen> seen;
  std::vector<std::string> tool_calls;
};

RequirerRun run_requirer(const State& in, const ops::testing::Event& event) {
  auto ctx = Context<RequirerCharm>::from_charmcraft_yaml(requirer_yaml());
  RequirerRun run;
  std::vector<Endpoint> ignored;
  run.out = ctx.run(event, in, [&](RequirerCharm& charm) {
    charm.seen = &run.seen;
    charm.endpoints = &ignored;
  });
  for (const auto& call : ctx.tool_calls) run.tool_calls.push_back(call.tool);
  return run;
}

State requirer_state(const std::string& uri, std::vector<Secret> secrets = {granted_secret()}) {
  return State{.relations = {provider_relation({{"endpoint", uri}})},
               .secrets = std::move(secrets),
               .leader = true,
               .model_uuid = kModelUuid};
}

ops::testing::Event changed(const State& in) {
  return ops::testing::EventFactory{}.relation_changed(in.get_relation(1), 0);
}

TEST(Requirer, EmitsMountFilesystemWithTheKeyFromTheSecret) {
  const State in = requirer_state(kGoldenUri);
  auto run = run_requirer(in, changed(in));
  ASSERT_EQ(run.seen.size(), 1u);
  EXPECT_EQ(run.seen[0].kind, "mount_filesystem");
  ASSERT_TRUE(run.seen[0].info.ok()) << run.seen[0].info.error().message;
  EXPECT_EQ(std::get<CephfsInfo>(*run.seen[0].info), kInfo);
  // As in the traces: secret-get <id>, then secret-get <id> --refresh; nothing written.
  EXPECT_EQ(std::count(run.tool_calls.begin(), run.tool_calls.end(), "secret-get"), 2);
  EXPECT_EQ(std::count(run.tool_calls.begin(), run.tool_calls.end(), "relation-set"), 0);
  EXPECT_EQ(run.out.get_relation(1).local_app_data, ops::Bag{});
}

TEST(Requirer, EmitsNothingBeforeTheProviderPublishes) {
  State in = requirer_state(kGoldenUri);
  in.relations[0].remote_app_data.clear();
  auto run = run_requirer(in, changed(in));
  EXPECT_TRUE(run.seen.empty());
}

TEST(Requirer, ReadsAPlainKeyWithoutASecret) {
  auto uri = to_uri(kInfo, "plain:" + kKey);
  ASSERT_TRUE(uri.ok());
  const State in = requirer_state(*uri, {});
  auto run = run_requirer(in, changed(in));
  ASSERT_EQ(run.seen.size(), 1u);
  ASSERT_TRUE(run.seen[0].info.ok()) << run.seen[0].info.error().message;
  EXPECT_EQ(std::get<CephfsInfo>(*run.seen[0].info).key, kKey);
}

TEST(Requirer, GarbageEndpointIsATypedErrorNotAFailedHook) {
  const State in = requirer_state("garbage");
  RequirerRun run;
  ASSERT_NO_THROW(run = run_requirer(in, changed(in)));
  ASSERT_EQ(run.seen.size(), 1u);
  ASSERT_FALSE(run.seen[0].info.ok());
  EXPECT_EQ(run.seen[0].info.error().code, ops::ErrorCode::kInvalidData);
  EXPECT_EQ(run.seen[0].info.error().message, "unsupported filesystem type `garbage`");
}

TEST(Requirer, HostileMonitorHostIsATypedError) {
  CephfsInfo hostile = kInfo;
  hostile.monitor_hosts = {"10.0.0.1:6789 -o remount", "10.0.0.2:6789"};
  // Bypass to_uri's validation: a hostile provider writes whatever it wants.
  auto uri =
      encode_uri({.scheme = "cephfs",
                  .hosts = hostile.monitor_hosts,
                  .user = "fsuser",
                  .path = "/x",
                  .options = {{"fsid", kInfo.fsid}, {"name", "cephfs"}, {"auth", "plain:k"}}});
  ASSERT_TRUE(uri.ok());
  const State in = requirer_state(*uri, {});
  auto run = run_requirer(in, changed(in));
  ASSERT_EQ(run.seen.size(), 1u);
  ASSERT_FALSE(run.seen[0].info.ok());
  EXPECT_EQ(run.seen[0].info.error().code, ops::ErrorCode::kInvalidData);
  EXPECT_THAT(run.seen[0].info.error().message, HasSubstr("monitor host"));
}

TEST(Requirer, HostilePathBytesAreATypedError) {
  for (const std::string& path :
       std::vector<std::string>{"/a/../../etc", "/x\nmalicious", std::string("/x\0y", 4)}) {
    SCOPED_TRACE(path);
    auto uri = encode_uri({.scheme = "nfs", .hosts = {"nfs.example"}, .path = path});
    ASSERT_TRUE(uri.ok());
    const State in = requirer_state(*uri, {});
    auto run = run_requirer(in, changed(in));
    ASSERT_EQ(run.seen.size(), 1u);
    ASSERT_FALSE(run.seen[0].info.ok());
    EXPECT_THAT(run.seen[0].info.error().message, HasSubstr("path"));
  }
}

TEST(Requirer, MissingSecretIsATypedErrorWithoutTheKey) {
  const State in = requirer_state(kGoldenUri, {});
  auto run = run_requirer(in, changed(in));
  ASSERT_EQ(run.seen.size(), 1u);
  ASSERT_FALSE(run.seen[0].info.ok());
  EXPECT_EQ(run.seen[0].info.error().code, ops::ErrorCode::kSecretNotFound);
  EXPECT_THAT(run.seen[0].info.error().message, HasSubstr("not visible to this unit"));
}

TEST(Requirer, SecretWithoutKeyIsATypedError) {
  const State in = requirer_state(
      kGoldenUri, {Secret{.id = kSecretId, .owner = "", .tracked_content = {{"other", "x"}}}});
  auto run = run_requirer(in, changed(in));
  ASSERT_EQ(run.seen.size(), 1u);
  ASSERT_FALSE(run.seen[0].info.ok());
  EXPECT_EQ(run.seen[0].info.error().code, ops::ErrorCode::kInvalidData);
  EXPECT_THAT(run.seen[0].info.error().message, HasSubstr("no `key`"));
}

TEST(Requirer, BadKeyBytesAreRefusedAndNeverQuoted) {
  const std::string bad_key = "AQ==\nkey = injected";
  const State in = requirer_state(kGoldenUri, {granted_secret(bad_key)});
  auto run = run_requirer(in, changed(in));
  ASSERT_EQ(run.seen.size(), 1u);
  ASSERT_FALSE(run.seen[0].info.ok());
  EXPECT_THAT(run.seen[0].info.error().message, HasSubstr("cephx key"));
  EXPECT_THAT(run.seen[0].info.error().message, ::testing::Not(HasSubstr("injected")));
}

TEST(Requirer, AuthWithoutAKindIsRefusedWithoutQuotingIt) {
  auto uri = encode_uri({.scheme = "cephfs",
                         .hosts = {"10.0.0.1:6789"},
                         .user = "fsuser",
                         .path = "/x",
                         .options = {{"fsid", kInfo.fsid}, {"name", "cephfs"}, {"auth", kKey}}});
  ASSERT_TRUE(uri.ok());
  const State in = requirer_state(*uri, {});
  auto run = run_requirer(in, changed(in));
  ASSERT_EQ(run.seen.size(), 1u);
  ASSERT_FALSE(run.seen[0].info.ok());
  EXPECT_THAT(run.seen[0].info.error().message, HasSubstr("unsupported `auth`"));
  EXPECT_THAT(run.seen[0].info.error().message, ::testing::Not(HasSubstr(kKey.substr(0, 8))));
}

TEST(Requirer, EmitsUmountFilesystemOnRelationBroken) {
  const State in = requirer_state(kGoldenUri);
  auto run = run_requirer(in, ops::testing::EventFactory{}.relation_broken(in.get_relation(1)));
  ASSERT_EQ(run.seen.size(), 1u);
  EXPECT_EQ(run.seen[0].kind, "umount_filesystem");
}

TEST(Requirer, EndpointsListsEveryPublishingRelation) {
  State in = requirer_state(kGoldenUri);
  auto ctx = Context<RequirerCharm>::from_charmcraft_yaml(requirer_yaml());
  std::vector<Endpoint> endpoints;
  std::vector<Seen> seen;
  ctx.run(ctx.on.update_status(), in, [&](RequirerCharm& charm) {
    charm.seen = &seen;
    charm.endpoints = &endpoints;
  });
  ASSERT_EQ(endpoints.size(), 1u);
  EXPECT_EQ(endpoints[0].relation_id, 1);
  EXPECT_EQ(endpoints[0].uri, kGoldenUri);
  ASSERT_TRUE(endpoints[0].info.ok()) << endpoints[0].info.error().message;
  EXPECT_EQ(std::get<CephfsInfo>(*endpoints[0].info), kInfo);
}

// ---- the provider ------------------------------------------------------------------------------

class ProviderCharm : public ops::CharmBase {
 public:
  explicit ProviderCharm(ops::Framework& framework) : CharmBase(framework), fs(*this) {
    framework.observe(on.config_changed, this, &ProviderCharm::on_config_changed);
  }
  FilesystemProvides fs;
  std::optional<FilesystemInfo> to_publish;
  std::optional<int> to_relation;  // set_info(relation id, info) instead of set_info(info)
  bool remove = false;             // remove_info(to_relation)
  std::optional<ops::Status>* result = nullptr;

 private:
  void on_config_changed(ops::ConfigChangedEvent&) {
    if (remove) {
      result->emplace(fs.remove_info(*to_relation));
    } else if (to_publish && to_relation) {
      result->emplace(fs.set_info(*to_relation, *to_publish));
    } else if (to_publish) {
      result->emplace(fs.set_info(*to_publish));
    }
  }
};

struct ProviderRun {
  State out;
  std::optional<ops::Status> result;
  int secret_sets = 0;
  int secret_adds = 0;
};

ProviderRun run_provider(const State& in, const ops::testing::Event& event,
                         std::optional<FilesystemInfo> info = std::nullopt,
                         std::optional<int> relation_id = std::nullopt, bool remove = false) {
  auto ctx = Context<ProviderCharm>::from_charmcraft_yaml(provider_yaml());
  ProviderRun run;
  run.out = ctx.run(event, in, [&](ProviderCharm& charm) {
    charm.to_publish = info;
    charm.to_relation = relation_id;
    charm.remove = remove;
    charm.result = &run.result;
  });
  run.secret_sets = ctx.count_tool_calls("secret-set");
  run.secret_adds = ctx.count_tool_calls("secret-add");
  return run;
}

Relation peers(ops::Bag app_data = {}) {
  return Relation{.endpoint = "server-peers", .id = 0, .local_app_data = std::move(app_data)};
}
Relation client_relation(int id = 1) {
  return Relation{.endpoint = "filesystem", .id = id, .remote_app_name = "fs-client"};
}
Secret owned_secret(const std::string& key = kKey, int revision = 1) {
  Secret secret{.id = kSecretId,
                .owner = "app",
                .tracked_content = {{"key", key}},
                .label = std::string(kAuthSecretLabel),
                .description = std::string(kAuthSecretDescription)};
  secret.tracked_revision = revision;
  return secret;
}

// The published URI with the secret id replaced by `id` and auth-rev by `rev`.
std::string uri_with(const std::string& id, int rev) {
  auto uri = to_uri(kInfo, id, rev);
  return uri.ok() ? *uri : "";
}

const ops::testing::EventFactory on;

TEST(Provider, SetInfoCreatesTheSecretAndPublishesEverywhere) {
  const State in{.relations = {peers(), client_relation(1), client_relation(2)},
                 .leader = true,
                 .model_uuid = kModelUuid};
  auto run = run_provider(in, on.config_changed(), kInfo);
  ASSERT_TRUE(run.result && run.result->ok()) << run.result->error().message;
  const Secret& secret = run.out.get_secret(std::string(kAuthSecretLabel));
  EXPECT_EQ(secret.effective_latest_content(), (ops::SecretContent{{"key", kKey}}));
  EXPECT_EQ(secret.remote_grants.size(), 2u);
  // `auth` is the id exactly as secret-add printed it.
  const std::string expected = uri_with(secret.id, 1);
  EXPECT_EQ(run.out.get_relation(0).local_app_data, (ops::Bag{{"endpoint", expected}}));
  EXPECT_EQ(run.out.get_relation(1).local_app_data, (ops::Bag{{"endpoint", expected}}));
  EXPECT_EQ(run.out.get_relation(2).local_app_data, (ops::Bag{{"endpoint", expected}}));
}

TEST(Provider, SetInfoWithTheSameKeyMakesNoNewRevision) {
  const State in{.relations = {peers({{"endpoint", kGoldenUri}}), client_relation()},
                 .secrets = {owned_secret()},
                 .leader = true,
                 .model_uuid = kModelUuid};
  auto run = run_provider(in, on.config_changed(), kInfo);
  ASSERT_TRUE(run.result && run.result->ok()) << run.result->error().message;
  EXPECT_EQ(run.secret_sets, 0);
  EXPECT_EQ(run.secret_adds, 0);
  EXPECT_EQ(run.out.get_secret(kSecretId).effective_latest_revision(), 1);
  // The golden bytes: the stored id (secret://<model-uuid>/<xid>) and auth-rev 1.
  EXPECT_EQ(run.out.get_relation(1).local_app_data, (ops::Bag{{"endpoint", kGoldenUri}}));
}

TEST(Provider, KeyRotationMakesOneRevisionAndBumpsAuthRev) {
  const State in{.relations = {peers({{"endpoint", kGoldenUri}}), client_relation()},
                 .secrets = {owned_secret()},
                 .leader = true,
                 .model_uuid = kModelUuid};
  CephfsInfo rotated = kInfo;
  rotated.key = kRotatedKey;
  auto run = run_provider(in, on.config_changed(), rotated);
  ASSERT_TRUE(run.result && run.result->ok()) << run.result->error().message;
  EXPECT_EQ(run.secret_sets, 1);
  const Secret& secret = run.out.get_secret(kSecretId);
  EXPECT_EQ(secret.effective_latest_revision(), 2);
  EXPECT_EQ(secret.effective_latest_content(), (ops::SecretContent{{"key", kRotatedKey}}));
  EXPECT_EQ(run.out.get_relation(1).local_app_data,
            (ops::Bag{{"endpoint", uri_with(kSecretId, 2)}}));
  EXPECT_EQ(run.out.get_relation(0).local_app_data,
            (ops::Bag{{"endpoint", uri_with(kSecretId, 2)}}));
}

TEST(Provider, RelationJoinedCopiesTheGoldenEndpointAndGrantsWithoutANewRevision) {
  // fs_relate_1x1, hook 13: the leader's filesystem-relation-joined.
  const State in{.relations = {peers({{"endpoint", kGoldenUri}}), client_relation()},
                 .secrets = {owned_secret()},
                 .leader = true,
                 .model_uuid = kModelUuid};
  auto run = run_provider(in, on.relation_joined(in.get_relation(1), 0));
  EXPECT_EQ(run.out.get_relation(1).local_app_data, (ops::Bag{{"endpoint", kGoldenUri}}));
  EXPECT_EQ(run.out.get_secret(kSecretId).remote_grants.at(1),
            (std::set<std::string>{"fs-client"}));
  // Python makes revision 2 here with unchanged content; we do not.
  EXPECT_EQ(run.secret_sets, 0);
  EXPECT_EQ(run.out.get_secret(kSecretId).effective_latest_revision(), 1);
}

TEST(Provider, RelationJoinedBeforeConfigurationWritesNothing) {
  const State in{.relations = {peers(), client_relation()}, .leader = true};
  auto run = run_provider(in, on.relation_joined(in.get_relation(1), 0));
  EXPECT_EQ(run.out.get_relation(1).local_app_data, ops::Bag{});
}

TEST(Provider, NonLeaderWritesNothing) {
  const State in{.relations = {peers({{"endpoint", kGoldenUri}}), client_relation()},
                 .secrets = {owned_secret()},
                 .leader = false};
  auto joined = run_provider(in, on.relation_joined(in.get_relation(1), 0));
  EXPECT_EQ(joined.out.get_relation(1).local_app_data, ops::Bag{});
  auto set = run_provider(in, on.config_changed(), kInfo);
  ASSERT_TRUE(set.result && set.result->ok());
  EXPECT_EQ(set.out.get_relation(1).local_app_data, ops::Bag{});
  EXPECT_EQ(set.secret_sets + set.secret_adds, 0);
}

TEST(Provider, InvalidInfoIsRefusedBeforeAnythingIsWritten) {
  const State in{.relations = {peers(), client_relation()}, .leader = true};
  CephfsInfo bad = kInfo;
  bad.path = "/volumes/../../etc";
  auto run = run_provider(in, on.config_changed(), bad);
  ASSERT_TRUE(run.result.has_value());
  ASSERT_FALSE(run.result->ok());
  EXPECT_EQ(run.result->error().code, ops::ErrorCode::kInvalidArgument);
  EXPECT_EQ(run.secret_adds, 0);
  EXPECT_EQ(run.out.get_relation(0).local_app_data, ops::Bag{});
}

TEST(Provider, AnAddressVectorOfSeveralAddressesIsRefusedAsTheUriCouldNotCarryIt) {
  const State in{.relations = {peers(), client_relation()}, .leader = true};
  CephfsInfo vector = kInfo;
  vector.monitor_hosts = {"[v2:192.168.1.1:3300/0,v1:192.168.1.1:6789/0]"};
  auto run = run_provider(in, on.config_changed(), vector);
  ASSERT_TRUE(run.result.has_value());
  ASSERT_FALSE(run.result->ok());
  EXPECT_EQ(run.result->error().code, ops::ErrorCode::kInvalidArgument);
  EXPECT_THAT(run.result->error().message, HasSubstr("has several addresses"));
  EXPECT_EQ(run.secret_adds, 0);
  // One address per vector passes, and reads back as written.
  vector.monitor_hosts = {"[v2:192.168.1.1:3300/0]", "192.168.1.2:6789"};
  ASSERT_TRUE(validate(vector).ok());
  auto uri = to_uri(vector, "plain:" + kKey);
  ASSERT_TRUE(uri.ok()) << uri.error().message;
  auto back = info_from_uri(*uri);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(std::get<CephfsInfo>(*back).monitor_hosts, vector.monitor_hosts);
}

TEST(Provider, NfsInfoNeedsNoSecret) {
  const State in{.relations = {peers(), client_relation()}, .leader = true};
  auto run = run_provider(in, on.config_changed(),
                          NfsInfo{.hostname = "192.168.1.9", .port = 2049, .path = "/export"});
  ASSERT_TRUE(run.result && run.result->ok()) << run.result->error().message;
  EXPECT_EQ(run.secret_adds, 0);
  EXPECT_EQ(run.out.get_relation(1).local_app_data,
            (ops::Bag{{"endpoint", "nfs://(192.168.1.9%3A2049)/export"}}));
}

// ---- per-relation info (a provider that hands each relation its own share) -------------------

Relation client_of(int id, const std::string& app, ops::Bag local = {}) {
  return Relation{.endpoint = "filesystem",
                  .id = id,
                  .local_app_data = std::move(local),
                  .remote_app_name = app};
}

TEST(Provider, PerRelationInfoHasItsOwnSecretGrantedToThatRelationOnly) {
  const State in{.relations = {peers(), client_of(1, "fs-a"), client_of(2, "fs-b")},
                 .leader = true,
                 .model_uuid = kModelUuid};
  auto run = run_provider(in, on.config_changed(), kInfo, 2);
  ASSERT_TRUE(run.result && run.result->ok()) << run.result->error().message;
  EXPECT_EQ(FilesystemProvides::auth_secret_label(2), "auth-2");
  const Secret& secret = run.out.get_secret("auth-2");
  EXPECT_EQ(secret.effective_latest_content(), (ops::SecretContent{{"key", kKey}}));
  EXPECT_EQ(secret.remote_grants, (std::map<int, std::set<std::string>>{{2, {"fs-b"}}}));
  // Same wire form as set_info(info): `auth` is the id as secret-add printed it, auth-rev 1.
  EXPECT_EQ(run.out.get_relation(2).local_app_data,
            (ops::Bag{{"endpoint", uri_with(secret.id, 1)}}));
  EXPECT_EQ(run.out.get_relation(1).local_app_data, ops::Bag{});
  // No peer copy: relation-joined must never hand this relation's key to another relation.
  EXPECT_EQ(run.out.get_relation(0).local_app_data, ops::Bag{});
}

TEST(Provider, PerRelationInfoWithTheSameKeyMakesNoNewRevision) {
  Secret secret = owned_secret();
  secret.label = "auth-1";
  const std::string uri = uri_with(kSecretId, 1);
  const State in{.relations = {peers(), client_of(1, "fs-a", {{"endpoint", uri}})},
                 .secrets = {secret},
                 .leader = true,
                 .model_uuid = kModelUuid};
  auto run = run_provider(in, on.config_changed(), kInfo, 1);
  ASSERT_TRUE(run.result && run.result->ok()) << run.result->error().message;
  EXPECT_EQ(run.secret_sets + run.secret_adds, 0);
  EXPECT_EQ(run.out.get_relation(1).local_app_data, (ops::Bag{{"endpoint", uri}}));
}

TEST(Provider, PerRelationKeyChangeMakesOneRevisionAndBumpsAuthRev) {
  Secret secret = owned_secret();
  secret.label = "auth-1";
  const State in{
      .relations = {peers(), client_of(1, "fs-a", {{"endpoint", uri_with(kSecretId, 1)}})},
      .secrets = {secret},
      .leader = true,
      .model_uuid = kModelUuid};
  CephfsInfo rotated = kInfo;
  rotated.key = kRotatedKey;
  auto run = run_provider(in, on.config_changed(), rotated, 1);
  ASSERT_TRUE(run.result && run.result->ok()) << run.result->error().message;
  EXPECT_EQ(run.secret_sets, 1);
  EXPECT_EQ(run.out.get_secret(kSecretId).effective_latest_revision(), 2);
  EXPECT_EQ(run.out.get_relation(1).local_app_data,
            (ops::Bag{{"endpoint", uri_with(kSecretId, 2)}}));
}

TEST(Provider, PerRelationInfoForAnUnknownRelationIsRelationNotFound) {
  const State in{.relations = {peers()}, .leader = true, .model_uuid = kModelUuid};
  auto run = run_provider(in, on.config_changed(), kInfo, 7);
  ASSERT_TRUE(run.result.has_value());
  ASSERT_FALSE(run.result->ok());
  EXPECT_EQ(run.result->error().code, ops::ErrorCode::kRelationNotFound);
  EXPECT_EQ(run.secret_adds, 0);
}

TEST(Provider, PerRelationInfoOfANonLeaderWritesNothing) {
  const State in{.relations = {peers(), client_of(1, "fs-a")}, .model_uuid = kModelUuid};
  auto run = run_provider(in, on.config_changed(), kInfo, 1);
  ASSERT_TRUE(run.result && run.result->ok());
  EXPECT_EQ(run.secret_adds, 0);
  EXPECT_EQ(run.out.get_relation(1).local_app_data, ops::Bag{});
}

TEST(Provider, RemoveInfoRemovesThePerRelationSecret) {
  Secret secret = owned_secret();
  secret.label = "auth-1";
  const State in{
      .relations = {peers()}, .secrets = {secret}, .leader = true, .model_uuid = kModelUuid};
  auto run = run_provider(in, on.config_changed(), std::nullopt, 1, /*remove=*/true);
  ASSERT_TRUE(run.result && run.result->ok()) << run.result->error().message;
  EXPECT_TRUE(run.out.secrets.empty());
  // Nothing to remove: still success.
  auto again = run_provider(run.out, on.config_changed(), std::nullopt, 1, /*remove=*/true);
  ASSERT_TRUE(again.result && again.result->ok());
}

}  // namespace
}  // namespace charms::filesystem_client::v0
