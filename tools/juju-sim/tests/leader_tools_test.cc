// leader-get, leader-set and goal-state: Juju's argv, formats, errors, exit codes, and
// leader-settings-changed to the other units when the leader changes its settings.
#include "sim_fixture.h"

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class LeaderTools : public SimTest {
 protected:
  json call(const std::string& unit, const std::string& tool, size_t index = 0) {
    auto calls = tool_calls(unit, tool);
    return index < calls.size() ? calls[index] : json();
  }
};

TEST_F(LeaderTools, LeaderSetIsReadByEveryUnitAndWakesTheNonLeaders) {
  // The leader writes its settings in config-changed; every unit reads them afterwards.
  ok({"deploy", "app",
      write_charm(
          "app", "",
          {{"config-changed", "if [ \"$(is-leader)\" = True ]; then leader-set a=1 b=two; fi\n"},
           {"leader-settings-changed", "leader-get --format=json\nleader-get b\n"}}),
      "-n", "2"});
  ok({"settle"});
  // app/1 ran leader-settings-changed at install time and again after the leader's write.
  std::vector<std::string> after_start;
  bool started = false;
  for (const auto& hook : hooks_run("app/1")) {
    if (started) after_start.push_back(hook);
    started = started || hook == "app/1 start";
  }
  EXPECT_THAT(after_start, ElementsAre("app/1 leader-settings-changed"));
  auto gets = tool_calls("app/1", "leader-get");
  ASSERT_GE(gets.size(), 2u);
  EXPECT_EQ(json::parse(gets[gets.size() - 2]["stdout"].get<std::string>()),
            json({{"a", "1"}, {"b", "two"}}));
  EXPECT_EQ(gets.back()["stdout"], "two\n");
  // The leader itself is not told about its own write.
  for (const auto& hook : hooks_run("app/0")) EXPECT_NE(hook, "app/0 leader-settings-changed");
}

TEST_F(LeaderTools, NonLeaderCannotWriteAndBadArgumentsExitTwo) {
  ok({"deploy", "app",
      write_charm("app", "",
                  {{"install",
                    "leader-set k=v || true\nleader-set novalue || true\n"
                    "leader-get a b || true\nleader-get --bogus || true\n"}}),
      "-n", "2"});
  ok({"settle"});
  json denied = call("app/1", "leader-set");
  EXPECT_EQ(denied["exit"], 1);
  EXPECT_EQ(denied["stderr"],
            "ERROR cannot write leadership settings: cannot write settings: not the leader\n");
  EXPECT_EQ(call("app/0", "leader-set")["exit"], 0);
  json usage = call("app/0", "leader-set", 1);
  EXPECT_EQ(usage["exit"], 2);
  EXPECT_EQ(usage["stderr"], "ERROR expected \"key=value\", got \"novalue\"\n");
  EXPECT_EQ(call("app/0", "leader-get")["exit"], 2);
  EXPECT_THAT(call("app/0", "leader-get", 1)["stderr"].get<std::string>(),
              HasSubstr("flag provided but not defined: -bogus"));
}

TEST_F(LeaderTools, LeaderSetSurvivesAFailedHookAndEmptyValueDeletes) {
  // The first install attempt writes and fails; the retry only reads.
  ok({"deploy", "app",
      write_charm("app", "",
                  {{"install",
                    "if [ ! -e \"$JUJU_CHARM_DIR/.once\" ]; then touch \"$JUJU_CHARM_DIR/.once\"\n"
                    "  leader-set keep=1 gone=x\n  leader-set gone=\n  exit 1\nfi\n"
                    "leader-get --format=json\n"}})});
  ok({"settle"});
  EXPECT_THAT(hooks_run("app/0"), ::testing::Contains("app/0 install"));
  EXPECT_EQ(json::parse(call("app/0", "leader-get")["stdout"].get<std::string>()),
            json({{"keep", "1"}}));
}

TEST_F(LeaderTools, GoalStateListsUnitsAndRelatedUnits) {
  ok({"deploy", "server", write_charm("server", "provides:\n  share: {interface: fs}\n", {})});
  ok({"deploy", "client",
      write_charm("client", "requires:\n  share: {interface: fs}\n",
                  {{"share-relation-joined", "goal-state --format=json\n"}}),
      "-n", "2"});
  ok({"relate", "server", "client"});
  ok({"settle"});
  json goal = json::parse(call("client/1", "goal-state")["stdout"].get<std::string>());
  ASSERT_TRUE(goal["units"].contains("client/0"));
  ASSERT_TRUE(goal["units"].contains("client/1"));
  EXPECT_FALSE(goal["units"].contains("server/0"));
  EXPECT_EQ(goal["units"]["client/1"].size(), 2u);  // status, since
  EXPECT_TRUE(goal["units"]["client/1"].contains("since"));
  EXPECT_EQ(goal["relations"]["share"]["server"]["status"], "joined");
  EXPECT_TRUE(goal["relations"]["share"].contains("server/0"));
  EXPECT_FALSE(goal["relations"]["share"].contains("client/0"));
}

TEST_F(LeaderTools, GoalStateMarksADyingUnit) {
  ok({"deploy", "app", write_charm("app", "", {{"stop", "goal-state --format=json\n"}}), "-n",
      "2"});
  ok({"settle"});
  ok({"remove-unit", "app/1"});
  ok({"settle"});
  json goal = json::parse(call("app/1", "goal-state")["stdout"].get<std::string>());
  EXPECT_EQ(goal["units"]["app/1"]["status"], "dying");
  EXPECT_NE(goal["units"]["app/0"]["status"], "dying");
  EXPECT_TRUE(call("app/1", "goal-state", 1).is_null());
}
