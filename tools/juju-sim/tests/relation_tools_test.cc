// relation-* tools: access rules, error texts and exit codes, commit only on exit 0.
#include "sim_fixture.h"

using nlohmann::json;
using ::testing::HasSubstr;

class RelationTools : public SimTest {
 protected:
  // server (1 unit) and client (2 units) related, with `client_joined` run by client units.
  void relate_with(const std::string& client_joined) {
    ok({"deploy", "server", write_charm("server", "provides:\n  share: {interface: fs}\n", {})});
    ok({"deploy", "client",
        write_charm("client", "requires:\n  share: {interface: fs}\n",
                    {{"share-relation-joined", client_joined}}),
        "-n", "2"});
    ok({"relate", "server", "client"});
  }
  json call(const std::string& unit, const std::string& tool, size_t index = 0) {
    auto calls = tool_calls(unit, tool);
    return index < calls.size() ? calls[index] : json();
  }
};

TEST_F(RelationTools, NonLeaderCannotWriteItsAppBag) {
  relate_with("relation-set --app k=v || true\n");
  ok({"settle"});
  json failed = call("client/1", "relation-set");
  EXPECT_EQ(failed["exit"], 1);
  EXPECT_EQ(failed["stderr"], "ERROR cannot write relation settings\n");
  EXPECT_EQ(call("client/0", "relation-set")["exit"], 0);
}

TEST_F(RelationTools, NonLeaderCannotReadItsOwnAppBag) {
  relate_with("relation-get --app - client || true\n");
  ok({"settle"});
  EXPECT_EQ(call("client/1", "relation-get")["stderr"], "ERROR permission denied\n");
  EXPECT_EQ(call("client/0", "relation-get")["exit"], 0);
}

TEST_F(RelationTools, UnknownRelationIdIsAFlagError) {
  relate_with("relation-get -r share:9 - server/0 || true\nrelation-list -r 7 || true\n");
  ok({"settle"});
  json get = call("client/0", "relation-get");
  EXPECT_EQ(get["exit"], 2);
  EXPECT_EQ(get["stderr"], "ERROR invalid value \"share:9\" for option -r: relation not found\n");
  EXPECT_EQ(call("client/0", "relation-list")["exit"], 2);
}

TEST_F(RelationTools, UnknownFlagExitsTwo) {
  relate_with("relation-ids --bogus || true\n");
  ok({"settle"});
  json ids = call("client/0", "relation-ids");
  EXPECT_EQ(ids["exit"], 2);
  EXPECT_THAT(ids["stderr"].get<std::string>(), HasSubstr("flag provided but not defined: -bogus"));
}

TEST_F(RelationTools, ReadsOwnUncommittedWritesAndFormatsJson) {
  relate_with(
      "printf 'a: \"1\"\\nb: two\\n' | relation-set --file -\n"
      "relation-get --format=json - \"$JUJU_UNIT_NAME\"\n"
      "relation-get b \"$JUJU_UNIT_NAME\"\n"
      "relation-ids share --format=json\nrelation-list --format=json\n"
      "relation-list --app --format=json\n");
  ok({"settle"});
  EXPECT_EQ(call("client/0", "relation-get")["stdout"],
            "{\"a\":\"1\",\"b\":\"two\",\"egress-subnets\":\"127.0.0.1/32\",\"ingress-address\":"
            "\"127.0.0.1\",\"private-address\":\"127.0.0.1\"}\n");
  EXPECT_EQ(call("client/0", "relation-get", 1)["stdout"], "two\n");
  EXPECT_EQ(call("client/0", "relation-ids")["stdout"], "[\"share:0\"]\n");
  EXPECT_EQ(call("client/0", "relation-list")["stdout"], "[\"server/0\"]\n");
  EXPECT_EQ(call("client/0", "relation-list", 1)["stdout"], "\"server\"\n");
}

TEST_F(RelationTools, FailedHookDiscardsWritesButKeepsStatus) {
  relate_with("relation-set k=v\nstatus-set blocked broken\nexit 1\n");
  CliResult result = sim({"settle", "--max-attempts", "2"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("hook failed: \"share-relation-joined\""));
  json client = show_unit("client/0");
  EXPECT_FALSE(client["relation-info"][0]["local-unit"]["data"].contains("k"));
  json unit = status()["applications"]["client"]["units"]["client/0"];
  EXPECT_EQ(unit["juju-status"]["current"], "error");
  EXPECT_EQ(unit["workload-status"]["message"], "hook failed: \"share-relation-joined\"");
}

TEST_F(RelationTools, SuccessfulHookCommitsWrites) {
  relate_with("relation-set k=v\n");
  ok({"settle"});
  EXPECT_EQ(show_unit("server/0")["relation-info"][0]["related-units"]["client/0"]["data"]["k"],
            "v");
}

TEST_F(RelationTools, StatusSetRejectsUnknownStatus) {
  relate_with("status-set error oops || true\nstatus-set --application=True active x || true\n");
  ok({"settle"});
  EXPECT_EQ(call("client/0", "status-set")["exit"], 2);
  EXPECT_EQ(call("client/1", "status-set", 1)["stderr"],
            "ERROR setting application status: this unit is not the leader\n");
}

TEST_F(RelationTools, ToolsOutsideAHookFail) {
  relate_with("");
  ok({"settle"});
  std::string command = std::string("JUJUSIM_STATE_DB=") + model_ + "/state.db JUJU_CONTEXT_ID=x " +
                        model_ + "/tools/is-leader >/dev/null 2>&1";
  int status = std::system(command.c_str());
  EXPECT_EQ(WEXITSTATUS(status), 1);
}

TEST_F(RelationTools, RelationIdsListsARemovedRelationUntilItIsBroken) {
  ok({"deploy", "server", write_charm("server", "provides:\n  share: {interface: fs}\n", {})});
  const std::string ids = "relation-ids share --format=json\n";
  ok({"deploy", "client",
      write_charm(
          "client", "requires:\n  share: {interface: fs}\n",
          {{"share-relation-departed", ids}, {"share-relation-broken", ids}, {"start", ids}})});
  ok({"relate", "server", "client"});
  ok({"settle"});
  ok({"remove-relation", "server", "client"});
  ok({"settle"});
  auto calls = tool_calls("client/0", "relation-ids");
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[1]["stdout"], "[\"share:0\"]\n");  // relation-departed
  EXPECT_EQ(calls[2]["stdout"], "[\"share:0\"]\n");  // relation-broken
}
