// State-transition tests of cephfs-server-proxy serving both interface generations at once:
// cephfs-share (cephfs_share) and filesystem (filesystem_info), in proxy and provisioning mode.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "charms/filesystem_client/v0/filesystem_info.h"
#include "charms/storage_libs/v0/cephfs_share_wire.h"
#include "ops/testing/context.h"
#include "provisioning_fixture.h"
#include "proxy_charm.h"

namespace cephfs_server_proxy {
namespace {

namespace fs = charms::filesystem_client::v0;
using Provisioning = provisioning_testing::ProvisioningTest;
using namespace provisioning_testing;  // NOLINT(google-build-using-namespace): the fixture

// The configuration, model and URI of the upstream golden trace fs_relate_1x1
// (shared/conformance/filesystem_info/golden): the same config must give the same bytes.
const std::string kModelUuid = "b1f9a3c2-5d4e-4f60-8a7b-9c0d1e2f3a4b";
const std::string kGoldenSecretId = "secret://" + kModelUuid + "/fakejuju000000000001";
const std::string kKey = "AQDZ8hRr4yzsDBAAO8Li+G+1ywNtjrhSvdFqNQ==";
const std::string kRotatedKey = "AQDZ8hRr5XGGDhAAyXo6p+RaTNuGDpu9w542cg==";
const std::string kGoldenUri =
    "cephfs://fsuser@(192.168.1.1%3A6789%2C192.168.1.2%3A6789%2C192.168.1.3%3A6789)/volumes/"
    "shared?fsid=8d549b01-bea7-4ba5-9b58-77bfa35076cf&name=cephfs&auth=secret%3A%2F%2F"
    "b1f9a3c2-5d4e-4f60-8a7b-9c0d1e2f3a4b%2Ffakejuju000000000001&auth-rev=1";
constexpr int kServerPeersId = 0;
constexpr int kProxyPeerId = 100;

nlohmann::json golden_config(const std::string& key = kKey) {
  return {{"fsid", "8d549b01-bea7-4ba5-9b58-77bfa35076cf"},
          {"sharepoint", "cephfs:/volumes/shared"},
          {"monitor-hosts", "192.168.1.1:6789 192.168.1.2:6789 192.168.1.3:6789"},
          {"auth-info", "fsuser:" + key}};
}

// The golden URI for a secret id as the backend printed it and a revision.
std::string golden_uri_with(const std::string& secret_id, int revision) {
  auto uri = fs::to_uri(
      fs::CephfsInfo{.fsid = "8d549b01-bea7-4ba5-9b58-77bfa35076cf",
                     .name = "cephfs",
                     .path = "/volumes/shared",
                     .monitor_hosts = {"192.168.1.1:6789", "192.168.1.2:6789", "192.168.1.3:6789"},
                     .user = "fsuser",
                     .key = kKey},
      secret_id, revision);
  return uri.ok() ? *uri : "";
}

Relation share_relation(int id) {
  return Relation{.endpoint = "cephfs-share",
                  .id = id,
                  .remote_app_name = "cephfs-client",
                  .remote_app_data = {{"name", "/data"}}};
}
Relation fs_relation(int id, ops::Bag local = {}) {
  return Relation{.endpoint = "filesystem",
                  .id = id,
                  .local_app_data = std::move(local),
                  .remote_app_name = "fs-client" + std::to_string(id)};
}
Relation server_peers(ops::Bag local = {}) {
  return Relation{.endpoint = "server-peers", .id = kServerPeersId, .local_app_data = local};
}

State proxy_state(std::vector<Relation> relations, bool leader = true,
                  nlohmann::json config = golden_config()) {
  relations.push_back(server_peers());
  relations.push_back(Relation{.endpoint = "proxy", .id = kProxyPeerId});
  return State{.config = std::move(config),
               .relations = std::move(relations),
               .leader = leader,
               .model_uuid = kModelUuid};
}

// The secret an upstream Python leader left behind (juju refresh from it).
Secret golden_secret() {
  Secret secret{.id = kGoldenSecretId,
                .owner = "app",
                .tracked_content = {{"key", kKey}},
                .label = std::string(fs::kAuthSecretLabel),
                .description = std::string(fs::kAuthSecretDescription)};
  secret.tracked_revision = 1;
  return secret;
}

Context<ProxyCharm> make_proxy_context() {
  return Context<ProxyCharm>::from_charm_dir(PROXY_CHARM_DIR);
}

const ops::Bag& local(const State& state, int relation_id) {
  return state.get_relation(relation_id).local_app_data;
}

// ---- proxy mode ------------------------------------------------------------------------------

TEST(BothGenerations, ConfigChangedPublishesBothFromTheSameConfigurationWithTheGoldenBytes) {
  auto ctx = make_proxy_context();
  State out = ctx.run(ctx.on.config_changed(), proxy_state({share_relation(1), fs_relation(2)}));
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Exporting share"));
  // cephfs_share, as before.
  EXPECT_EQ(local(out, 1).at("share_info"),
            *charms::storage_libs::v0::encode_share_info(
                {"8d549b01-bea7-4ba5-9b58-77bfa35076cf",
                 "cephfs",
                 "/volumes/shared",
                 {"192.168.1.1:6789", "192.168.1.2:6789", "192.168.1.3:6789"}}));
  // filesystem_info: the golden URI, but for the id our backend printed for the new secret.
  const Secret& secret = out.get_secret(std::string(fs::kAuthSecretLabel));
  EXPECT_THAT(secret.id, StartsWith("secret://" + kModelUuid + "/"));
  EXPECT_EQ(secret.effective_latest_content(), (ops::SecretContent{{"key", kKey}}));
  EXPECT_EQ(secret.remote_grants, (std::map<int, std::set<std::string>>{{2, {"fs-client2"}}}));
  const std::string uri = golden_uri_with(secret.id, 1);
  std::string golden = kGoldenUri;
  const std::string xid = secret.id.substr(secret.id.rfind('/') + 1);
  golden.replace(golden.find("fakejuju000000000001"), 20, xid);
  EXPECT_EQ(uri, golden);
  EXPECT_EQ(local(out, 2), (ops::Bag{{"endpoint", golden}}));
  EXPECT_EQ(local(out, kServerPeersId), (ops::Bag{{"endpoint", golden}}));
}

TEST(BothGenerations, RefreshFromThePythonCharmKeepsItsSecretAndPublishesTheGoldenBytes) {
  auto ctx = make_proxy_context();
  State in = proxy_state({fs_relation(2, {{"endpoint", kGoldenUri}})});
  in.get_relation(kServerPeersId).local_app_data = {{"endpoint", kGoldenUri}};
  in.secrets.push_back(golden_secret());
  State out = ctx.run(ctx.on.upgrade_charm(), in);
  EXPECT_EQ(local(out, 2), (ops::Bag{{"endpoint", kGoldenUri}}));
  EXPECT_EQ(local(out, kServerPeersId), (ops::Bag{{"endpoint", kGoldenUri}}));
  // Our deviation (docs/protocol.md): no new revision when the key is unchanged.
  EXPECT_EQ(ctx.count_tool_calls("secret-set") + ctx.count_tool_calls("secret-add"), 0);
  EXPECT_EQ(out.get_secret(kGoldenSecretId).effective_latest_revision(), 1);
}

TEST(BothGenerations, RelationJoinedAfterConfigurationGetsTheStoredUri) {
  auto ctx = make_proxy_context();
  State out = ctx.run(ctx.on.config_changed(), proxy_state({}));
  const std::string stored = local(out, kServerPeersId).at("endpoint");
  out.relations.push_back(fs_relation(5));
  out = ctx.run(ctx.on.relation_joined(out.get_relation(5), 0), out);
  EXPECT_EQ(local(out, 5), (ops::Bag{{"endpoint", stored}}));
  EXPECT_EQ(out.get_secret(std::string(fs::kAuthSecretLabel)).remote_grants.at(5),
            (std::set<std::string>{"fs-client5"}));
  EXPECT_EQ(ctx.count_tool_calls("secret-set") + ctx.count_tool_calls("secret-add"), 0);
}

TEST(BothGenerations, KeyRotationBumpsAuthRevAndReachesBothEndpoints) {
  auto ctx = make_proxy_context();
  State out = ctx.run(ctx.on.config_changed(), proxy_state({share_relation(1), fs_relation(2)}));
  const std::string secret_id = out.get_secret(std::string(fs::kAuthSecretLabel)).id;
  out.config = golden_config(kRotatedKey);
  out = ctx.run(ctx.on.config_changed(), out);
  EXPECT_EQ(ctx.count_tool_calls("secret-set"), 2);  // cephfs_share's auth_info + `auth`
  const Secret& secret = out.get_secret(secret_id);
  EXPECT_EQ(secret.effective_latest_revision(), 2);
  EXPECT_EQ(secret.effective_latest_content(), (ops::SecretContent{{"key", kRotatedKey}}));
  EXPECT_THAT(local(out, 2).at("endpoint"), testing::EndsWith("&auth-rev=2"));
  EXPECT_EQ(local(out, kServerPeersId).at("endpoint"), local(out, 2).at("endpoint"));
  EXPECT_EQ(out.get_secret("auth_info").effective_latest_content().at("key"), kRotatedKey);
  // Unchanged again: no revision, same bytes.
  const std::string before = local(out, 2).at("endpoint");
  out = ctx.run(ctx.on.config_changed(), out);
  EXPECT_EQ(ctx.count_tool_calls("secret-set"), 0);
  EXPECT_EQ(local(out, 2).at("endpoint"), before);
}

TEST(BothGenerations, AddressVectorsReachFilesystemClientsAsTheirV1Address) {
  auto ctx = make_proxy_context();
  auto config = golden_config();
  config["monitor-hosts"] =
      "[v2:192.168.1.1:3300/0,v1:192.168.1.1:6789/0] [v2:192.168.1.2:3300/0] 192.168.1.3:6789";
  State out = ctx.run(ctx.on.config_changed(), proxy_state({fs_relation(2)}, true, config));
  ASSERT_EQ(out.unit_status, ops::ActiveStatus("Exporting share"));
  auto info = fs::info_from_uri(local(out, 2).at("endpoint"), [&](const std::string& id) {
    return ops::Result<std::string>(out.get_secret(id).effective_latest_content().at("key"));
  });
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_THAT(std::get<fs::CephfsInfo>(*info).monitor_hosts,
              ElementsAre("192.168.1.1:6789", "192.168.1.2:3300", "192.168.1.3:6789"));
}

TEST(BothGenerations, AnUnchangedConfigurationMakesNoSecretRevisionAndLeavesThePeerCopy) {
  auto ctx = make_proxy_context();
  State out = ctx.run(ctx.on.config_changed(), proxy_state({share_relation(1), fs_relation(2)}));
  ::testing::Test::RecordProperty("first_config_changed_tool_calls",
                                  static_cast<int>(ctx.tool_calls.size()));
  out = ctx.run(ctx.on.config_changed(), out);
  ::testing::Test::RecordProperty("unchanged_config_changed_tool_calls",
                                  static_cast<int>(ctx.tool_calls.size()));
  std::string calls;
  for (const auto& call : ctx.tool_calls) calls += call.to_string().substr(0, 40) + "\n";
  EXPECT_EQ(ctx.count_tool_calls("secret-add") + ctx.count_tool_calls("secret-set"), 0) << calls;
  EXPECT_THAT(calls, Not(HasSubstr("relation-set -r server-peers"))) << calls;
  // Both libraries write each client relation's bag again (they do not read it first).
  EXPECT_EQ(ctx.count_tool_calls("relation-set"), 2) << calls;
}

TEST(BothGenerations, NonLeaderWritesNothingOnEitherEndpoint) {
  auto ctx = make_proxy_context();
  State in = proxy_state({share_relation(1), fs_relation(2)}, /*leader=*/false);
  for (const auto& event : {ctx.on.config_changed(), ctx.on.relation_joined(in.get_relation(2), 0),
                            ctx.on.relation_changed(in.get_relation(1), 0)}) {
    State out = ctx.run(event, in);
    EXPECT_TRUE(local(out, 1).empty());
    EXPECT_TRUE(local(out, 2).empty());
    EXPECT_TRUE(local(out, kServerPeersId).empty());
    EXPECT_TRUE(out.secrets.empty());
  }
}

TEST(BothGenerations, BadConfigurationIsBlockedAndPublishesNothingOnEitherEndpoint) {
  auto ctx = make_proxy_context();
  for (const auto& [option, value] :
       std::vector<std::pair<std::string, std::string>>{{"fsid", "not a fsid"},
                                                        {"sharepoint", "cephfs:volumes"},
                                                        {"monitor-hosts", "192.168.1.1"},
                                                        {"auth-info", "fsuser:short"}}) {
    auto config = golden_config();
    config[option] = value;
    State out = ctx.run(ctx.on.config_changed(),
                        proxy_state({share_relation(1), fs_relation(2)}, true, config));
    EXPECT_EQ(out.unit_status.name, "blocked") << option;
    EXPECT_THAT(out.unit_status.message, HasSubstr(option));
    EXPECT_TRUE(local(out, 1).empty()) << option;
    EXPECT_TRUE(local(out, 2).empty()) << option;
    EXPECT_TRUE(local(out, kServerPeersId).empty()) << option;
    EXPECT_TRUE(out.secrets.empty()) << option;
  }
}

TEST(BothGenerations, ARelationJoiningWhileTheConfigurationIsInvalidGetsNothing) {
  auto ctx = make_proxy_context();
  State out = ctx.run(ctx.on.config_changed(), proxy_state({fs_relation(2)}));
  const std::string published = local(out, 2).at("endpoint");
  out.config["monitor-hosts"] = "192.168.1.1";
  out = ctx.run(ctx.on.config_changed(), out);
  EXPECT_EQ(out.unit_status.name, "blocked");
  EXPECT_EQ(local(out, 2).at("endpoint"), published);  // kept, as on cephfs-share
  EXPECT_TRUE(local(out, kServerPeersId).empty());
  out.relations.push_back(fs_relation(5));
  out = ctx.run(ctx.on.relation_joined(out.get_relation(5), 0), out);
  EXPECT_TRUE(local(out, 5).empty());
  // Valid again: every relation gets the URI, with no new secret revision.
  out.config = golden_config();
  out = ctx.run(ctx.on.config_changed(), out);
  EXPECT_EQ(local(out, 5).at("endpoint"), published);
  EXPECT_EQ(local(out, kServerPeersId).at("endpoint"), published);
  EXPECT_EQ(ctx.count_tool_calls("secret-set") + ctx.count_tool_calls("secret-add"), 0);
}

TEST(BothGenerations, NewRevisionOfTheAuthSecretReachesBothEndpoints) {
  auto ctx = make_proxy_context();
  const std::string user_secret = "secret:d1u2s3e4r5s6e7c8r9e0";
  auto config = golden_config();
  config["auth-secret"] = user_secret;
  State in = proxy_state({share_relation(1), fs_relation(2)}, true, config);
  in.secrets.push_back(
      Secret{.id = user_secret, .tracked_content = {{"username", "fsuser"}, {"key", kKey}}});
  State out = ctx.run(ctx.on.config_changed(), in);
  EXPECT_THAT(local(out, 2).at("endpoint"), testing::EndsWith("&auth-rev=1"));
  out.get_secret(user_secret).latest_content =
      ops::SecretContent{{"username", "fsuser"}, {"key", kRotatedKey}};
  out = ctx.run(ctx.on.secret_changed(out.get_secret(user_secret)), out);
  const Secret& auth = out.get_secret(std::string(fs::kAuthSecretLabel));
  EXPECT_EQ(auth.effective_latest_content(), (ops::SecretContent{{"key", kRotatedKey}}));
  EXPECT_THAT(local(out, 2).at("endpoint"), testing::EndsWith("&auth-rev=2"));
  EXPECT_EQ(out.get_secret("auth_info").effective_latest_content().at("key"), kRotatedKey);
}

// ---- provisioning mode -------------------------------------------------------------------------

Relation provisioned_fs_relation(int id) {
  return Relation{
      .endpoint = "filesystem", .id = id, .remote_app_name = "client" + std::to_string(id)};
}

// The filesystem relation's published info, the key read from the secret the URI names.
fs::CephfsInfo published_fs_info(const State& state, int relation_id) {
  auto info = fs::info_from_uri(local(state, relation_id).at("endpoint"),
                                [&](const std::string& id) -> ops::Result<std::string> {
                                  return state.get_secret(id).effective_latest_content().at("key");
                                });
  EXPECT_TRUE(info.ok()) << info.error().message;
  return info.ok() ? std::get<fs::CephfsInfo>(*info) : fs::CephfsInfo{};
}

TEST_F(Provisioning, ACephfsShareAndAFilesystemRelationGetIsolatedSubvolumesAndKeys) {
  auto ctx = make_context();
  State out = ctx.run(ctx.on.config_changed(),
                      base_state({client_relation(3), provisioned_fs_relation(4)}));
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Provisioning 2 shares on cephfs"));
  // The filesystem relation is named after its remote application (its requirer sends no name).
  ASSERT_TRUE(ceph.has_subvolume(subvolume_of(3)));
  ASSERT_TRUE(ceph.has_subvolume(subvolume_of(4, "client4")));
  ASSERT_TRUE(ceph.has_client(client_of(4)));
  EXPECT_EQ(records_from_bag(peer_bag(out)).at(4), record_of(4, "client4"));

  const fs::CephfsInfo info = published_fs_info(out, 4);
  EXPECT_EQ(info.fsid, ceph.fsid_value);
  EXPECT_EQ(info.name, "cephfs");
  const cephfs::SubvolumeId subvolume = subvolume_of(4, "client4");
  EXPECT_EQ(info.path, ceph.subvolumes.at("cephfs/cephfs-share/" + subvolume.name).path);
  EXPECT_NE(info.path, published_share(out, 3).path);
  EXPECT_EQ(info.user, client_of(4));
  EXPECT_EQ(info.key, ceph.clients.at(client_of(4)).key);
  EXPECT_NE(info.key, published_auth(out, 3).at("key"));
  // An address vector cannot pass the URI's host list: its v1 address does.
  EXPECT_THAT(info.monitor_hosts, ElementsAre("10.0.0.1:6789"));
  // Its own secret, granted to that relation only; nothing in the peer copy.
  const Secret& secret = out.get_secret("auth-4");
  EXPECT_EQ(secret.remote_grants, (std::map<int, std::set<std::string>>{{4, {"client4"}}}));
  EXPECT_THAT(local(out, 4).at("endpoint"), testing::EndsWith("&auth-rev=1"));
  expect_no_orphans(out);
}

TEST_F(Provisioning, AFilesystemRelationIsProvisionedWhenItJoins) {
  auto ctx = make_context();
  State in = base_state({provisioned_fs_relation(4)});
  State out = ctx.run(ctx.on.relation_joined(in.get_relation(4), 0), in);
  EXPECT_TRUE(ceph.has_client(client_of(4)));
  EXPECT_EQ(published_fs_info(out, 4).user, client_of(4));
  // Again: idempotent, no new key revision.
  out = ctx.run(ctx.on.config_changed(), out);
  EXPECT_EQ(ctx.count_tool_calls("secret-set") + ctx.count_tool_calls("secret-add"), 0);
  EXPECT_THAT(local(out, 4).at("endpoint"), testing::EndsWith("&auth-rev=1"));
}

TEST_F(Provisioning, RelationBrokenOnFilesystemRevokesTheClientAndRemovesItsSecret) {
  auto ctx = make_context();
  State out = ctx.run(ctx.on.config_changed(),
                      base_state({client_relation(3), provisioned_fs_relation(4)}));
  ASSERT_TRUE(ceph.open_session(client_of(4)));
  out = ctx.run(ctx.on.relation_broken(out.get_relation(4)), out);
  EXPECT_FALSE(ceph.has_client(client_of(4)));
  EXPECT_EQ(ceph.sessions(client_of(4)), 0);
  EXPECT_TRUE(ceph.has_subvolume(subvolume_of(4, "client4")));  // delete-data-on-revoke false
  EXPECT_TRUE(ceph.has_client(client_of(3)));
  EXPECT_FALSE(peer_bag(out).contains("provisioned-4"));
  EXPECT_TRUE(peer_bag(out).contains("provisioned-3"));
  for (const auto& secret : out.secrets)
    EXPECT_NE(secret.label, std::optional<std::string>("auth-4"));
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Provisioning 1 share on cephfs"));
}

TEST_F(Provisioning, RotateCredentialsBumpsAuthRevOnAFilesystemRelation) {
  auto ctx = make_context();
  State out = ctx.run(ctx.on.config_changed(),
                      base_state({client_relation(3), provisioned_fs_relation(4)}));
  const std::string old_key = published_fs_info(out, 4).key;
  out = ctx.run(ctx.on.action("rotate-credentials", {{"relation-id", 4}}), out);
  EXPECT_EQ(ctx.action_results["relation-ids"], "4");
  const fs::CephfsInfo info = published_fs_info(out, 4);
  EXPECT_NE(info.key, old_key);
  EXPECT_EQ(info.key, ceph.clients.at(client_of(4)).key);
  EXPECT_THAT(local(out, 4).at("endpoint"), testing::EndsWith("&auth-rev=2"));
  EXPECT_THAT(ctx.action_results.dump(), Not(HasSubstr("AQD")));
}

TEST_F(Provisioning, AFilesystemRelationWithTheProxyModeUriIsNotReplacedAndTheStoredUriIsCleared) {
  auto ctx = make_context();
  State in = base_state({Relation{.endpoint = "filesystem",
                                  .id = 4,
                                  .local_app_data = {{"endpoint", kGoldenUri}},
                                  .remote_app_name = "client4"},
                         server_peers({{"endpoint", kGoldenUri}})});
  State out = ctx.run(ctx.on.config_changed(), in);
  EXPECT_FALSE(ceph.has_client(client_of(4)));
  EXPECT_EQ(out.unit_status.name, "blocked");
  EXPECT_THAT(out.unit_status.message, HasSubstr("relation 4 still has the share published"));
  EXPECT_EQ(local(out, 4), (ops::Bag{{"endpoint", kGoldenUri}}));
  EXPECT_TRUE(local(out, kServerPeersId).empty());
}

TEST_F(Provisioning, NonLeaderNeverProvisionsAFilesystemRelation) {
  auto ctx = make_context();
  State in = base_state({provisioned_fs_relation(4)}, /*leader=*/false);
  State out = ctx.run(ctx.on.relation_joined(in.get_relation(4), 0), in);
  EXPECT_TRUE(connects.empty());
  EXPECT_TRUE(local(out, 4).empty());
}

}  // namespace
}  // namespace cephfs_server_proxy
