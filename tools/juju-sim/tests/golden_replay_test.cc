// Golden replay: juju-sim must run the reference scenarios of tests/conformance/golden and
// tests/conformance/filesystem_info/golden (recorded under a model of Juju 3.4.6) with the same
// hooks per unit, the same JUJU_* environment (ids and paths aside), the same tool results and the
// same final relation data, secrets and statuses. The charms are puppets (golden/puppet_charm.cc)
// that replay the reference charms' tool calls.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "golden/golden_model.h"
#include "golden/golden_text.h"
#include "sim_fixture.h"

namespace {

namespace fs = std::filesystem;
using juju_sim::golden::comparable_env;
using juju_sim::golden::hook_line;
using juju_sim::golden::mask_addresses;
using juju_sim::golden::SecretIdMap;
using nlohmann::json;

// A JSON value with addresses masked and juju-sim secret ids turned into the golden ones.
json comparable(const json& value, const SecretIdMap& ids) {
  return json::parse(mask_addresses(ids.to_golden(value.dump())));
}

std::vector<std::string> lines_of(const std::vector<json>& hooks) {
  std::vector<std::string> out;
  for (const json& hook : hooks) out.push_back(hook["line"]);
  return out;
}

std::string mismatches(const std::string& shared) {
  std::ifstream file(shared + "/mismatches.log");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

class GoldenReplay : public SimTest, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    SimTest::SetUp();
    ASSERT_TRUE(fs::is_directory(GOLDEN_DIR)) << "no golden traces at " << GOLDEN_DIR;
    // "fs_*": the filesystem_info traces (upstream cephfs-server-proxy of today).
    const std::string dir = GetParam().starts_with("fs_") ? FS_GOLDEN_DIR : GOLDEN_DIR;
    ASSERT_TRUE(fs::is_directory(dir)) << "no golden traces at " << dir;
    path_ = dir + "/" + GetParam() + ".json";
    std::ifstream file(path_);
    ASSERT_TRUE(file) << "cannot read " << path_;
    golden_ = json::parse(file);
    shared_ = dir_ + "/puppet";
    fs::create_directories(shared_);
    charms_ = juju_sim::golden::write_puppet_charms(golden_, dir_ + "/charms", PUPPET_CHARM, path_,
                                                    shared_);
  }

  bool hooks_ran_after(int step) const {
    for (const json& hook : golden_["hooks"]) {
      if (hook["step"] == step) return true;
    }
    return false;
  }

  void play_steps() {
    for (const json& step : golden_["steps"]) {
      const std::string op = step["op"];
      const json& args = step["args"];
      if (op == "deploy") {
        std::vector<std::string> cli = {"deploy", args["app"], charms_.at(args["app"]), "-n",
                                        std::to_string(args["units"].get<int>())};
        for (const auto& [key, value] : args["config"].items()) {
          cli.insert(cli.end(), {"--config", key + "=" + value.get<std::string>()});
        }
        ok(cli);
      } else if (op == "relate") {
        EXPECT_EQ(ok({"relate", args["endpoints"][0], args["endpoints"][1]}),
                  std::to_string(args["relation_id"].get<int>()) + "\n");
      } else if (op == "remove-unit") {
        ok({"remove-unit", args["unit"]});
      } else if (op == "remove-relation") {
        ok({"remove-relation", std::to_string(args["relation_id"].get<int>())});
      } else if (op == "config") {
        std::vector<std::string> cli = {"config", args["app"]};
        for (const auto& [key, value] : args["values"].items()) {
          cli.push_back(key + "=" + value.get<std::string>());
        }
        ok(cli);
      } else if (op != "settle") {
        FAIL() << "golden step " << op << " is not supported by this test";
      }
      if (op == "settle" || hooks_ran_after(step["step"])) ok({"settle"});
    }
  }

  // unit -> its hooks in order, each {"line", "env"}, from the golden trace or juju-sim's.
  std::map<std::string, std::vector<json>> golden_hooks() const {
    std::map<std::string, std::vector<json>> out;
    for (const json& hook : golden_["hooks"]) {
      out[hook["unit"]].push_back(
          {{"line", hook_line(hook["hook"], hook["env"], hook["exit"])},
           {"env", json::parse(mask_addresses(comparable_env(hook["env"], "").dump()))}});
    }
    return out;
  }
  std::map<std::string, std::vector<json>> sim_hooks(const SecretIdMap& ids) {
    std::map<std::string, std::vector<json>> out;
    for (const json& entry : trace()) {
      if (entry["kind"] != "hook") continue;
      json env = comparable(comparable_env(entry["env"], model_), ids);
      out[entry["unit"]].push_back(
          {{"line", hook_line(entry["name"], entry["env"], entry["exit"])}, {"env", env}});
    }
    return out;
  }

