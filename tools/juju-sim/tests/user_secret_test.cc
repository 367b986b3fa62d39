// User secrets (`juju add-secret` & co): the CLI commands, the access rules charms see through
// the hook tools, secret-changed on update, and no content anywhere but secret-get's output.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "sim_fixture.h"

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

// A made-up key in the shape of a cephx key; it must never leave the secret store.
constexpr const char* kKey = "AQBfakeCephxKeyForJujuSimTests0123456789==";
constexpr const char* kNewKey = "AQBsecondFakeCephxKeyForJujuSimTests9876==";

std::string slurp(const std::string& path) {
  std::ifstream file(path);
  std::stringstream buffer;
  buffer << file.rdbuf();
  return buffer.str();
}

}  // namespace

class UserSecrets : public SimTest {
 protected:
  // Writes `value` to a 0600 file and returns the `key#file=<path>` argument naming it.
  std::string key_file_arg(const std::string& name, const std::string& value,
                           const std::string& key = "key") {
    std::string path = dir_ + "/" + name;
    {
      std::ofstream file(path);
      file << value;
    }
    chmod(path.c_str(), 0600);
    return key + "#file=" + path;
  }

  // Runs a command expected to succeed and records its output for the no-content checks.
  std::string run(const std::vector<std::string>& args) {
    CliResult result = sim(args);
    EXPECT_EQ(result.exit_code, 0) << args[0] << ": " << result.err;
    cli_text_ += result.out + result.err;
    return result.out;
  }
  CliResult fail(const std::vector<std::string>& args) {
    CliResult result = sim(args);
    EXPECT_EQ(result.exit_code, 2) << args[0] << ": " << result.out;
    cli_text_ += result.out + result.err;
    return result;
  }

  // The user secret as `juju-sim secrets` lists it (null when gone).
  json listed(const std::string& uri) {
    std::string xid = uri.substr(uri.find(':') + 1);
    json secrets = json::parse(run({"secrets"}));
    for (const auto& [id, secret] : secrets.items()) {
      if (id.size() >= xid.size() && id.substr(id.size() - xid.size()) == xid) return secret;
    }
    return json();
  }

  // A charm configured with `auth-secret` that reads the secret on config-changed and on
  // secret-changed (--refresh), writing what it read to <unit dir>/seen.txt. Its actions:
  // `read` (secret-get of the configured id) and `manage` (secret-set/info-get/remove on it).
  void deploy_reader(const std::string& app, const std::string& uri) {
    std::string charm = write_charm(
        app, "",
        {{"config-changed",
          "uri=$(config-get auth-secret)\n[ -z \"$uri\" ] && exit 0\n"
          "secret-get \"$uri\" key > \"$JUJU_CHARM_DIR/../seen.txt\" || true\n"},
         {"secret-changed",
          "secret-get \"$JUJU_SECRET_ID\" key --refresh > \"$JUJU_CHARM_DIR/../seen.txt\"\n"},
         {"read", "secret-get \"$(config-get auth-secret)\" key > /dev/null\n"},
         {"manage",
          "uri=$(config-get auth-secret)\nsecret-set \"$uri\" key=x || true\n"
          "secret-info-get \"$uri\" || true\nsecret-remove \"$uri\" || true\n"}},
        "options:\n  auth-secret: {type: secret, description: id of a user secret}\n",
        "read: {}\nmanage: {}\n");
    run({"deploy", app, charm, "--config", "auth-secret=" + uri});
  }

  std::string seen(const std::string& unit) {
    std::string dir = unit;
    dir[dir.find('/')] = '-';
    return slurp(model_ + "/units/" + dir + "/seen.txt");
  }

  json last_secret_get(const std::string& unit) {
    auto calls = tool_calls(unit, "secret-get");
    return calls.empty() ? json() : calls.back();
  }

  std::string cli_text_;  // everything the CLI printed through run()/fail()
};

TEST_F(UserSecrets, AddSecretPrintsAModelOwnedUriAndSecretsListsItWithoutContent) {
  std::string out = run({"add-secret", "ceph-admin", key_file_arg("k", kKey),
                         "username=cephfs-operator", "--info", "admin credentials"});
  EXPECT_TRUE(std::regex_match(out, std::regex("secret:[0-9a-z]{20}\n"))) << out;
  std::string uri = out.substr(0, out.size() - 1);
  json secret = listed(uri);
  ASSERT_TRUE(secret.is_object());
  EXPECT_EQ(secret["owner"]["kind"], "model");
  EXPECT_EQ(secret["name"], "ceph-admin");
  EXPECT_EQ(secret["description"], "admin credentials");
  EXPECT_EQ(secret["latest"], 1);
  EXPECT_TRUE(secret["grants"].empty());
  EXPECT_THAT(run({"secrets"}), Not(HasSubstr("cephfs-operator")));  // no value listed
}

