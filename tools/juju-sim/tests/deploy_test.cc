// deploy, add-unit, config, set-leader: hook order, environment and bad input.
#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "sim_fixture.h"

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class Deploy : public SimTest {};

TEST_F(Deploy, RunsInstallLeaderElectedConfigChangedStartOnEachUnit) {
  std::string charm = write_charm("app", "", {});
  ok({"deploy", "app", charm, "-n", "2"});
  ok({"settle"});
  EXPECT_THAT(hooks_run("app/0"), ElementsAre("app/0 install", "app/0 leader-elected",
                                              "app/0 config-changed", "app/0 start"));
  EXPECT_THAT(hooks_run("app/1"), ElementsAre("app/1 install", "app/1 leader-settings-changed",
                                              "app/1 config-changed", "app/1 start"));
}

TEST_F(Deploy, GivesHooksTheJujuEnvironment) {
  ok({"deploy", "app", write_charm("app", "", {})});
  ok({"settle"});
  json install = trace("app/0")[0];
  const json& env = install["env"];
  EXPECT_EQ(env["JUJU_DISPATCH_PATH"], "hooks/install");
  EXPECT_EQ(env["JUJU_HOOK_NAME"], "install");
  EXPECT_EQ(env["JUJU_UNIT_NAME"], "app/0");
  EXPECT_EQ(env["JUJU_VERSION"], "3.4.6");
  EXPECT_EQ(env["JUJU_MODEL_NAME"], "test-model");
  EXPECT_EQ(env["JUJU_CONTEXT_ID"], "app/0-install-1");
  EXPECT_EQ(env["JUJU_CHARM_DIR"], model_ + "/units/app-0/charm");
  EXPECT_EQ(env["JUJU_PRINCIPAL_UNIT"], "");
  for (const auto& [key, value] : env.items()) {
    EXPECT_EQ(key.rfind("JUJU_SIM", 0), std::string::npos) << key << " is not a Juju variable";
  }
}

TEST_F(Deploy, ConfigGetMergesDefaultsAndDeployConfig) {
  std::string charm = write_charm(
      "app", "", {{"start", "config-get --format=json > \"$JUJU_CHARM_DIR/../config.json\"\n"}},
      "options:\n  name: {type: string, default: x}\n  size: {type: int, default: 1}\n");
  ok({"deploy", "app", charm, "--config", "size=5"});
  ok({"settle"});
  std::ifstream file(model_ + "/units/app-0/config.json");
  EXPECT_EQ(json::parse(file), json::parse(R"({"name": "x", "size": 5})"));
}

TEST_F(Deploy, ConfigChangeQueuesConfigChanged) {
  std::string charm = write_charm("app", "", {}, "options:\n  size: {type: int, default: 1}\n");
  ok({"deploy", "app", charm});
  ok({"settle"});
  ok({"config", "app", "size=2"});
  ok({"settle"});
  EXPECT_EQ(hooks_run("app/0").back(), "app/0 config-changed");
}

TEST_F(Deploy, SetLeaderRunsLeaderElectedOnTheNewLeader) {
  ok({"deploy", "app", write_charm("app", "", {}), "-n", "2"});
  ok({"settle"});
  ok({"set-leader", "app/1"});
  ok({"settle"});
  EXPECT_EQ(hooks_run("app/1").back(), "app/1 leader-elected");
  EXPECT_TRUE(status()["applications"]["app"]["units"]["app/1"]["leader"].get<bool>());
}

TEST_F(Deploy, RejectsCharmWithoutDispatch) {
  std::string charm = write_charm("app", "", {});
  std::filesystem::remove(charm + "/dispatch");
  CliResult result = sim({"deploy", "app", charm});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("no executable dispatch"));
  EXPECT_TRUE(status()["applications"].empty());
}

TEST_F(Deploy, RejectsUnknownConfigOptionWithoutChangingState) {
  CliResult result = sim({"deploy", "app", write_charm("app", "", {}), "--config", "nope=1"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("unknown option \"nope\""));
  EXPECT_TRUE(status()["applications"].empty());
}

TEST_F(Deploy, RejectsUnknownApplicationAndUnit) {
  EXPECT_EQ(sim({"add-unit", "ghost"}).exit_code, 2);
  CliResult result = sim({"remove-unit", "ghost/0"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("unit \"ghost/0\" not found"));
}

TEST_F(Deploy, CorruptStateFileIsAUsageError) {
  std::ofstream(model_ + "/state.db", std::ios::trunc) << "this is not sqlite at all, sorry";
  for (const char* extra : {"-wal", "-shm"}) std::filesystem::remove(model_ + "/state.db" + extra);
  CliResult result = sim({"status"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("ERROR"));
}

TEST_F(Deploy, ANonBooleanSubordinateIsRejectedClearly) {
  CliResult result = sim({"deploy", "app", write_charm("app", "subordinate: ter\n", {})});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("`subordinate` must be true or false"));
  EXPECT_TRUE(status()["applications"].empty());
}

TEST_F(Deploy, DamagedJsonInTheStateFileIsAClearUsageError) {
  ok({"deploy", "app", write_charm("app", "", {})});
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((model_ + "/state.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE apps SET config = '{broken' WHERE name = 'app'", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  CliResult result = sim({"status"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("ERROR the model state holds data juju-sim did not write"));
}

TEST_F(Deploy, UnknownCommandIsAUsageError) { EXPECT_EQ(sim({"frobnicate"}).exit_code, 2); }

TEST_F(Deploy, RunsActionsWithParamsAndResults) {
  std::string charm = write_charm(
      "app", "",
      {{"greet", "action-set \"said=$(action-get who)\" out.deep=1\naction-log working\n"},
       {"fail", "action-fail \"no luck\"\n"}},
      "", "greet:\n  params:\n    who: {type: string, default: world}\nfail: {}\n");
  ok({"deploy", "app", charm});
  ok({"settle"});
  json result = json::parse(ok({"run", "app/0", "greet", "who=juju"}));
  EXPECT_EQ(result["status"], "completed");
  EXPECT_EQ(result["results"], json::parse(R"({"said": "juju", "out": {"deep": "1"}})"));
  CliResult failed = sim({"run", "app/0", "fail"});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_EQ(json::parse(failed.out)["message"], "no luck");
  EXPECT_EQ(sim({"run", "app/0", "nope"}).exit_code, 2);
}

TEST_F(Deploy, SettleReportsHooksAndWhereTheTimeWent) {
  ok({"deploy", "app", write_charm("app", "", {{"install", "is-leader >/dev/null\n"}}), "-n", "2"});
  json report = json::parse(ok({"settle", "--format", "json"}));
  EXPECT_EQ(report["hooks"], 8);
  EXPECT_EQ(report["quiescent"], true);
  EXPECT_TRUE(report["units-in-error"].empty());
  double seconds = report["seconds"], charm = report["charm-seconds"];
  EXPECT_GT(charm, 0.0);
  EXPECT_LE(charm, seconds);
  EXPECT_GT(report["tool-seconds"].get<double>(), 0.0);  // the two is-leader calls
  EXPECT_LE(report["tool-seconds"].get<double>(), charm);
  EXPECT_GE(report["sim-cpu-seconds"].get<double>(), 0.0);
  EXPECT_THAT(ok({"settle"}), HasSubstr("ran 0 hooks in"));
}