  // Per unit: the same hooks in the same order, each with the same JUJU_* environment and exit
  // status; the puppets saw the same tool results.
  void expect_same_hooks() {
    SecretIdMap ids(shared_ + "/secret-ids.json");
    auto expected = golden_hooks();
    auto actual = sim_hooks(ids);
    for (const auto& [unit, hooks] : expected) {
      ASSERT_EQ(lines_of(actual[unit]), lines_of(hooks)) << "hook sequence of " << unit;
      for (size_t i = 0; i < hooks.size(); ++i) {
        json difference = json::diff(hooks[i]["env"], actual[unit][i]["env"]);
        EXPECT_TRUE(difference.empty())
            << unit << " hook #" << i << " (" << hooks[i]["line"].get<std::string>()
            << "): environment differs from the reference: " << difference.dump();
      }
    }
    for (const auto& [unit, hooks] : actual) {
      EXPECT_TRUE(expected.count(unit)) << unit << " ran hooks but is not in the reference";
    }
    EXPECT_EQ(mismatches(shared_), "") << "tool calls that differ from the reference";
  }

  // The final relation data, secrets (never content: juju-sim does not show it) and statuses.
  void expect_same_final_state() {
    SecretIdMap ids(shared_ + "/secret-ids.json");
    const json& final_state = golden_["final_state"];

    for (const auto& [id, relation] : final_state["relations"].items()) {
      json shown = comparable(json::parse(ok({"show-relation", id})), ids);
      json app_bags = json::object(), unit_bags = json::object();
      for (const auto& [app, bag] : relation["app_bags"].items()) app_bags[app] = bag["data"];
      for (const auto& [unit, bag] : relation["unit_bags"].items()) unit_bags[unit] = bag["data"];
      EXPECT_EQ(shown["application-data"], comparable(app_bags, ids)) << "relation " << id;
      EXPECT_EQ(shown["unit-data"], comparable(unit_bags, ids)) << "relation " << id;
      EXPECT_EQ(shown["units-in-scope"], relation["scope"]) << "relation " << id;
    }
    EXPECT_EQ(status()["relations"].size(), final_state["relations"].size());

    json secrets = comparable(json::parse(ok({"secrets"})), ids);
    ASSERT_EQ(secrets.size(), final_state["secrets"].size());
    json units = status();
    for (const auto& [xid, expected] : final_state["secrets"].items()) {
      const json& secret =
          secrets.value("secret://" + final_state["model"]["uuid"].get<std::string>() + "/" + xid,
                        json::object());
      EXPECT_EQ(secret["owner"], expected["owner"]) << xid;
      EXPECT_EQ(secret["label"], expected["label"]) << xid;
      EXPECT_EQ(secret["description"], expected["description"]) << xid;
      EXPECT_EQ(secret["latest"], expected["latest"]) << xid;
      json revisions = json::array();
      for (const auto& [revision, content] : expected["revisions"].items()) {
        revisions.push_back(std::stoi(revision));
      }
      EXPECT_EQ(secret["revisions"], revisions) << xid;
      json grants = json::array();
      for (const json& grant : expected["grants"]) {
        grants.push_back({{"relation-id", grant["relation_id"]},
                          {"target", grant["target"]},
                          {"kind", grant["target_kind"]}});
      }
      EXPECT_EQ(secret["grants"], grants) << xid;
      // Removed units are gone from juju-sim's consumers; the reference keeps their records.
      json consumers = json::object();
      for (const auto& [unit, consumer] : expected["consumers"].items()) {
        if (!final_state["units"].contains(unit)) continue;
        consumers[unit] = {{"label", consumer["label"]}, {"tracked", consumer["tracked"]}};
      }
      EXPECT_EQ(secret["consumers"], consumers) << xid;
    }

    for (const auto& [app, expected] : final_state["apps"].items()) {
      json shown = units["applications"][app]["units"];
      std::vector<std::string> names;
      for (const auto& [unit, info] : shown.items()) names.push_back(unit);
      EXPECT_EQ(names, expected["units"].get<std::vector<std::string>>()) << app;
      for (const auto& [unit, info] : shown.items()) {
        EXPECT_EQ(info["leader"].get<bool>(), expected["leader"] == unit) << unit;
        const json& status = final_state["units"][unit]["status"];
        EXPECT_EQ(info["workload-status"]["current"], status["status"]) << unit;
        EXPECT_EQ(info["workload-status"]["message"], status["message"]) << unit;
      }
    }
  }

  std::string path_, shared_;
  json golden_;
  std::map<std::string, std::string> charms_;
};

TEST_P(GoldenReplay, ReproducesTheReferenceScenario) {
  play_steps();
  expect_same_hooks();
  expect_same_final_state();
}

// The filesystem_info traces (fs_*, FS_GOLDEN_DIR) do not replay yet: juju-sim runs a peer
// relation's relation-created after start (Juju 3.4.6: right after install, before
// leader-elected) and does not send the leader relation-changed for its own peer application-bag
// writes (the traces show it does). Both are juju-sim fidelity work, listed in docs/reliability.md.
INSTANTIATE_TEST_SUITE_P(Scenarios, GoldenReplay,
                         ::testing::Values("relate_1x1", "relate_1x3", "requirer_unit_departing",
                                           "relation_broken"));

}  // namespace
