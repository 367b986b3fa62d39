// Replays the provider side of every golden trace in STORAGE_LIBS_FILESYSTEM_INFO_CASES_DIR/golden
// (upstream Python cephfs-server-proxy, read at test time) against FilesystemProvides: for each
// config-changed and filesystem-relation-joined of the provider's leader, the model as the trace
// left it before the hook (bags, the `auth` secret), the same event (config-changed calls
// set_info with the info the charm's config gives), and the endpoint bytes the hook wrote.
//
// Differences that are ours by design (docs/protocol.md, "filesystem_info"):
//  - `auth-rev` is the revision the secret has after the hook; Python publishes the revision from
//    before its own secret-set (fs_key_rotation: 3 where the new key is revision 4).
//  - A secret created in the hook has the id the harness's secret-add printed. The in-memory
//    backend prints "secret:<xid>", not Juju 3's "secret://<model-uuid>/<xid>" of the traces; the
//    test checks that `auth` is exactly what secret-add printed, whatever the form.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "charms/filesystem_client/v0/filesystem_info.h"
#include "ops/testing/context.h"

namespace charms::filesystem_client::v0 {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ops::testing::Context;
using ops::testing::State;

constexpr const char* kProvider = "cephfs-server-proxy";

std::string provider_yaml() {
  return "name: cephfs-server-proxy\nprovides:\n  filesystem:\n    interface: filesystem_info\n"
         "peers:\n  server-peers:\n    interface: server_peers\n";
}

class ProviderCharm : public ops::CharmBase {
 public:
  explicit ProviderCharm(ops::Framework& framework) : CharmBase(framework), fs(*this) {
    framework.observe(on.config_changed, this, &ProviderCharm::on_config_changed);
  }
  FilesystemProvides fs;
  std::optional<CephfsInfo> from_config;

 private:
  void on_config_changed(ops::ConfigChangedEvent&) {
    if (!from_config) return;
    auto status = fs.set_info(*from_config);
    if (!status) throw std::runtime_error(status.error().message);
  }
};

// The CephfsInfo cephfs-server-proxy builds from its config, or nullopt when incomplete.
std::optional<CephfsInfo> info_from_config(const json& config) {
  for (const char* key : {"auth-info", "fsid", "monitor-hosts", "sharepoint"}) {
    if (!config.contains(key)) return std::nullopt;
  }
  const std::string auth = config["auth-info"];
  const std::string sharepoint = config["sharepoint"];
  CephfsInfo info{.fsid = config["fsid"],
                  .name = sharepoint.substr(0, sharepoint.find(':')),
                  .path = sharepoint.substr(sharepoint.find(':') + 1),
                  .monitor_hosts = {},
                  .user = auth.substr(0, auth.find(':')),
                  .key = auth.substr(auth.find(':') + 1)};
  std::string hosts = config["monitor-hosts"];
  for (std::size_t start = 0; start < hosts.size();) {
    auto end = hosts.find(' ', start);
    if (end == std::string::npos) end = hosts.size();
    if (end > start) info.monitor_hosts.push_back(hosts.substr(start, end - start));
    start = end + 1;
  }
  return info;
}

// The model as a trace builds it up, hook by hook.
struct TracedModel {
  std::map<int, std::map<std::string, ops::Bag>> bags;  // relation id -> owner -> bag
  std::set<int> filesystem_relations;
  std::optional<ops::testing::Secret> secret;

  void apply(const json& changes, const std::string& model_uuid) {
    const json empty = json::object();
    const json& relation_data =
        changes.contains("relation_data") ? changes["relation_data"] : empty;
    const json& secrets = changes.contains("secrets") ? changes["secrets"] : empty;
    for (const auto& [relation, owners] : relation_data.items()) {
      for (const auto& [owner, values] : owners.items()) {
        auto& bag = bags[std::stoi(relation)][owner];
        for (const auto& [key, value] : values.items()) {
          if (value.is_null()) {
            bag.erase(key);
          } else {
            bag[key] = value.get<std::string>();
          }
        }
      }
    }
    for (const auto& [xid, change] : secrets.items()) {
      const json& c = change.contains("created") ? change["created"] : change;
      if (change.contains("created")) {
        secret = ops::testing::Secret{.id = "secret://" + model_uuid + "/" + xid, .owner = "app"};
        secret->label = c["label"].get<std::string>();
        secret->description = c["description"].get<std::string>();
      }
      if (!secret || !c.contains("latest")) continue;
      const int latest = c["latest"];
      secret->tracked_revision = latest;
      secret->tracked_content.clear();
      for (const auto& [key, value] : c["revisions"][std::to_string(latest)]["content"].items()) {
        secret->tracked_content[key] = value.get<std::string>();
      }
    }
  }

