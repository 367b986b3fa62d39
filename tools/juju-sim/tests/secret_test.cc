// Secrets: add/grant/get, tracking, secret-changed, secret-remove, and no content in the trace.
#include <fstream>

#include "sim_fixture.h"

using nlohmann::json;
using ::testing::HasSubstr;

class Secrets : public SimTest {
 protected:
  // The server leader creates a secret on relation-created and grants it; the client reads it
  // (pinning the revision) on relation-changed.
  void deploy_secret_pair(const std::string& client_changed) {
    std::string server = write_charm(
        "server", "provides:\n  share: {interface: fs}\n",
        {{"share-relation-created",
          "printf s3cr3t-value > /tmp/$$.key\n"
          "uri=$(secret-add --label auth key#file=/tmp/$$.key user=admin)\nrm -f /tmp/$$.key\n"
          "secret-grant \"$uri\" --relation \"$JUJU_RELATION_ID\"\n"
          "relation-set --app \"auth=$uri\"\n"},
         {"rotate",
          "uri=$(secret-ids | head -1)\nsecret-set \"$uri\" key=rotated-value\n"
          "secret-info-get \"$uri\" --format=json\n"},
         {"secret-remove",
          "secret-remove \"$JUJU_SECRET_ID\" --revision \"$JUJU_SECRET_REVISION\"\n"}},
        "", "rotate: {}\n");
    std::string client =
        write_charm("client", "requires:\n  share: {interface: fs}\n",
                    {{"share-relation-changed", client_changed},
                     {"secret-changed", "secret-get \"$JUJU_SECRET_ID\" --refresh\n"}});
    ok({"deploy", "server", server});
    ok({"deploy", "client", client});
    ok({"relate", "server", "client"});
    ok({"settle"});
  }
};

constexpr const char* kReadSecret =
    "uri=$(relation-get --app auth server)\n"
    "[ -z \"$uri\" ] || secret-get \"$uri\" key > \"$JUJU_CHARM_DIR/../key.txt\"\n";

TEST_F(Secrets, GrantedConsumerReadsAndTracksTheSecret) {
  deploy_secret_pair(kReadSecret);
  json secrets = json::parse(ok({"secrets"}));
  ASSERT_EQ(secrets.size(), 1u);
  json secret = secrets.begin().value();
  EXPECT_EQ(secret["owner"]["name"], "server");
  EXPECT_EQ(secret["label"], "auth");
  EXPECT_EQ(secret["consumers"]["client/0"]["tracked"], 1);
  EXPECT_EQ(secret["grants"][0]["target"], "client");
}

TEST_F(Secrets, TraceNeverHoldsSecretContent) {
  deploy_secret_pair(kReadSecret);
  std::string text = ok({"trace", "--format", "json"});
  EXPECT_EQ(text.find("s3cr3t-value"), std::string::npos);
  EXPECT_EQ(text.find("admin"), std::string::npos);
  EXPECT_THAT(text, HasSubstr("key#file=/tmp/"));
  EXPECT_THAT(text, HasSubstr("user=<redacted>"));
  EXPECT_EQ(tool_calls("client/0", "secret-get")[0]["stdout"], "<redacted>");
}

TEST_F(Secrets, NewRevisionRaisesSecretChangedThenSecretRemove) {
  deploy_secret_pair(kReadSecret);
  json run = json::parse(ok({"run", "server/0", "rotate"}));
  EXPECT_EQ(run["status"], "completed");
  // Inside the hook that ran secret-set, secret-info-get reports the committed revision.
  auto info = tool_calls("server/0", "secret-info-get");
  ASSERT_FALSE(info.empty());
  EXPECT_THAT(info.back()["stdout"].get<std::string>(), HasSubstr("\"revision\":1"));
  ok({"settle"});
  auto client = hooks_run("client/0");
  EXPECT_EQ(client.back(), "client/0 secret-changed");
  auto server = hooks_run("server/0");
  EXPECT_EQ(server.back(), "server/0 secret-remove");
  json env = trace("server/0").back()["env"];
  EXPECT_EQ(env["JUJU_SECRET_REVISION"], "1");
  EXPECT_EQ(env["JUJU_SECRET_LABEL"], "auth");
  json secret = json::parse(ok({"secrets"})).begin().value();
  EXPECT_EQ(secret["revisions"], json::array({2}));
  EXPECT_EQ(secret["consumers"]["client/0"]["tracked"], 2);
}

TEST_F(Secrets, UngrantedUnitsCannotReadAndNonOwnersCannotManage) {
  deploy_secret_pair(
      "uri=$(relation-get --app auth server)\n"
      "[ -z \"$uri\" ] && exit 0\n"
      "secret-info-get \"$uri\" || true\nsecret-set \"$uri\" key=x || true\n"
      "secret-get --label nope || true\nsecret-get \"$uri\" --peek --refresh || true\n");
  EXPECT_EQ(tool_calls("client/0", "secret-info-get")[0]["stderr"].get<std::string>().find(
                "not found") != std::string::npos,
            true);
  EXPECT_EQ(tool_calls("client/0", "secret-set")[0]["exit"], 1);
  auto gets = tool_calls("client/0", "secret-get");
  EXPECT_EQ(gets[0]["stderr"], "ERROR consumer label \"nope\" not found\n");
  EXPECT_EQ(gets[1]["exit"], 2);
}

TEST_F(Secrets, GrantHoldsUntilTheRelationIsGoneThenTrackingIsDropped) {
  std::string client_departed = "uri=$(relation-get --app auth server)\nsecret-get \"$uri\" key\n";
  deploy_secret_pair(kReadSecret);
  ok({"remove-relation", "server", "client"});
  // The client reads the secret in relation-departed: the grant lives as long as the relation.
  std::string charm = model_ + "/units/client-0/charm";
  std::ofstream(charm + "/on/share-relation-departed") << client_departed;
  ok({"settle"});
  auto gets = tool_calls("client/0", "secret-get");
  ASSERT_FALSE(gets.empty());
  EXPECT_EQ(gets.back()["exit"], 0) << gets.back().dump();
  json secret = json::parse(ok({"secrets"})).begin().value();
  EXPECT_TRUE(secret["grants"].empty());
  EXPECT_TRUE(secret["consumers"].empty());
}
