// State-transition tests of the cephfs-server-proxy charm.
#include "proxy_charm.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "charms/storage_libs/v0/cephfs_share_wire.h"
#include "ops/testing/context.h"

namespace cephfs_server_proxy {
namespace {

namespace v0 = charms::storage_libs::v0;
using ops::testing::Context;
using ops::testing::ContextOptions;
using ops::testing::Relation;
using ops::testing::Secret;
using ops::testing::State;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kFsid = "354ca7c4-f10d-11ee-93f8-1f85f87b7845";
constexpr const char* kKey = "AQAPdQldX264KBAAOyaxen/y0XBl1qxlGPTabw==";
constexpr const char* kNewKey = "AQCTuApkAAAAABAAeT0CXUQtH2SMDaUd2WBXlQ==";
constexpr const char* kUserSecretId = "secret:d1u2s3e4r5s6e7c8r9e0";

nlohmann::json valid_config() {
  return {{"fsid", kFsid},
          {"sharepoint", "ceph-fs:/"},
          {"monitor-hosts", "10.5.0.80:6789 10.5.2.23:6789 10.5.2.17:6789"},
          {"auth-info", std::string("ceph-client:") + kKey}};
}

std::string expected_share_info(std::vector<std::string> hosts = {
                                    "10.5.0.80:6789", "10.5.2.23:6789", "10.5.2.17:6789"}) {
  return *v0::encode_share_info({kFsid, "ceph-fs", "/", std::move(hosts)});
}

Relation client_relation(int id, ops::Bag remote_app_data = {{"name", "/data"}}) {
  return Relation{.endpoint = "cephfs-share",
                  .id = id,
                  .remote_app_name = "cephfs-client-" + std::to_string(id),
                  .remote_app_data = std::move(remote_app_data)};
}

Context<ProxyCharm> make_context(ContextOptions options = {}) {
  return Context<ProxyCharm>::from_charm_dir(PROXY_CHARM_DIR, std::move(options));
}

const ops::SecretContent& published_credentials(const State& state) {
  return state.get_secret("auth_info").effective_latest_content();
}

// ---- configuration and status ---------------------------------------------------------------

TEST(ProxyCharm, AllOptionsMissingIsBlockedWithThePythonCharmsStatus) {
  auto ctx = make_context();
  State out = ctx.run(ctx.on.config_changed(), State{.leader = true});
  EXPECT_EQ(out.unit_status,
            ops::BlockedStatus("Missing config keys fsid, sharepoint, monitor-hosts, auth-info"));
}

TEST(ProxyCharm, OneMissingOptionIsNamed) {
  auto ctx = make_context();
  auto config = valid_config();
  config.erase("fsid");
  State out = ctx.run(ctx.on.config_changed(), State{.config = config, .leader = true});
  EXPECT_EQ(out.unit_status, ops::BlockedStatus("Missing config key fsid"));
}

TEST(ProxyCharm, ValidConfigurationIsExportingShare) {
  auto ctx = make_context();
  State out = ctx.run(ctx.on.config_changed(), State{.config = valid_config(), .leader = true});
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Exporting share"));
}

TEST(ProxyCharm, EachInvalidOptionIsBlockedNamingTheOptionAndTheProblem) {
  auto ctx = make_context();
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"fsid", "354ca7c4 f10d", "fsid '354ca7c4 f10d' invalid: expected the cluster fsid"},
      {"fsid", "abc,rw", "fsid 'abc,rw' invalid: expected the cluster fsid"},
      {"sharepoint", "cephfs", "sharepoint 'cephfs' invalid: expected <file system name>:"},
      {"sharepoint", "ceph fs:/", "sharepoint 'ceph fs:/' invalid: the file system name"},
      {"sharepoint", ":/", "sharepoint ':/' invalid: the file system name"},
      {"sharepoint", "cephfs:data", "sharepoint 'cephfs:data' invalid: the path must be absolute"},
      {"sharepoint", "cephfs:/a b", "sharepoint 'cephfs:/a b' invalid: the path must be absolute"},
      {"monitor-hosts", "10.5.0.80", "monitor-hosts invalid: '10.5.0.80' is not <host>:<port>"},
      {"monitor-hosts", "10.5.0.80:6789 10.5.0.81:99999",
       "monitor-hosts invalid: '10.5.0.81:99999' is not"},
      {"monitor-hosts", "10.5.0.80:6789,10.5.0.81:6789", "monitor-hosts invalid:"},
      {"monitor-hosts", " \t ", "monitor-hosts invalid: no address given"},
      {"auth-info", "ceph-client", "auth-info invalid: expected <cephx user>:<cephx key>"},
      {"auth-info", std::string("client.admin:") + kKey,
       "auth-info invalid: give the cephx id without the 'client.' prefix"},
      {"auth-info", std::string("ceph,client:") + kKey,
       "auth-info invalid: the user name may only contain"},
      {"auth-info", std::string(":") + kKey, "auth-info invalid: the user name is empty"},
      {"auth-info", "ceph-client:R//appdqz4NP4Bxcc5XWrg==",
       "auth-info invalid: key: the key is 24 characters long"},
      {"auth-info", "ceph-client:", "auth-info invalid: key: the key is empty"},
      {"auth-info", std::string("ceph-client:") + std::string(kKey).substr(0, 38) + "\n=",
       "auth-info invalid: key: the key is not base64"},
      {"auth-secret", "cephfs-auth", "auth-secret 'cephfs-auth' invalid: expected a secret id"},
  };
  for (const auto& [option, value, status] : cases) {
    auto config = valid_config();
    config[option] = value;
    State out = ctx.run(ctx.on.config_changed(), State{.config = config, .leader = true});
    EXPECT_EQ(out.unit_status.name, "blocked") << option << "=" << value;
    EXPECT_THAT(out.unit_status.message, HasSubstr(status)) << option << "=" << value;
    EXPECT_THAT(out.unit_status.message, Not(HasSubstr(kKey)));
    EXPECT_THAT(out.unit_status.message, Not(HasSubstr("R//app")));
  }
}

