// Failing and hanging hooks: retries, error state, resolve.
#include <cstdio>

#include "sim_fixture.h"

using nlohmann::json;
using ::testing::HasSubstr;

class HookFailure : public SimTest {};

TEST_F(HookFailure, FailingHookIsRetriedThenPutsUnitInError) {
  ok({"deploy", "app", write_charm("app", "", {{"install", "exit 3\n"}})});
  CliResult result = sim({"settle", "--max-attempts", "3"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("hook failed: \"install\""));
  EXPECT_EQ(hooks_run("app/0").size(), 3u);
  EXPECT_EQ(hooks_run("app/0")[0], "app/0 install EXIT 3");
}

TEST_F(HookFailure, ResolveRetriesTheHook) {
  std::string charm =
      write_charm("app", "", {{"install", "[ -f \"$JUJU_CHARM_DIR/fixed\" ] || exit 1\n"}});
  ok({"deploy", "app", charm});
  EXPECT_EQ(sim({"settle", "--max-attempts", "1"}).exit_code, 1);
  std::system(("touch " + model_ + "/units/app-0/charm/fixed").c_str());
  ok({"resolve", "app/0"});
  ok({"settle"});
  EXPECT_EQ(hooks_run("app/0").back(), "app/0 start");
}

TEST_F(HookFailure, HangingHookTimesOutIntoError) {
  ok({"deploy", "app", write_charm("app", "", {{"install", "sleep 30\n"}})});
  CliResult result = sim({"settle", "--hook-timeout", "0.3", "--max-attempts", "1"});
  EXPECT_EQ(result.exit_code, 1);
  json unit = status()["applications"]["app"]["units"]["app/0"];
  EXPECT_EQ(unit["juju-status"]["current"], "error");
  EXPECT_EQ(unit["workload-status"]["message"], "hook failed: \"install\"");
  EXPECT_EQ(hooks_run("app/0"), std::vector<std::string>{"app/0 install EXIT 137"});  // SIGKILL
}

TEST_F(HookFailure, DispatchThatCannotRunIsAFailedHook) {
  ok({"deploy", "app", write_charm("app", "", {})});
  std::remove((model_ + "/units/app-0/charm/dispatch").c_str());
  EXPECT_EQ(sim({"settle", "--max-attempts", "1"}).exit_code, 1);
  json install = trace("app/0")[0];
  EXPECT_EQ(install["exit"], 127);
  EXPECT_THAT(install["stderr"].get<std::string>(), HasSubstr("cannot execute"));
  EXPECT_EQ(status()["applications"]["app"]["units"]["app/0"]["juju-status"]["current"], "error");
}
