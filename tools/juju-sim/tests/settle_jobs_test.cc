// settle --jobs N: hooks of different units run at once; each unit's hooks stay in order, each
// hook commits atomically, and the model settles to the same state as with --jobs 1.
#include <algorithm>
#include <filesystem>

#include "sim_fixture.h"

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace {

const char* kServerMeta = "provides:\n  share: {interface: fs}\n";
const char* kClientMeta = "requires:\n  share: {interface: fs}\n";

// Hook names without the remote unit: the order in which a provider meets its remote units
// depends on when they enter scope, which with --jobs > 1 depends on timing (as in Juju).
std::vector<std::string> names_only(const std::vector<std::string>& hooks) {
  std::vector<std::string> out;
  for (const std::string& line : hooks) {
    auto first = line.find(' ');
    auto second = line.find(' ', first + 1);
    out.push_back(line.substr(0, second));
  }
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  return items;
}

}  // namespace

class SettleJobs : public SimTest {
 protected:
  // Deploys server (1 unit) and client (`clients` units), relates them and settles with `jobs`.
  void deploy_related(int clients, const std::map<std::string, std::string>& server_hooks,
                      const std::map<std::string, std::string>& client_hooks,
                      const std::string& jobs) {
    ok({"deploy", "server", write_charm("server", kServerMeta, server_hooks)});
    ok({"deploy", "client", write_charm("client", kClientMeta, client_hooks), "-n",
        std::to_string(clients)});
    ok({"relate", "server:share", "client:share"});
    settle_result_ = sim({"settle", "--jobs", jobs, "--format", "json"});
  }

  // Everything a test compares between a serial and a concurrent run.
  struct Outcome {
    std::map<std::string, std::vector<std::string>> hooks, hook_names;
    std::map<std::string, json> statuses, relation_info;
  };
  Outcome outcome(int clients) {
    Outcome out;
    json applications = status()["applications"];
    std::vector<std::string> units = {"server/0"};
    for (int i = 0; i < clients; ++i) units.push_back("client/" + std::to_string(i));
    for (const std::string& unit : units) {
      std::string app = unit.substr(0, unit.find('/'));
      if (!applications[app]["units"].contains(unit)) continue;  // removed
      out.hooks[unit] = sorted(hooks_run(unit));
      out.hook_names[unit] = names_only(hooks_run(unit));
      json unit_status = applications[app]["units"][unit];
      out.statuses[unit] = {unit_status["workload-status"]["current"],
                            unit_status["workload-status"].value("message", ""),
                            unit_status["juju-status"]["current"]};
      out.relation_info[unit] = show_unit(unit)["relation-info"];
    }
    return out;
  }

  // Switches the fixture to a fresh model in the same temporary directory.
  void new_model(const std::string& name) {
    model_ = dir_ + "/" + name;
    ok({"init"});
  }

  CliResult settle_result_;
};

TEST_F(SettleJobs, SerialAndConcurrentSettleToTheSameState) {
  const int clients = 6;
  std::map<std::string, std::string> server = {
      {"install", "status-set maintenance installing\n"},
      {"start", "status-set active ready\n"},
      {"share-relation-created", "relation-set --app ready=yes\n"},
      {"share-relation-changed",
       "who=$(relation-get who \"$JUJU_REMOTE_UNIT\")\n"
       "state-set \"seen-$who=1\"\n"
       "status-set active serving\n"}};
  std::map<std::string, std::string> client = {
      {"install", "status-set maintenance installing\n"},
      {"config-changed", "state-set configured=1\n"},
      {"share-relation-created", "relation-set \"who=$JUJU_UNIT_NAME\"\n"},
      {"share-relation-changed",
       "status-set active \"ready=$(relation-get --app ready server)\"\n"
       "relation-set \"ack=$(relation-get --app ready server)\"\n"},
      {"share-relation-departed", "juju-log \"departed $JUJU_DEPARTING_UNIT\"\n"}};

  std::map<std::string, Outcome> results;
  std::map<std::string, int> hooks_run_total;
  for (const std::string jobs : {"1", "4"}) {
    new_model("model-jobs-" + jobs);
    deploy_related(clients, server, client, jobs);
    ASSERT_EQ(settle_result_.exit_code, 0) << settle_result_.err;
    hooks_run_total[jobs] = json::parse(settle_result_.out)["hooks"].get<int>();
    EXPECT_EQ(json::parse(settle_result_.out)["jobs"], std::stoi(jobs));
    ok({"remove-unit", "client/5"});
    ASSERT_EQ(sim({"settle", "--jobs", jobs}).exit_code, 0);
    results[jobs] = outcome(clients);
  }
  const Outcome& serial = results["1"];
  const Outcome& concurrent = results["4"];
  EXPECT_EQ(hooks_run_total["1"], hooks_run_total["4"]);
  EXPECT_EQ(serial.hooks, concurrent.hooks);
  EXPECT_EQ(serial.hook_names, concurrent.hook_names);
  EXPECT_EQ(serial.statuses, concurrent.statuses);
  EXPECT_EQ(serial.relation_info, concurrent.relation_info);
  // The scenario did what it says: every client saw the server's app bag, the server joined
  // every remaining client, and the removed client departed.
  EXPECT_EQ(concurrent.statuses.at("client/1"), json({"active", "ready=yes", "idle"}));
  EXPECT_EQ(concurrent.hooks.count("client/5"), 0u);
  EXPECT_EQ(
      std::count(concurrent.hook_names.at("server/0").begin(),
                 concurrent.hook_names.at("server/0").end(), "server/0 share-relation-joined"),
      clients);
  EXPECT_EQ(concurrent.hook_names.at("server/0").back(), "server/0 share-relation-departed");
}

