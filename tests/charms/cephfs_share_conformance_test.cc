// Runs every conformance case in STORAGE_LIBS_CONFORMANCE_CASES_DIR (shared/conformance/cases),
// read at test time, through the library classes with the Scenario-style Context: a tiny charm
// with CephFSRequires or CephFSProvides on `cephfs-share`, the case's state, its hook (or its
// library call, made inside update-status), and then byte-for-byte comparison of the bags, the
// emitted library events, the payload read inside the first observer that has one, the warnings
// and the local application's secrets. Where a case carries `recommended`, its fields replace
// those of `expect` (the library never fails the hook, so `error` must have a recommendation).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "charms/storage_libs/v0/cephfs_interfaces.h"
#include "ops/testing/context.h"

namespace charms::storage_libs::v0 {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ops::testing::Context;
using ops::testing::ContextOptions;
using ops::testing::State;

constexpr const char* kEndpoint = "cephfs-share";
const std::set<std::string> kLibraryEvents = {"server_connected", "mount_share", "umount_share",
                                              "share_requested"};

// What the charm saw: the payload of the first library event that has one, and a call's result.
struct Observations {
  std::optional<json> payload;
  std::optional<ops::Status> call_result;
};

template <class T>
json payload_field(const ops::Result<std::optional<T>>& value, json (*to_json)(const T&)) {
  if (!value) return json{{"error", std::string(wire_error_code(value.error()))}};
  if (!value->has_value()) return nullptr;
  return to_json(**value);
}

json share_json(const CephFSShareInfo& share) {
  return {{"fsid", share.fsid},
          {"name", share.name},
          {"path", share.path},
          {"monitor_hosts", share.monitor_hosts}};
}
json auth_json(const CephFSAuthInfo& auth) {
  return {{"username", auth.username}, {"key", auth.key}};
}

json mount_payload(const MountEventBase& event) {
  return {{"share_info", payload_field(event.share_info(), &share_json)},
          {"auth_info", payload_field(event.auth_info(), &auth_json)}};
}

class RequirerCharm : public ops::CharmBase {
 public:
  explicit RequirerCharm(ops::Framework& framework)
      : CharmBase(framework), share(*this, kEndpoint) {
    framework.observe(share.on.mount_share, this, &RequirerCharm::on_mount_share);
    framework.observe(share.on.umount_share, this, &RequirerCharm::on_umount_share);
    framework.observe(on.update_status, this, &RequirerCharm::on_update_status);
  }
  CephFSRequires share;
  Observations* seen = nullptr;
  std::function<ops::Status(RequirerCharm&)> call;

 private:
  void on_mount_share(MountShareEvent& event) { record(mount_payload(event)); }
  void on_umount_share(UmountShareEvent& event) { record(mount_payload(event)); }
  void on_update_status(ops::UpdateStatusEvent&) {
    if (call) seen->call_result = call(*this);
  }
  void record(json payload) {
    if (!seen->payload) seen->payload = std::move(payload);
  }
};

class ProviderCharm : public ops::CharmBase {
 public:
  explicit ProviderCharm(ops::Framework& framework)
      : CharmBase(framework), share(*this, kEndpoint) {
    framework.observe(share.on.share_requested, this, &ProviderCharm::on_share_requested);
    framework.observe(on.update_status, this, &ProviderCharm::on_update_status);
  }
  CephFSProvides share;
  Observations* seen = nullptr;
  std::function<ops::Status(ProviderCharm&)> call;