// ---- publishing -----------------------------------------------------------------------------

TEST(ProxyCharm, LeaderPublishesToEveryRelationOnConfigChanged) {
  auto ctx = make_context();
  State in{.config = valid_config(),
           .relations = {client_relation(1), client_relation(2, {})},
           .leader = true};
  State out = ctx.run(ctx.on.config_changed(), in);
  for (int id : {1, 2}) {
    const auto& bag = out.get_relation(id).local_app_data;
    EXPECT_EQ(bag.at("share_info"), expected_share_info()) << id;
    EXPECT_TRUE(bag.at("auth").starts_with("secret:")) << id;
    EXPECT_EQ(bag.at("auth-rev"), "1") << id;
  }
  EXPECT_EQ(published_credentials(out),
            (ops::SecretContent{{"username", "ceph-client"}, {"key", kKey}}));
}

TEST(ProxyCharm, ShareRequestedIsAnsweredOnThatRelation) {
  auto ctx = make_context();
  State in{.config = valid_config(), .relations = {client_relation(3)}, .leader = true};
  State out = ctx.run(ctx.on.relation_changed(in.get_relation(3), 0), in);
  EXPECT_THAT(ctx.emitted_events, Contains("share_requested"));
  EXPECT_EQ(out.get_relation(3).local_app_data.at("share_info"), expected_share_info());
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Exporting share"));
  // One INFO line answers the request (one juju-log call, not one per step).
  std::vector<std::string> info;
  for (const auto& line : ctx.juju_log) {
    if (line.level == "INFO") info.push_back(line.message);
  }
  EXPECT_EQ(info, std::vector<std::string>{
                      "Published share ceph-fs:/ to relation cephfs-share:3 (requested: '/data')"});
}

TEST(ProxyCharm, RequestBeforeConfigIsAnsweredByTheConfigChangedThatCompletesIt) {
  auto ctx = make_context();
  State in{.relations = {client_relation(3)}, .leader = true};
  State out = ctx.run(ctx.on.relation_changed(in.get_relation(3), 0), in);
  EXPECT_EQ(out.unit_status.name, "blocked");
  EXPECT_TRUE(out.get_relation(3).local_app_data.empty());
  EXPECT_TRUE(out.deferred.empty());
  EXPECT_THAT(ctx.juju_log, Contains(ops::testing::JujuLogLine{
                                "INFO",
                                "Share '/data' requested on relation cephfs-share:3 is not "
                                "published: the unit is blocked"}));

  out.config = valid_config();
  out = ctx.run(ctx.on.config_changed(), out);
  EXPECT_EQ(out.get_relation(3).local_app_data.at("share_info"), expected_share_info());
}

TEST(ProxyCharm, NonLeaderNeverWritesAndNeverFails) {
  auto ctx = make_context();
  State in{.config = valid_config(), .relations = {client_relation(1)}, .leader = false};
  State out = ctx.run(ctx.on.config_changed(), in);
  EXPECT_TRUE(out.get_relation(1).local_app_data.empty());
  EXPECT_EQ(ctx.count_tool_calls("relation-set"), 0);
  EXPECT_EQ(ctx.count_tool_calls("secret-add"), 0);
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Exporting share"));
  out = ctx.run(ctx.on.relation_changed(out.get_relation(1), 0), out);
  EXPECT_EQ(ctx.count_tool_calls("relation-set"), 0);
}

TEST(ProxyCharm, ConfigurationIsNeverFrozenNewMonitorsAndKeysApply) {
  auto ctx = make_context();
  State in{.config = valid_config(), .relations = {client_relation(1)}, .leader = true};
  State out = ctx.run(ctx.on.config_changed(), in);

  out.config["monitor-hosts"] = "10.5.9.1:6789";
  out.config["auth-info"] = std::string("ceph-client:") + kNewKey;
  out = ctx.run(ctx.on.config_changed(), out);
  const auto& bag = out.get_relation(1).local_app_data;
  EXPECT_EQ(bag.at("share_info"), expected_share_info({"10.5.9.1:6789"}));
  EXPECT_EQ(published_credentials(out),
            (ops::SecretContent{{"username", "ceph-client"}, {"key", kNewKey}}));
  EXPECT_EQ(bag.at("auth-rev"), "2");
}