TEST_F(SettleJobs, FailingAndHangingHooksUnderJobs) {
  std::map<std::string, std::string> client = {
      {"install", "[ \"$JUJU_UNIT_NAME\" = client/3 ] && sleep 30\nexit 0\n"},
      {"share-relation-created",
       "relation-set \"who=$JUJU_UNIT_NAME\"\n"
       "[ \"$JUJU_UNIT_NAME\" = client/2 ] && exit 1\nexit 0\n"}};
  ok({"deploy", "server", write_charm("server", kServerMeta, {})});
  ok({"deploy", "client", write_charm("client", kClientMeta, client), "-n", "5"});
  ok({"relate", "server:share", "client:share"});
  CliResult result = sim({"settle", "--jobs", "3", "--max-attempts", "2", "--hook-timeout", "0.5"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err,
              HasSubstr("client/2 is in error: hook failed: \"share-relation-created\""));
  EXPECT_THAT(result.err, HasSubstr("client/3 is in error: hook failed: \"install\""));
  auto failed = hooks_run("client/2");
  EXPECT_THAT(std::vector<std::string>(failed.end() - 2, failed.end()),
              ElementsAre("client/2 share-relation-created EXIT 1",
                          "client/2 share-relation-created EXIT 1"));
  EXPECT_THAT(hooks_run("client/3"),
              ElementsAre("client/3 install EXIT 137", "client/3 install EXIT 137"));
  // The failed hook's relation-set was discarded, so client/2 never entered scope; the healthy
  // units settled all the way.
  EXPECT_FALSE(show_unit("client/2")["relation-info"][0]["local-unit"]["data"].contains("who"));
  std::vector<std::string> joined;
  for (const std::string& line : hooks_run("server/0")) {
    if (line.find("share-relation-joined") != std::string::npos) joined.push_back(line);
  }
  EXPECT_EQ(sorted(joined), std::vector<std::string>({"server/0 share-relation-joined client/0",
                                                      "server/0 share-relation-joined client/1",
                                                      "server/0 share-relation-joined client/4"}));
  EXPECT_EQ(hooks_run("client/4").back(), "client/4 share-relation-changed server/0");
}

TEST_F(SettleJobs, ManyConcurrentToolCallsNeverHitALockedDatabase) {
  // Every relation hook of every unit makes a burst of reads and staged writes while other
  // units' hooks do the same and settle commits: none may fail with "database is locked".
  const int clients = 12;
  std::string burst =
      "for i in 1 2 3 4; do\n"
      "  relation-set \"k$i=$JUJU_UNIT_NAME\" || exit 10\n"
      "  relation-get - \"$JUJU_UNIT_NAME\" >/dev/null || exit 11\n"
      "  state-set \"s$i=1\" || exit 12\n"
      "  juju-log \"step $i\" || exit 13\n"
      "done\n"
      "status-set active \"done $(state-get s4)\" || exit 14\n";
  std::map<std::string, std::string> hooks = {{"share-relation-created", burst},
                                              {"share-relation-joined", burst},
                                              {"share-relation-changed", burst}};
  deploy_related(clients, hooks, hooks, "8");
  ASSERT_EQ(settle_result_.exit_code, 0) << settle_result_.err;
  json settle = json::parse(settle_result_.out);
  EXPECT_TRUE(settle["quiescent"].get<bool>());
  int tool_calls = 0;
  for (const json& entry : trace()) {
    EXPECT_EQ(entry["exit"], 0) << entry.dump();
    EXPECT_THAT(entry.value("stderr", ""), ::testing::Not(HasSubstr("locked")));
    if (entry["kind"] == "tool") ++tool_calls;
  }
  EXPECT_GT(tool_calls, 500);
  json client = show_unit("client/7")["relation-info"][0];
  EXPECT_EQ(client["local-unit"]["data"]["k4"], "client/7");
  EXPECT_EQ(client["related-units"]["server/0"]["data"]["k1"], "server/0");
  EXPECT_EQ(status()["applications"]["client"]["units"]["client/7"]["workload-status"]["message"],
            "done 1");
}