TEST_F(UserSecrets, AddSecretRejectsBadInputWithoutEchoingValuesOrWritingAnything) {
  run({"add-secret", "creds", "user=alice"});
  CliResult duplicate = fail({"add-secret", "creds", "user=bob"});
  EXPECT_THAT(duplicate.err, HasSubstr("secret with name \"creds\" already exists"));
  // A key typed without `key=`: its `=` padding makes it look like key=value with a bad key.
  CliResult bare = fail({"add-secret", "other", kKey});
  EXPECT_THAT(bare.err, HasSubstr("invalid secret key"));
  EXPECT_THAT(bare.err, Not(HasSubstr("AQB")));
  CliResult no_equals = fail({"add-secret", "other", "AQBnoPaddingAtAll"});
  EXPECT_THAT(no_equals.err, HasSubstr("expected key=value"));
  EXPECT_THAT(no_equals.err, Not(HasSubstr("AQB")));
  EXPECT_THAT(fail({"add-secret", "other"}).err, HasSubstr("missing secret value"));
  EXPECT_THAT(fail({"add-secret", "other", "key#file=" + dir_ + "/absent"}).err,
              HasSubstr("cannot read secret file"));
  EXPECT_THAT(fail({"add-secret", "secret:abc", "a-key=v"}).err, HasSubstr("invalid secret name"));
  EXPECT_EQ(json::parse(run({"secrets"})).size(), 1u);
}

TEST_F(UserSecrets, UpdateSecretByNameOrIdAddsRevisionsAndRenames) {
  std::string uri = run({"add-secret", "creds", key_file_arg("k1", kKey)});
  uri.pop_back();
  run({"update-secret", "creds", key_file_arg("k2", kNewKey)});
  EXPECT_EQ(listed(uri)["latest"], 2);
  std::string yaml = dir_ + "/content.yaml";
  std::ofstream(yaml) << "key: from-yaml\nusername: admin\n";
  run({"update-secret", uri, "--file", yaml});
  EXPECT_EQ(listed(uri)["revisions"], json::array({1, 2, 3}));
  // Description and name only: no new revision.
  run({"update-secret", uri.substr(7), "--info", "rotated", "--name", "ceph-creds"});
  json secret = listed(uri);
  EXPECT_EQ(secret["latest"], 3);
  EXPECT_EQ(secret["description"], "rotated");
  EXPECT_EQ(secret["name"], "ceph-creds");
  EXPECT_THAT(fail({"update-secret", "creds", "key=v"}).err,
              HasSubstr("secret \"creds\" not found"));
  EXPECT_THAT(fail({"update-secret", "ceph-creds"}).err, HasSubstr("nothing to update"));
}

TEST_F(UserSecrets, GrantedCharmReadsTheSecretAndGetsSecretChangedAfterUpdate) {
  std::string uri = run({"add-secret", "creds", key_file_arg("k1", kKey)});
  uri.pop_back();
  deploy_reader("proxy", uri);
  run({"grant-secret", "creds", "proxy"});
  run({"settle"});
  EXPECT_EQ(seen("proxy/0"), std::string(kKey) + "\n");
  EXPECT_EQ(listed(uri)["consumers"]["proxy/0"]["tracked"], 1);
  EXPECT_EQ(listed(uri)["grants"], json::array({{{"target", "proxy"}, {"kind", "application"}}}));

  run({"update-secret", uri, key_file_arg("k2", kNewKey)});
  run({"settle"});
  EXPECT_EQ(hooks_run("proxy/0").back(), "proxy/0 secret-changed");
  EXPECT_EQ(trace("proxy/0").back()["env"]["JUJU_SECRET_ID"],
            "secret://b1f9a3c2-5d4e-4f60-8a7b-9c0d1e2f3a4b/" + uri.substr(7));
  EXPECT_EQ(seen("proxy/0"), std::string(kNewKey) + "\n");
  EXPECT_EQ(listed(uri)["consumers"]["proxy/0"]["tracked"], 2);
  // Tracking the latest revision now: a metadata-only update queues nothing.
  run({"update-secret", uri, "--info", "x"});
  EXPECT_THAT(run({"settle"}), HasSubstr("ran 0 hooks"));
}

TEST_F(UserSecrets, ApplicationWithoutAGrantGetsPermissionDenied) {
  std::string uri = run({"add-secret", "creds", key_file_arg("k", kKey)});
  uri.pop_back();
  deploy_reader("proxy", uri);
  deploy_reader("other", uri);
  run({"grant-secret", "creds", "proxy"});
  run({"settle"});
  // Juju checks that the secret exists, then read access (ErrPerm), as for charm secrets.
  EXPECT_EQ(last_secret_get("other/0")["stderr"], "ERROR permission denied\n");
  EXPECT_EQ(seen("other/0"), "");
  EXPECT_EQ(last_secret_get("proxy/0")["exit"], 0);
}

