// The C++ sample charm (examples/sample-charm, built as <build>/charms/hello) run by juju-sim as
// whole processes: several units and apps, deferral, config, unit removal, actions, and
// deploying a packed .charm.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim_fixture.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;

class HelloCharm : public SimTest {
 protected:
  json unit_status(const std::string& app, const std::string& unit) {
    return status()["applications"][app]["units"][unit]["workload-status"];
  }
  // The events the unit's charm has deferred (its ops state file, contract §6.3).
  json deferred(const std::string& unit) {
    std::string flat = unit;
    flat[flat.find('/')] = '-';
    std::ifstream file(model_ + "/units/" + flat + "/charm/.ops-cpp-state.json");
    if (!file) return json::array();
    return json::parse(file).value("notices", json::array());
  }
};

TEST_F(HelloCharm, ProviderDefersUntilNamedThenEveryRequirerReceivesTheGreeting) {
  ok({"deploy", "provider", HELLO_CHARM});
  ok({"deploy", "requirer", HELLO_CHARM, "-n", "3"});
  ok({"relate", "provider:greeting", "requirer:greeter"});
  ok({"settle"});
  EXPECT_EQ(unit_status("provider", "provider/0"), json::parse(R"({"current": "blocked",
                            "message": "name is not set: juju config provider name=<who>"})"));
  EXPECT_FALSE(deferred("provider/0").empty()) << "relation events should wait for `name`";

  ok({"config", "provider", "name=x"});
  ok({"settle"});
  EXPECT_EQ(unit_status("provider", "provider/0")["current"], "active");
  EXPECT_TRUE(deferred("provider/0").empty());
  for (const char* unit : {"requirer/0", "requirer/1", "requirer/2"}) {
    EXPECT_EQ(unit_status("requirer", unit),
              json::parse(R"({"current": "active", "message": "received: hello from x"})"))
        << unit;
    json bag = show_unit(unit)["relation-info"][0];
    EXPECT_EQ(bag["related-application-data"]["greeting"], "hello from x") << unit;
    EXPECT_EQ(bag["local-unit"]["data"]["ack"], "hello from x") << unit;
  }

  ok({"remove-unit", "requirer/2"});
  ok({"settle"});
  json units = status()["applications"]["requirer"]["units"];
  EXPECT_FALSE(units.contains("requirer/2"));
  EXPECT_EQ(units.size(), 2u);
  EXPECT_EQ(hooks_run("provider/0").back(),
            "provider/0 greeting-relation-departed requirer/2 departing=requirer/2");
  EXPECT_EQ(unit_status("requirer", "requirer/1")["message"], "received: hello from x");
}

TEST_F(HelloCharm, GreetActionReturnsTheMessage) {
  ok({"deploy", "provider", HELLO_CHARM, "--config", "name=x"});
  ok({"settle"});
  json result = json::parse(ok({"run", "provider/0", "greet", "who=y"}));
  EXPECT_EQ(result["status"], "completed");
  EXPECT_EQ(result["results"]["message"], "hello, y!");
  CliResult empty = sim({"run", "provider/0", "greet", "who="});
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_EQ(json::parse(empty.out)["message"], "parameter 'who' must not be empty");
}

TEST_F(HelloCharm, DeploysAPackedCharmKeepingFileModes) {
  std::string packed = dir_ + "/hello.charm";
  std::string zip = "cd '" + std::string(HELLO_CHARM) + "' && zip -q -r '" + packed + "' .";
  ASSERT_EQ(std::system(zip.c_str()), 0);
  ok({"deploy", "packed", packed, "--config", "name=zipped"});
  ok({"settle"});
  struct stat info {};
  ASSERT_EQ(stat((model_ + "/units/packed-0/charm/dispatch").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0755u);
  EXPECT_EQ(unit_status("packed", "packed/0")["current"], "active");
  EXPECT_THAT(hooks_run("packed/0").back(), HasSubstr("start"));
}

TEST_F(HelloCharm, RejectsAFileThatIsNotACharm) {
  std::ofstream(dir_ + "/broken.charm") << "not a zip";
  CliResult result = sim({"deploy", "broken", dir_ + "/broken.charm"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("not a valid .charm"));
  EXPECT_TRUE(status()["applications"].empty());
}

}  // namespace