TEST(ProxyCharm, NewLeaderPublishes) {
  auto ctx = make_context();
  State in{.config = valid_config(), .relations = {client_relation(1)}, .leader = true};
  State out = ctx.run(ctx.on.leader_elected(), in);
  EXPECT_EQ(out.get_relation(1).local_app_data.at("share_info"), expected_share_info());
}

TEST(ProxyCharm, DeletesThePythonCharmsPeerCopyOfTheKey) {
  auto ctx = make_context();
  State in{.config = valid_config(),
           .relations = {Relation{.endpoint = "proxy",
                                  .local_app_data = {{"config", "{\"key\": \"...\"}"}}}},
           .leader = true};
  State out = ctx.run(ctx.on.upgrade_charm(), in);
  EXPECT_TRUE(out.get_relation(0).local_app_data.empty());
}

// ---- auth-secret ----------------------------------------------------------------------------

Secret user_secret(std::string key = kNewKey) {
  return Secret{.id = kUserSecretId,
                .tracked_content = {{"username", "secret-user"}, {"key", std::move(key)}}};
}

TEST(ProxyCharm, AuthSecretTakesPrecedenceOverAuthInfo) {
  auto ctx = make_context(ContextOptions{.juju_debug = true});
  auto config = valid_config();
  config["auth-secret"] = kUserSecretId;
  State in{.config = config,
           .relations = {client_relation(1)},
           .secrets = {user_secret()},
           .leader = true};
  State out = ctx.run(ctx.on.config_changed(), in);
  EXPECT_EQ(published_credentials(out),
            (ops::SecretContent{{"username", "secret-user"}, {"key", kNewKey}}));
  EXPECT_THAT(ctx.juju_log,
              Contains(ops::testing::JujuLogLine{
                  "WARNING", "auth-info is ignored: auth-secret is set and takes precedence"}));
}

TEST(ProxyCharm, AuthSecretNotGrantedIsBlockedWithTheCommandToFixIt) {
  auto ctx = make_context();
  auto config = valid_config();
  config.erase("auth-info");
  config["auth-secret"] = kUserSecretId;
  State out = ctx.run(ctx.on.config_changed(), State{.config = config, .leader = true});
  EXPECT_EQ(out.unit_status,
            ops::BlockedStatus(
                std::string("auth-secret invalid: secret ") + kUserSecretId +
                " not found or not granted to cephfs-server-proxy; run: juju grant-secret " +
                kUserSecretId + " cephfs-server-proxy"));
}

TEST(ProxyCharm, AuthSecretWithWrongContentIsBlocked) {
  auto ctx = make_context();
  auto config = valid_config();
  config["auth-secret"] = kUserSecretId;
  State in{.config = config,
           .secrets = {Secret{.id = kUserSecretId, .tracked_content = {{"password", "x"}}}},
           .leader = true};
  State out = ctx.run(ctx.on.config_changed(), in);
  EXPECT_EQ(out.unit_status.name, "blocked");
  EXPECT_THAT(out.unit_status.message,
              HasSubstr("auth-secret invalid: the secret must hold exactly the keys"));
}

TEST(ProxyCharm, NewRevisionOfTheAuthSecretIsPublished) {
  auto ctx = make_context();
  auto config = valid_config();
  config["auth-secret"] = kUserSecretId;
  State in{.config = config,
           .relations = {client_relation(1)},
           .secrets = {user_secret()},
           .leader = true};
  State out = ctx.run(ctx.on.config_changed(), in);
  out.get_secret(kUserSecretId).latest_content =
      ops::SecretContent{{"username", "secret-user"}, {"key", kKey}};
  out = ctx.run(ctx.on.secret_changed(out.get_secret(kUserSecretId)), out);
  EXPECT_EQ(published_credentials(out),
            (ops::SecretContent{{"username", "secret-user"}, {"key", kKey}}));
}

TEST(ProxyCharm, KeyNeverAppearsInLogsStatusesOrToolCallArgv) {
  auto ctx = make_context(ContextOptions{.juju_debug = true});
  State in{.config = valid_config(),
           .relations = {client_relation(1), client_relation(2)},
           .leader = true};
  State out = ctx.run(ctx.on.config_changed(), in);
  out = ctx.run(ctx.on.relation_changed(out.get_relation(2), 0), out);
  for (const auto& call : ctx.tool_calls) {
    EXPECT_THAT(call.to_string(), Not(HasSubstr(kKey)));
    EXPECT_THAT(call.input, Not(HasSubstr(kKey)));
  }
  for (const auto& line : ctx.juju_log) EXPECT_THAT(line.message, Not(HasSubstr(kKey)));
  EXPECT_THAT(nlohmann::json(out.relations).dump(), Not(HasSubstr(kKey)));
}

}  // namespace
}  // namespace cephfs_server_proxy
