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
#include <utility>
#include <vector>

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

// ---- the requirer side -------------------------------------------------------------------------

class RequirerCharm : public ops::CharmBase {
 public:
  explicit RequirerCharm(ops::Framework& framework) : CharmBase(framework), fs(*this) {
    framework.observe(fs.on.mount_filesystem, this, &RequirerCharm::on_event);
    framework.observe(fs.on.umount_filesystem, this, &RequirerCharm::on_event);
  }
  FilesystemRequires fs;
  std::vector<std::pair<std::string, ops::Result<FilesystemInfo>>>* seen = nullptr;

 private:
  void on_event(FilesystemEvent& event) { seen->emplace_back(event.kind(), event.info()); }
};

json cephfs_json(const CephfsInfo& info) {
  return {{"fsid", info.fsid}, {"name", info.name}, {"path", info.path},
          {"user", info.user}, {"key", info.key},   {"monitor_hosts", info.monitor_hosts}};
}

ops::Bag bag_of(const std::string& text) {
  ops::Bag bag;
  const json parsed = json::parse(text);
  for (const auto& [key, value] : parsed.items()) bag[key] = value.get<std::string>();
  return bag;
}

int unit_number(const std::string& unit) { return std::stoi(unit.substr(unit.find('/') + 1)); }

// What the Python requirer did in one hook, and the model it saw (from its tool calls).
struct RequirerHook {
  State state;
  std::optional<int> remote_unit;
  std::string python_event;    // "mount_filesystem", "umount_filesystem" or ""
  std::optional<json> logged;  // the MOUNT / UMOUNT line
  std::optional<std::string> exception;
};

RequirerHook requirer_hook(const json& hook, const std::string& uuid) {
  RequirerHook out;
  const int id = relation_id_of(hook["env"]);
  ops::testing::Relation relation{
      .endpoint = "filesystem", .id = id, .remote_app_name = kProvider, .remote_units_data = {}};
  std::optional<ops::testing::Secret> secret;
  bool listed = false;
  for (const auto& call : hook["tool_calls"]) {
    const std::string tool = call["tool"];
    const auto& argv = call["argv"];
    const std::string stdout_text = call["stdout"];
    if (tool == "relation-list" && !listed) {
      listed = true;
      const json units = json::parse(stdout_text);
      for (const auto& unit : units) {
        relation.remote_units_data[unit_number(unit)] = {};
      }
    } else if (tool == "relation-get" &&
               std::find(argv.begin(), argv.end(), "--app") != argv.end()) {
      relation.remote_app_data = bag_of(stdout_text);
    } else if (tool == "is-leader") {
      out.state.leader = stdout_text.starts_with("true");
    } else if (tool == "secret-get" && call["exit"] == 0) {
      const ops::Bag content = bag_of(stdout_text);
      if (!secret)
        secret = ops::testing::Secret{.id = argv[0], .owner = "", .tracked_content = content};
      if (content != secret->tracked_content) secret->latest_content = content;
    } else if (tool == "juju-log") {
      const std::string line = argv[argv.size() - 1];
      if (line.starts_with("Emitting custom event <MountFilesystemEvent")) {
        out.python_event = "mount_filesystem";
      } else if (line.starts_with("Emitting custom event <UmountFilesystemEvent")) {
        out.python_event = "umount_filesystem";
      } else if (line.starts_with("MOUNT ") || line.starts_with("UMOUNT ")) {
        out.logged = json::parse(line.substr(line.find(' ') + 1));
      }
    }
  }
  out.state.relations = {relation};
  if (secret) out.state.secrets = {*secret};
  out.state.model_uuid = uuid;
  const std::string remote = hook["env"].value("JUJU_REMOTE_UNIT", "");
  if (!remote.empty()) out.remote_unit = unit_number(remote);
  if (hook["exception"].is_object()) out.exception = hook["exception"]["message"];
  return out;
}

TEST_P(GoldenTrace, RequirerReadsWhatThePythonRequirerLogged) {
  std::ifstream in(GetParam());
  const json trace = json::parse(in);
  const std::string uuid = trace["model"]["uuid"];
  int compared = 0;
  for (const auto& hook : trace["hooks"]) {
    const std::string name = hook["hook"];
    if (!hook["env"]["JUJU_UNIT_NAME"].get<std::string>().starts_with("fs-client") ||
        (name != "filesystem-relation-changed" && name != "filesystem-relation-broken")) {
      continue;
    }
    SCOPED_TRACE(std::to_string(hook["seq"].get<int>()) + " " + name);
    const RequirerHook python = requirer_hook(hook, uuid);
    auto ctx = Context<RequirerCharm>::from_charmcraft_yaml(
        "name: fs-client\nrequires:\n  filesystem:\n    interface: filesystem_info\n");
    const auto& relation = python.state.relations.front();
    const auto event = name == "filesystem-relation-broken"
                           ? ctx.on.relation_broken(relation)
                           : ctx.on.relation_changed(relation, python.remote_unit);
    std::vector<std::pair<std::string, ops::Result<FilesystemInfo>>> seen;
    ASSERT_NO_THROW(
        ctx.run(event, python.state, [&](RequirerCharm& charm) { charm.seen = &seen; }));
    const bool python_had_info = python.logged && !(*python.logged)["info"].is_null();
    if (!python_had_info && !python.exception) {
      // No endpoint yet: Python emits with info None; we emit nothing (docs/protocol.md).
      EXPECT_TRUE(seen.empty());
      continue;
    }
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].first, python.python_event);
    if (python.exception) {
      ASSERT_FALSE(seen[0].second.ok());
      EXPECT_EQ(seen[0].second.error().message, *python.exception);
    } else {
      ASSERT_TRUE(seen[0].second.ok()) << seen[0].second.error().message;
      const auto* cephfs = std::get_if<CephfsInfo>(&*seen[0].second);
      ASSERT_NE(cephfs, nullptr);
      EXPECT_EQ(cephfs_json(*cephfs), (*python.logged)["info"]);
    }
    ++compared;
  }
  EXPECT_GE(compared, 1);
}

std::string trace_name(const ::testing::TestParamInfo<std::string>& info) {
  return fs::path(info.param).stem().string();
}

INSTANTIATE_TEST_SUITE_P(Traces, GoldenTrace, ::testing::ValuesIn(trace_files()), trace_name);

TEST(GoldenTraces, AreAllFound) { EXPECT_EQ(trace_files().size(), 6u); }

}  // namespace
}  // namespace charms::filesystem_client::v0
