// relate, remove-unit, remove-relation: relation hook sequences as Juju runs them.
#include "sim_fixture.h"

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class Relation : public SimTest {
 protected:
  void deploy_pair(int requirers, const std::map<std::string, std::string>& hooks = {}) {
    ok({"deploy", "server", write_charm("server", "provides:\n  share: {interface: fs}\n", hooks)});
    ok({"deploy", "client",
        write_charm("client", "requires:\n  share: {interface: fs, limit: 1}\n", hooks), "-n",
        std::to_string(requirers)});
    ok({"settle"});
  }
  std::vector<std::string> after_start(const std::string& unit) {
    auto all = hooks_run(unit);
    return std::vector<std::string>(all.begin() + 4, all.end());
  }
};

TEST_F(Relation, RelateRunsCreatedJoinedChangedOnBothSides) {
  deploy_pair(1);
  EXPECT_EQ(ok({"relate", "server:share", "client:share"}), "0\n");
  ok({"settle"});
  EXPECT_THAT(after_start("server/0"), ElementsAre("server/0 share-relation-created",
                                                   "server/0 share-relation-joined client/0",
                                                   "server/0 share-relation-changed client/0"));
  EXPECT_THAT(after_start("client/0"), ElementsAre("client/0 share-relation-created",
                                                   "client/0 share-relation-joined server/0",
                                                   "client/0 share-relation-changed server/0"));
  json env = trace("client/0").back()["env"];
  EXPECT_EQ(env["JUJU_RELATION"], "share");
  EXPECT_EQ(env["JUJU_RELATION_ID"], "share:0");
  EXPECT_EQ(env["JUJU_REMOTE_APP"], "server");
}

TEST_F(Relation, BagChangesNotifyTheOtherSide) {
  deploy_pair(2, {{"share-relation-joined",
                   "relation-set \"who=$JUJU_UNIT_NAME\"\n"
                   "if [ \"$(is-leader)\" = True ]; then relation-set --app app=1; fi\n"}});
  ok({"relate", "server", "client"});
  ok({"settle"});
  auto server = after_start("server/0");
  // Every client unit and the client app bag changed after the server joined them.
  EXPECT_EQ(server.back(), "server/0 share-relation-changed");
  auto client1 = after_start("client/1");
  EXPECT_EQ(client1.back(), "client/1 share-relation-changed");
  EXPECT_EQ(show_unit("client/1")["relation-info"][0]["related-application-data"]["app"], "1");
}

TEST_F(Relation, RemoveUnitDepartsBreaksStopsAndRemoves) {
  deploy_pair(2);
  ok({"relate", "server", "client"});
  ok({"settle"});
  ok({"remove-unit", "client/1"});
  ok({"settle"});
  auto client = hooks_run("client/1");
  EXPECT_THAT(std::vector<std::string>(client.end() - 4, client.end()),
              ElementsAre("client/1 share-relation-departed server/0 departing=client/1",
                          "client/1 share-relation-broken", "client/1 stop", "client/1 remove"));
  EXPECT_EQ(hooks_run("server/0").back(),
            "server/0 share-relation-departed client/1 departing=client/1");
  EXPECT_FALSE(status()["applications"]["client"]["units"].contains("client/1"));
}

TEST_F(Relation, RemoveRelationDepartsThenBreaksEveryUnit) {
  deploy_pair(1);
  ok({"relate", "server", "client"});
  ok({"settle"});
  ok({"remove-relation", "server", "client"});
  ok({"settle"});
  auto server = hooks_run("server/0");
  EXPECT_THAT(std::vector<std::string>(server.end() - 2, server.end()),
              ElementsAre("server/0 share-relation-departed client/0 departing=client/0",
                          "server/0 share-relation-broken"));
  EXPECT_TRUE(status()["relations"].empty());
}

TEST_F(Relation, RejectsMismatchedInterfaces) {
  ok({"deploy", "a", write_charm("a", "provides:\n  x: {interface: one}\n", {})});
  ok({"deploy", "b", write_charm("b", "requires:\n  x: {interface: two}\n", {})});
  CliResult result = sim({"relate", "a:x", "b:x"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("interfaces do not match"));
  EXPECT_TRUE(status()["relations"].empty());
}

TEST_F(Relation, RejectsUnknownEndpoint) {
  deploy_pair(1);
  CliResult result = sim({"relate", "server:nope", "client:share"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("has no endpoint \"nope\""));
}

TEST_F(Relation, ShowRelationListsBagsAndUnitsInScope) {
  deploy_pair(2, {{"share-relation-joined", "relation-set \"who=$JUJU_UNIT_NAME\"\n"}});
  ok({"relate", "server", "client"});
  ok({"settle"});
  json shown = json::parse(ok({"show-relation", "0"}));
  EXPECT_EQ(shown["units-in-scope"], json::parse(R"(["server/0", "client/0", "client/1"])"));
  EXPECT_EQ(shown["unit-data"]["client/1"]["who"], "client/1");
  EXPECT_EQ(shown["endpoints"], json::parse(R"(["server:share", "client:share"])"));
  CliResult unknown = sim({"show-relation", "7"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("relation 7 not found"));
}
