// Subordinates: no units until related over a container-scoped relation to a principal.
#include "sim_fixture.h"

using nlohmann::json;
using ::testing::ElementsAre;

class Subordinate : public SimTest {
 protected:
  void SetUpModel() {
    ok({"deploy", "main", write_charm("main", "", {}), "-n", "2"});
    ok({"deploy", "sub",
        write_charm("sub",
                    "subordinate: true\nrequires:\n  juju-info:\n    interface: juju-info\n"
                    "    scope: container\n",
                    {})});
  }
};

TEST_F(Subordinate, HasNoUnitsUntilRelated) {
  SetUpModel();
  EXPECT_TRUE(status()["applications"]["sub"]["units"].empty());
  EXPECT_EQ(sim({"add-unit", "sub"}).exit_code, 2);
}

TEST_F(Subordinate, GetsOneUnitPerPrincipalUnitSharingItsMachine) {
  SetUpModel();
  ok({"relate", "main:juju-info", "sub:juju-info"});
  ok({"settle"});
  json units = status()["applications"]["sub"]["units"];
  ASSERT_EQ(units.size(), 2u);
  EXPECT_EQ(units["sub/0"]["principal"], "main/0");
  EXPECT_EQ(units["sub/0"]["machine"],
            status()["applications"]["main"]["units"]["main/0"]["machine"]);
  auto hooks = hooks_run("sub/0");
  EXPECT_THAT(
      std::vector<std::string>(hooks.end() - 3, hooks.end()),
      ElementsAre("sub/0 juju-info-relation-created", "sub/0 juju-info-relation-joined main/0",
                  "sub/0 juju-info-relation-changed main/0"));
  EXPECT_EQ(trace("sub/0")[0]["env"]["JUJU_PRINCIPAL_UNIT"], "main/0");
  // Each subordinate only sees its own principal.
  EXPECT_EQ(show_unit("sub/1")["relation-info"][0]["related-units"].size(), 1u);
}

TEST_F(Subordinate, AddingAPrincipalUnitAddsASubordinate) {
  SetUpModel();
  ok({"relate", "main", "sub"});
  ok({"add-unit", "main"});
  ok({"settle"});
  EXPECT_EQ(status()["applications"]["sub"]["units"]["sub/2"]["principal"], "main/2");
}

TEST_F(Subordinate, RemovingThePrincipalRemovesItsSubordinate) {
  SetUpModel();
  ok({"relate", "main", "sub"});
  ok({"settle"});
  ok({"remove-unit", "main/1"});
  ok({"settle"});
  json apps = status()["applications"];
  EXPECT_FALSE(apps["main"]["units"].contains("main/1"));
  EXPECT_FALSE(apps["sub"]["units"].contains("sub/1"));
  EXPECT_EQ(hooks_run("sub/1").back(), "sub/1 remove");
}
