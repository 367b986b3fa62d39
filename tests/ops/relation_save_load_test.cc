// Relation::save / Relation::load over the in-memory backend: the bytes Python ops (>= 2.23)
// writes for a typed databag (one key per field, json.dumps of each value), the round trip, and
// bags that do not hold the type as kInvalidData, never an exception.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "ops/errors.h"
#include "ops/model.h"
#include "ops/relation.h"
#include "ops/testing/in_memory_backend.h"

namespace ops {
namespace {

using testing::InMemoryBackend;

struct Settings {
  std::string name;
  std::vector<std::string> hosts;
  bool enabled = false;
  int count = 0;
  nlohmann::json extra = nlohmann::json::object();
  friend bool operator==(const Settings&, const Settings&) = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Settings, name, hosts, enabled, count, extra)

constexpr const char* kMeta = "name: app\nrequires:\n  db:\n    interface: db\n";

testing::State state(bool leader, Bag remote_app_data = {}, Bag remote_unit_data = {}) {
  return testing::State{
      .relations = {testing::Relation{.endpoint = "db",
                                      .id = 1,
                                      .remote_app_name = "database",
                                      .remote_app_data = remote_app_data,
                                      .remote_units_data = {{0, remote_unit_data}}}},
      .leader = leader};
}

struct Fixture {
  explicit Fixture(testing::State s)
      : meta(*CharmMeta::from_charmcraft_yaml(kMeta)),
        backend(std::move(s), meta, "app/0"),
        model(backend, meta, "app/0", "m", "uuid") {}
  Relation& relation() { return *model.get_relation("db", 1); }
  CharmMeta meta;
  InMemoryBackend backend;
  Model model;
};

const Settings kSettings{.name = "caf\xc3\xa9 \"q\"",
                         .hosts = {"a:1", "b:2"},
                         .enabled = true,
                         .count = 3,
                         .extra = {{"k", nullptr}}};

TEST(RelationSaveLoad, SaveWritesOneKeyPerFieldAsPythonJsonDumps) {
  Fixture f(state(true));
  f.relation().save(kSettings, f.model.app());
  EXPECT_EQ(f.relation().data[f.model.app()].items(), (Bag{{"name", R"("caf\u00e9 \"q\"")"},
                                                           {"hosts", R"(["a:1", "b:2"])"},
                                                           {"enabled", "true"},
                                                           {"count", "3"},
                                                           {"extra", R"({"k": null})"}}));
}

TEST(RelationSaveLoad, LoadReadsBackWhatSaveWrote) {
  Fixture writer(state(true));
  writer.relation().save(kSettings, writer.model.unit());
  const Bag written = writer.relation().data[writer.model.unit()].items();

  // The same bytes as the remote application's bag, and as a remote unit's bag next to Juju's own
  // keys (which are not JSON and are left out).
  Bag unit_bag = written;
  unit_bag["ingress-address"] = "10.0.0.1";
  unit_bag["private-address"] = "10.0.0.1";
  unit_bag["egress-subnets"] = "10.0.0.1/32";
  Fixture reader(state(false, written, unit_bag));
  auto from_app = reader.relation().load<Settings>(*reader.relation().app());
  ASSERT_TRUE(from_app.ok()) << from_app.error().message;
  EXPECT_EQ(*from_app, kSettings);
  auto from_unit = reader.relation().load<Settings>(reader.model.get_unit("database/0"));
  ASSERT_TRUE(from_unit.ok()) << from_unit.error().message;
  EXPECT_EQ(*from_unit, kSettings);
}

TEST(RelationSaveLoad, LoadOfABagThatIsNotTheTypeIsInvalidData) {
  const std::vector<Bag> bad = {
      {{"name", "not json"}, {"hosts", "[]"}, {"enabled", "true"}, {"count", "1"}, {"extra", "{}"}},
      {{"hosts", "[]"}, {"enabled", "true"}, {"count", "1"}, {"extra", "{}"}},  // no name
      {{"name", "\"n\""}, {"hosts", "[]"}, {"enabled", "1"}, {"count", "1"}, {"extra", "{}"}},
  };
  for (const auto& bag : bad) {
    Fixture f(state(false, bag));
    auto loaded = f.relation().load<Settings>(*f.relation().app());
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidData);
    EXPECT_EQ(loaded.error().message.find("not json"), std::string::npos) << "never the value";
  }
}

TEST(RelationSaveLoad, SaveFollowsTheDatabagAccessRules) {
  Fixture f(state(false));
  EXPECT_THROW(f.relation().save(kSettings, f.model.app()), RelationDataAccessError);
  EXPECT_THROW(f.relation().save(kSettings, *f.relation().app()), RelationDataAccessError);
}

TEST(RelationSaveLoad, SaveRefusesWhatIsNotAnObjectOrNotUtf8) {
  Fixture f(state(true));
  EXPECT_THROW(f.relation().save(std::vector<int>{1, 2}, f.model.app()), std::invalid_argument);
  Settings bad = kSettings;
  bad.name = "\xff";
  EXPECT_THROW(f.relation().save(bad, f.model.app()), std::invalid_argument);
  EXPECT_EQ(f.relation().data[f.model.app()].items(), Bag{});
}

}  // namespace
}  // namespace ops