  State state(const std::string& model_uuid, std::optional<int> joining_unit,
              int joining_relation) {
    State s{.relations = {}, .leader = true, .model_uuid = model_uuid};
    s.relations.push_back(
        {.endpoint = "server-peers", .id = 0, .local_app_data = bags[0][kProvider]});
    for (int id : filesystem_relations) {
      ops::testing::Relation relation{.endpoint = "filesystem",
                                      .id = id,
                                      .local_app_data = bags[id][kProvider],
                                      .remote_app_name = "fs-client"};
      if (joining_unit && id == joining_relation)
        relation.remote_units_data = {{*joining_unit, {}}};
      s.relations.push_back(relation);
    }
    if (secret) s.secrets.push_back(*secret);
    return s;
  }
};

int relation_id_of(const json& env) {
  const std::string id = env.value("JUJU_RELATION_ID", "");
  return id.empty() ? -1 : std::stoi(id.substr(id.find(':') + 1));
}

json config_of(const json& hook) {
  for (const auto& call : hook["tool_calls"]) {
    if (call["tool"] == "config-get") return json::parse(call["stdout"].get<std::string>());
  }
  return json::object();
}

// `golden` with its auth and auth-rev options replaced, re-encoded (the layout stays the trace's).
std::string with_auth(const std::string& golden, const std::string& auth, int auth_rev) {
  auto parts = decode_uri(golden);
  if (!parts) return "undecodable golden URI";
  for (auto& [key, value] : parts->options) {
    if (key == "auth") value = auth;
    if (key == "auth-rev") value = std::to_string(auth_rev);
  }
  auto uri = encode_uri(*parts);
  return uri ? *uri : "";
}

std::vector<std::string> trace_files() {
  std::vector<std::string> files;
  std::error_code ignored;
  const fs::path dir = fs::path(STORAGE_LIBS_FILESYSTEM_INFO_CASES_DIR) / "golden";
  for (const auto& entry : fs::directory_iterator(dir, ignored)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class GoldenTrace : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTrace, ProviderLeaderWritesTheTracesEndpointBytes) {
  std::ifstream in(GetParam());
  const json trace = json::parse(in);
  const std::string uuid = trace["model"]["uuid"];
  const std::string leader = trace["final_state"]["apps"][kProvider]["leader"];
  TracedModel model;
  int replayed = 0;
  for (const auto& hook : trace["hooks"]) {
    const json& env = hook["env"];
    const std::string unit = env["JUJU_UNIT_NAME"];
    const std::string name = hook["hook"];
    const bool ours = unit == leader && hook["exit"] == 0 &&
                      (name == "config-changed" || name == "filesystem-relation-joined");
    if (unit.starts_with(kProvider) && name == "filesystem-relation-created") {
      model.filesystem_relations.insert(relation_id_of(env));
    }
    if (ours) {
      SCOPED_TRACE(std::to_string(hook["seq"].get<int>()) + " " + name);
      const int relation = relation_id_of(env);
      std::optional<int> joining;
      if (name == "filesystem-relation-joined") {
        const std::string remote = env["JUJU_REMOTE_UNIT"];
        joining = std::stoi(remote.substr(remote.find('/') + 1));
      }
      const State before = model.state(uuid, joining, relation);
      const bool secret_existed = model.secret.has_value();
      auto ctx = Context<ProviderCharm>::from_charmcraft_yaml(provider_yaml());
      const auto event = joining ? ctx.on.relation_joined(before.get_relation(relation), *joining)
                                 : ctx.on.config_changed();
      const auto info = info_from_config(config_of(hook));
      State out;
      ASSERT_NO_THROW(
          out = ctx.run(event, before, [&](ProviderCharm& charm) { charm.from_config = info; }));
      model.apply(hook["changes"], uuid);  // the trace's model after the hook
      ++replayed;
      for (const auto& relation_out : out.relations) {
        const auto& expected = model.bags[relation_out.id][kProvider];
        if (!expected.contains("endpoint")) {
          EXPECT_FALSE(relation_out.local_app_data.contains("endpoint")) << relation_out.id;
          continue;
        }
        const std::string golden = expected.at("endpoint");
        const std::string ours_uri = relation_out.local_app_data.contains("endpoint")
                                         ? relation_out.local_app_data.at("endpoint")
                                         : "";
        if (joining) {
          EXPECT_EQ(ours_uri, golden) << "relation " << relation_out.id;  // copied as stored
          continue;
        }
        const auto& secret = out.get_secret(std::string(kAuthSecretLabel));
        const std::string auth = secret_existed ? before.secrets.front().id : secret.id;
        EXPECT_EQ(ours_uri, with_auth(golden, auth, secret.effective_latest_revision()))
            << "relation " << relation_out.id;
      }
      continue;
    }
    if (unit.starts_with(kProvider) && name == "filesystem-relation-broken") {
      model.filesystem_relations.erase(relation_id_of(env));
    }
    model.apply(hook["changes"], uuid);
  }
  EXPECT_GE(replayed, 2);
}

std::string trace_name(const ::testing::TestParamInfo<std::string>& info) {
  return fs::path(info.param).stem().string();
}

INSTANTIATE_TEST_SUITE_P(Traces, GoldenTrace, ::testing::ValuesIn(trace_files()), trace_name);

TEST(GoldenTraces, AreAllFound) { EXPECT_EQ(trace_files().size(), 6u); }

}  // namespace
}  // namespace charms::filesystem_client::v0