 private:
  void on_share_requested(ShareRequestedEvent& event) {
    if (seen->payload) return;
    auto name = event.name();
    seen->payload = json{{"name", name ? json(*name) : json(nullptr)}};
  }
  void on_update_status(ops::UpdateStatusEvent&) {
    if (call) seen->call_result = call(*this);
  }
};

// ---- reading a case ----------------------------------------------------------------------------

std::vector<std::string> case_files() {
  std::vector<std::string> files;
  std::error_code ignored;
  for (const auto& entry : fs::directory_iterator(STORAGE_LIBS_CONFORMANCE_CASES_DIR, ignored)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

json load(const std::string& file) {
  std::ifstream in(file);
  return json::parse(in);
}

ops::Bag bag(const json& object) {
  ops::Bag out;
  for (const auto& [key, value] : object.items()) out[key] = value.get<std::string>();
  return out;
}

int unit_number(const std::string& unit) { return std::stoi(unit.substr(unit.find('/') + 1)); }

// The field of `recommended` if it has one, else the one of `expect`.
json effective(const json& c, const std::string& field) {
  const auto& recommended = c["recommended"];
  if (recommended.is_object() && recommended.contains(field)) return recommended[field];
  return c["expect"][field];
}

State build_state(const json& c) {
  const json& r = c["relation"];
  ops::testing::Relation relation{.endpoint = r["endpoint"].get<std::string>(),
                                  .id = r["id"].get<int>(),
                                  .local_app_data = bag(r["local_app_data"]),
                                  .local_unit_data = bag(r["local_unit_data"]),
                                  .remote_app_name = r["remote_app"].get<std::string>(),
                                  .remote_app_data = bag(r["remote_app_data"]),
                                  .remote_units_data = {}};
  for (const auto& unit : r["remote_units"]) {
    const std::string name = unit.get<std::string>();
    const json& data = r["remote_units_data"].value(name, json::object());
    relation.remote_units_data[unit_number(name)] = bag(data);
  }
  State state{.relations = {relation}, .leader = c["leader"].get<bool>()};
  for (const auto& s : c["secrets"]) {
    const bool local = s["owner"] == "local-app";
    if (!local && !s.value("granted_to_local_app", false)) continue;  // invisible to this unit
    std::map<int, ops::SecretContent> revisions;
    for (const auto& [number, content] : s["revisions"].items()) {
      revisions[std::stoi(number)] = bag(content);
    }
    ops::testing::Secret secret{.id = s["id"].get<std::string>(), .owner = local ? "app" : ""};
    if (s["label"].is_string()) secret.label = s["label"].get<std::string>();
    if (s["description"].is_string()) secret.description = s["description"].get<std::string>();
    // An observer tracks the oldest revision (so a refresh moves it); the owner sees the newest.
    const auto& tracked = local ? *revisions.rbegin() : *revisions.begin();
    secret.tracked_revision = tracked.first;
    secret.tracked_content = tracked.second;
    secret.latest_revision = revisions.rbegin()->first;
    secret.latest_content = revisions.rbegin()->second;
    state.secrets.push_back(std::move(secret));
  }
  return state;
}

ops::testing::Event build_event(const ops::testing::EventFactory& on, const json& c,
                                const State& state) {
  const auto& rel = state.get_relation(c["relation"]["id"].get<int>());
  if (c["call"].is_object()) return on.update_status();
  const std::string hook = c["hook"].get<std::string>();
  auto unit = [&](const char* key) -> std::optional<int> {
    if (!c[key].is_string()) return std::nullopt;
    return unit_number(c[key].get<std::string>());
  };
  if (hook == "secret-remove") {
    const auto& secret = state.get_secret(c["secret_event"]["id"].get<std::string>());
    return on.secret_remove(secret, c["secret_event"]["revision"].get<int>());
  }
  if (hook.ends_with("-relation-joined")) return on.relation_joined(rel, *unit("remote_unit"));
  if (hook.ends_with("-relation-changed")) return on.relation_changed(rel, unit("remote_unit"));
  if (hook.ends_with("-relation-departed")) {
    return on.relation_departed(rel, *unit("remote_unit"), unit("departing_unit"));
  }
  if (hook.ends_with("-relation-broken")) return on.relation_broken(rel);
  throw std::invalid_argument("case uses a hook this runner does not know: " + hook);
}

CephFSShareInfo share_from(const json& j) {
  return {j["fsid"], j["name"], j["path"], j["monitor_hosts"].get<std::vector<std::string>>()};
}

std::string charmcraft_yaml(const json& c) {
  const bool requirer = c["side"] == "requirer";
  return "name: " + c["local_app"].get<std::string>() + "\n" +
         (requirer ? "requires:\n" : "provides:\n") + "  " + kEndpoint +
         ":\n    interface: cephfs_share\n";
}

// Replaces ${secret:<label>} with the id of the local application's secret with that label.
std::string resolve_placeholders(std::string value, const State& out) {
  const std::string prefix = "${secret:";
  for (auto start = value.find(prefix); start != std::string::npos; start = value.find(prefix)) {
    const auto end = value.find('}', start);
    const std::string label = value.substr(start + prefix.size(), end - start - prefix.size());
    value.replace(start, end - start + 1, out.get_secret(label).id);
  }
  return value;
}

ops::Bag expected_bag(const json& expected, const State& out) {
  ops::Bag result = bag(expected);
  for (auto& [key, value] : result) value = resolve_placeholders(value, out);
  return result;
}

json secret_json(const ops::testing::Secret& secret) {
  json granted = json::object();
  for (const auto& [relation, names] : secret.remote_grants) {
    granted[std::to_string(relation)] = std::vector<std::string>(names.begin(), names.end());
  }
  return {{"owner", "local-app"},
          {"label", secret.label ? json(*secret.label) : json(nullptr)},
          {"description", secret.description ? json(*secret.description) : json(nullptr)},
          {"latest_revision", secret.effective_latest_revision()},
          {"revisions", secret.present_revisions()},
          {"content", secret.effective_latest_content()},
          {"granted", granted}};
}

// ---- the runner --------------------------------------------------------------------------------

struct Outcome {
  State out;
  std::vector<std::string> emitted;
  std::vector<std::string> warnings;
  Observations seen;
};

template <class Charm>
Outcome run_case(const json& c, const State& in,
                 std::function<ops::Status(Charm&)> call = nullptr) {
  ContextOptions options{.app_name = c["local_app"].get<std::string>(),
                         .unit_id = unit_number(c["local_unit"].get<std::string>())};
  auto ctx = Context<Charm>::from_charmcraft_yaml(charmcraft_yaml(c), options);
  Outcome outcome;
  outcome.out = ctx.run(build_event(ctx.on, c, in), in, [&](Charm& charm) {
    charm.seen = &outcome.seen;
    charm.call = call;
  });
  for (const auto& kind : ctx.emitted_events) {
    if (kLibraryEvents.contains(kind)) outcome.emitted.push_back(kind);
  }
  for (const auto& line : ctx.juju_log) {
    if (line.level == "WARNING" || line.level == "ERROR" || line.level == "CRITICAL") {
      outcome.warnings.push_back(line.message);
    }
  }
  return outcome;
}

Outcome run(const json& c) {
  const State in = build_state(c);
  if (c["side"] == "requirer") {
    std::function<ops::Status(RequirerCharm&)> call;
    if (c["call"].is_object()) {
      const json& request = c["call"]["request_share"];
      call = [request](RequirerCharm& charm) {
        return charm.share.request_share(request["relation_id"].get<int>(),
                                         request["name"].get<std::string>());
      };
    }
    return run_case<RequirerCharm>(c, in, call);
  }
  std::function<ops::Status(ProviderCharm&)> call;
  if (c["call"].is_object()) {
    const json& set = c["call"]["set_share"];
    call = [set](ProviderCharm& charm) {
      return charm.share.set_share(set["relation_id"].get<int>(), share_from(set["share_info"]),
                                   {set["auth_info"]["username"], set["auth_info"]["key"]});
    };
  }
  return run_case<ProviderCharm>(c, in, call);
}

class ConformanceCase : public ::testing::TestWithParam<std::string> {};

TEST_P(ConformanceCase, BehavesLikeLibpatch2OrAsRecommended) {
  const json c = load(GetParam());
  const json& expect = c["expect"];
  if (!expect["error"].is_null()) {
    ASSERT_TRUE(c["recommended"].is_object())
        << "LIBPATCH 2 fails here and the case says nothing safer to do";
  }

  Outcome outcome;
  ASSERT_NO_THROW(outcome = run(c)) << "the hook must never fail";
  const State& out = outcome.out;
  const auto& relation = out.get_relation(c["relation"]["id"].get<int>());

  EXPECT_EQ(outcome.emitted, effective(c, "emitted").get<std::vector<std::string>>());
  if (outcome.seen.call_result) {
    EXPECT_TRUE(outcome.seen.call_result->ok()) << outcome.seen.call_result->error().message;
  }

  // Payload, field by field, each from `recommended` where it has one.
  if (expect["payload"].is_object()) {
    ASSERT_TRUE(outcome.seen.payload.has_value()) << "no observer read a payload";
    const json recommended = c["recommended"].is_object()
                                 ? c["recommended"].value("payload", json::object())
                                 : json::object();
    for (const auto& [field, value] : expect["payload"].items()) {
      const json wanted = recommended.contains(field) ? recommended[field] : value;
      ASSERT_FALSE(wanted.is_object() && wanted.contains("raises"))
          << field << ": LIBPATCH 2 raises and there is no recommendation";
      EXPECT_EQ((*outcome.seen.payload)[field], wanted) << field;
    }
  } else if (effective(c, "emitted") == expect["emitted"]) {
    // No payload expected (a recommendation that adds events says nothing about theirs).
    EXPECT_FALSE(outcome.seen.payload.has_value());
  }

  // Warnings: exactly the expected ones; where the library recovers from what failed LIBPATCH 2
  // (the recommendation says to log it), one more, about that.
  std::vector<std::string> warnings = outcome.warnings;
  if (!expect["error"].is_null()) {
    ASSERT_EQ(warnings.size(), expect["warnings"].size() + 1) << ::testing::PrintToString(warnings);
    EXPECT_THAT(warnings.back(), ::testing::HasSubstr("cache"));
    warnings.pop_back();
  }
  EXPECT_EQ(warnings, expect["warnings"].get<std::vector<std::string>>());

  if (!expect["local_app_data"].is_null()) {
    EXPECT_EQ(relation.local_app_data, expected_bag(expect["local_app_data"], out));
  }
  EXPECT_EQ(relation.local_unit_data, expected_bag(effective(c, "local_unit_data"), out));
  // What the library writes never changes the remote side.
  EXPECT_EQ(relation.remote_app_data, bag(c["relation"]["remote_app_data"]));

  if (!expect["secrets"].is_null()) {
    std::vector<json> ours;
    for (const auto& secret : out.secrets) {
      if (secret.owner == "app") ours.push_back(secret_json(secret));
    }
    ASSERT_EQ(ours.size(), expect["secrets"].size());
    for (std::size_t i = 0; i < ours.size(); ++i) {
      json wanted = expect["secrets"][i];
      if (!wanted.contains("revisions")) ours[i].erase("revisions");
      EXPECT_EQ(ours[i], wanted);
    }
  }
}

std::string case_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = fs::path(info.param).stem().string();
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Cases, ConformanceCase, ::testing::ValuesIn(case_files()), case_name);

TEST(ConformanceSuite, FindsEveryCaseFile) {
  // 25 cases at the time of writing; a missing directory must not pass silently.
  EXPECT_GE(case_files().size(), 25u) << STORAGE_LIBS_CONFORMANCE_CASES_DIR;
}

}  // namespace
}  // namespace charms::storage_libs::v0