TEST_F(UserSecrets, RevokeStopsAccessAndDropsTracking) {
  std::string uri = run({"add-secret", "creds", key_file_arg("k", kKey)});
  uri.pop_back();
  deploy_reader("proxy", uri);
  run({"grant-secret", uri, "proxy"});
  run({"settle"});
  run({"update-secret", "creds", key_file_arg("k2", kNewKey)});
  run({"revoke-secret", "creds", "proxy"});
  json secret = listed(uri);
  EXPECT_TRUE(secret["grants"].empty());
  EXPECT_TRUE(secret["consumers"].empty());
  run({"settle"});
  EXPECT_THAT(hooks_run("proxy/0"), Not(::testing::Contains("proxy/0 secret-changed")));
  EXPECT_EQ(sim({"run", "proxy/0", "read"}).exit_code, 1);
  EXPECT_EQ(last_secret_get("proxy/0")["stderr"], "ERROR permission denied\n");
}

TEST_F(UserSecrets, RemovedSecretIsNotFoundAndItsPendingSecretChangedIsDropped) {
  std::string uri = run({"add-secret", "creds", key_file_arg("k", kKey)});
  uri.pop_back();
  deploy_reader("proxy", uri);
  run({"grant-secret", "creds", "proxy"});
  run({"settle"});
  run({"update-secret", "creds", key_file_arg("k2", kNewKey)});
  run({"remove-secret", "creds"});
  EXPECT_TRUE(listed(uri).is_null());
  run({"settle"});
  EXPECT_THAT(hooks_run("proxy/0"), Not(::testing::Contains("proxy/0 secret-changed")));
  EXPECT_EQ(sim({"run", "proxy/0", "read"}).exit_code, 1);
  EXPECT_EQ(last_secret_get("proxy/0")["stderr"],
            "ERROR secret \"" + uri.substr(7) + "\" not found\n");
  EXPECT_THAT(fail({"remove-secret", "creds"}).err, HasSubstr("secret \"creds\" not found"));
}

TEST_F(UserSecrets, CharmsCannotManageUserSecrets) {
  std::string uri = run({"add-secret", "creds", key_file_arg("k", kKey)});
  uri.pop_back();
  deploy_reader("proxy", uri);
  run({"grant-secret", "creds", "proxy"});
  run({"settle"});
  json result = json::parse(run({"run", "proxy/0", "manage"}));
  EXPECT_EQ(result["status"], "completed");
  std::string not_found = "ERROR secret \"" + uri.substr(7) + "\" not found\n";
  for (const char* tool : {"secret-set", "secret-info-get", "secret-remove"}) {
    auto calls = tool_calls("proxy/0", tool);
    ASSERT_EQ(calls.size(), 1u) << tool;
    EXPECT_EQ(calls[0]["exit"], 1) << tool;
    EXPECT_EQ(calls[0]["stderr"], not_found) << tool;
  }
  json secret = listed(uri);
  EXPECT_EQ(secret["latest"], 1);
  EXPECT_EQ(secret["grants"].size(), 1u);
}

TEST_F(UserSecrets, GrantAndRevokeRejectUnknownNamesAndWriteNothing) {
  std::string uri = run({"add-secret", "creds", "user=alice"});
  uri.pop_back();
  deploy_reader("proxy", uri);
  EXPECT_THAT(fail({"grant-secret", "creds", "proxy,nope"}).err,
              HasSubstr("application \"nope\" not found"));
  EXPECT_TRUE(listed(uri)["grants"].empty());
  EXPECT_THAT(fail({"grant-secret", "nope", "proxy"}).err, HasSubstr("secret \"nope\" not found"));
  EXPECT_THAT(fail({"revoke-secret", "creds", "nope"}).err,
              HasSubstr("application \"nope\" not found"));
  EXPECT_THAT(fail({"grant-secret", "secret:bad", "proxy"}).err, HasSubstr("invalid secret URI"));
  run({"grant-secret", uri, "proxy"});
  EXPECT_EQ(listed(uri)["grants"].size(), 1u);
}

TEST_F(UserSecrets, ContentNeverAppearsInTraceCliOutputOrAReadableStateFile) {
  std::string uri = run({"add-secret", "creds", key_file_arg("k", kKey), "--info", "i"});
  uri.pop_back();
  deploy_reader("proxy", uri);
  run({"grant-secret", "creds", "proxy"});
  run({"settle"});
  run({"update-secret", "creds", key_file_arg("k2", kNewKey)});
  run({"settle"});
  ASSERT_EQ(seen("proxy/0"), std::string(kNewKey) + "\n");  // the charm did read it
  std::string everything = cli_text_ + run({"trace", "--format", "json"}) + run({"trace"}) +
                           run({"secrets"}) + run({"status", "--format", "json"}) +
                           run({"show-unit", "proxy/0"});
  for (const char* value : {kKey, kNewKey}) {
    EXPECT_THAT(everything, Not(HasSubstr(value)));
  }
  EXPECT_EQ(last_secret_get("proxy/0")["stdout"], "<redacted>");
  struct stat info {};
  ASSERT_EQ(stat((model_ + "/state.db").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}
