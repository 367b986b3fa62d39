// The Model over the in-memory backend: Juju's databag access rules are enforced before any hook
// tool runs, reads are cached for the hook, writes send only what changed, and backend errors
// become the exceptions Python ops raises.
#include "ops/model.h"

#include <gtest/gtest.h>

#include "ops/errors.h"
#include "ops/testing/in_memory_backend.h"

namespace ops {
namespace {

using testing::InMemoryBackend;

constexpr const char* kMeta = R"(
name: app
requires:
  db:
    interface: db
peers:
  peers:
    interface: app-peers
config:
  options:
    name: {type: string}
    count: {type: int, default: 3}
    debug: {type: boolean, default: false}
)";

CharmMeta meta() { return *CharmMeta::from_charmcraft_yaml(kMeta); }

testing::State state(bool leader) {
  return testing::State{
      .config = {{"name", "x"}},
      .relations = {testing::Relation{.endpoint = "db",
                                      .id = 1,
                                      .local_app_data = {{"own", "app"}},
                                      .local_unit_data = {{"mine", "1"}},
                                      .remote_app_name = "database",
                                      .remote_app_data = {{"host", "db.local"}},
                                      .remote_units_data = {{0, {{"unit", "0"}}}}},
                    testing::Relation{.endpoint = "peers",
                                      .id = 2,
                                      .local_app_data = {{"shared", "yes"}},
                                      .remote_app_name = "app",
                                      .remote_units_data = {{1, {}}}}},
      .leader = leader};
}

struct Fixture {
  explicit Fixture(bool leader)
      : backend(state(leader), meta(), "app/0"), model(backend, meta(), "app/0", "m", "uuid") {}
  int calls(const std::string& tool) const {
    int n = 0;
    for (const auto& c : backend.calls()) n += c.tool == tool ? 1 : 0;
    return n;
  }
  InMemoryBackend backend;
  Model model;
};

TEST(ModelAccess, NonLeaderCannotReadItsOwnApplicationBag) {
  Fixture f(false);
  Relation* rel = f.model.get_relation("db");
  try {
    rel->data[f.model.app()].items();
    FAIL() << "expected RelationDataAccessError";
  } catch (const RelationDataAccessError& e) {
    EXPECT_STREQ(e.what(), "app/0 is not leader and cannot read its own application databag");
  }
  EXPECT_EQ(f.calls("relation-get"), 0) << "checked before any tool call";
}

TEST(ModelAccess, NonLeaderReadsThePeerApplicationBag) {
  Fixture f(false);
  EXPECT_EQ(f.model.get_relation("peers")->data[f.model.app()].get("shared"), "yes");
}

TEST(ModelAccess, NonLeaderCannotWriteItsApplicationBagEvenForPeers) {
  Fixture f(false);
  for (const char* endpoint : {"db", "peers"}) {
    try {
      f.model.get_relation(endpoint)->data[f.model.app()].set("k", "v");
      FAIL() << endpoint;
    } catch (const RelationDataAccessError& e) {
      EXPECT_STREQ(e.what(), "app/0 is not leader and cannot write application data.");
    }
  }
  EXPECT_EQ(f.calls("relation-set"), 0);
}

TEST(ModelAccess, NobodyWritesRemoteBags) {
  Fixture f(true);
  Relation* rel = f.model.get_relation("db");
  EXPECT_THROW(rel->data[*rel->app()].set("k", "v"), RelationDataAccessError);
  try {
    rel->data[*rel->units().at(0)].set("k", "v");
    FAIL();
  } catch (const RelationDataAccessError& e) {
    EXPECT_STREQ(e.what(), "app/0 cannot write databag of database/0: not the same unit.");
  }
  EXPECT_EQ(f.calls("relation-set"), 0);
}

TEST(ModelAccess, LeaderReadsAndWritesItsApplicationBag) {
  Fixture f(true);
  auto& bag = f.model.get_relation("db")->data[f.model.app()];
  EXPECT_EQ(bag.get("own"), "app");
  bag.set("new", "value");
  EXPECT_EQ(f.backend.state().get_relation(1).local_app_data,
            (Bag{{"own", "app"}, {"new", "value"}}));
}

TEST(ModelCaching, LeadershipIsAskedOncePerHook) {
  Fixture f(true);
  auto* rel = f.model.get_relation("db");
  rel->data[f.model.app()].items();
  rel->data[f.model.app()].set("a", "1");
  EXPECT_TRUE(f.model.unit().is_leader());
  EXPECT_EQ(f.calls("is-leader"), 1);
}

TEST(ModelCaching, BagIsReadOnceAndWritesUpdateTheCache) {
  Fixture f(true);
  auto& bag = f.model.get_relation("db")->data[f.model.unit()];
  EXPECT_EQ(bag.get("mine"), "1");
  bag.set("mine", "2");
  EXPECT_EQ(bag.get("mine"), "2");
  EXPECT_EQ(f.calls("relation-get"), 1);
}

TEST(ModelWrites, UpdateSendsOnlyChangedKeysInOneCall) {
  Fixture f(true);
  auto& bag = f.model.get_relation("db")->data[f.model.unit()];
  bag.items();
  bag.update({{"mine", "1"}, {"a", "x"}, {"b", "y"}});
  ASSERT_EQ(f.calls("relation-set"), 1);
  EXPECT_EQ(nlohmann::json::parse(f.backend.calls().back().input),
            (nlohmann::json{{"a", "x"}, {"b", "y"}}));
  bag.update({{"mine", "1"}, {"a", "x"}});
  EXPECT_EQ(f.calls("relation-set"), 1) << "nothing changed, nothing sent";
}

TEST(ModelWrites, EmptyValueDeletesTheKey) {
  Fixture f(true);
  auto& bag = f.model.get_relation("db")->data[f.model.unit()];
  bag.erase("mine");
  EXPECT_TRUE(f.backend.state().get_relation(1).local_unit_data.empty());
  EXPECT_FALSE(bag.contains("mine"));
}

TEST(ModelWrites, EmptyKeyIsATypeError) {
  Fixture f(true);
  EXPECT_THROW(f.model.get_relation("db")->data[f.model.unit()].set("", "v"),
               RelationDataTypeError);
}

TEST(ModelRelations, GetRelationByIdAndErrors) {
  Fixture f(true);
  EXPECT_EQ(f.model.get_relation("db", 1)->id, 1);
  EXPECT_EQ(f.model.get_relation("db")->app()->name, "database");
  EXPECT_THROW(f.model.get_relation("db", 99), RelationNotFoundError);
  EXPECT_THROW(f.model.get_relation("nope"), ModelError);
  ASSERT_EQ(f.model.relations["db"].size(), 1u);
  EXPECT_EQ(f.model.relations["db"][0]->units().size(), 1u);
}

TEST(ModelConfig, TypedAccessWithDefaultsAndClearTypeErrors) {
  Fixture f(true);
  EXPECT_EQ(f.model.config().get<std::string>("name"), "x");
  EXPECT_EQ(f.model.config().get<int>("count"), 3);
  EXPECT_EQ(f.model.config().get<bool>("debug"), false);
  EXPECT_FALSE(f.model.config().get<std::string>("missing").has_value());
  try {
    f.model.config().get<bool>("name");
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_STREQ(e.what(), "config option 'name' is not a boolean");
  }
  EXPECT_EQ(f.calls("config-get"), 1);
}

TEST(ModelStatus, AppStatusIsLeaderOnlyAndErrorIsNotSettable) {
  Fixture f(false);
  EXPECT_THROW(f.model.app().set_status(ActiveStatus()), std::logic_error);
  EXPECT_THROW(f.model.unit().set_status(ErrorStatus("x")), InvalidStatusError);
  f.model.unit().set_status(BlockedStatus("why"));
  EXPECT_EQ(f.backend.state().unit_status, BlockedStatus("why"));
}

TEST(ModelSecrets, AddGrantReadAndRemoveAnApplicationSecret) {
  Fixture f(true);
  Secret secret = f.model.app().add_secret({{"username", "u"}, {"key", "k1"}}, "auth_info");
  ASSERT_TRUE(secret.id().has_value());
  secret.grant(*f.model.get_relation("db"));
  secret.set_content({{"username", "u"}, {"key", "k2"}});
  EXPECT_EQ(f.model.get_secret(std::nullopt, "auth_info").peek_content().at("key"), "k2");
  secret.remove_revision(1);
  for (const auto& call : f.backend.calls()) {
    for (const auto& arg : call.args) {
      EXPECT_EQ(arg.find("k1"), std::string::npos) << call.to_string();
      EXPECT_EQ(arg.find("k2"), std::string::npos) << call.to_string();
    }
  }
}

TEST(ModelSecrets, InvalidContentIsRejectedBeforeAnyToolCall) {
  Fixture f(true);
  EXPECT_THROW(f.model.app().add_secret({}), std::invalid_argument);
  EXPECT_THROW(f.model.app().add_secret({{"Bad_Key", "v"}}), std::invalid_argument);
  EXPECT_EQ(f.calls("secret-add"), 0);
}

TEST(ModelSecrets, UnknownSecretIsSecretNotFoundError) {
  Fixture f(true);
  EXPECT_THROW(f.model.get_secret("secret:aaaaaaaaaaaaaaaaaaaa"), SecretNotFoundError);
}

TEST(ModelSecrets, FindInfoIsNulloptWhereGetInfoThrowsNotFound) {
  Fixture f(true);
  Secret missing(f.model, std::nullopt, "auth_info-7");
  EXPECT_FALSE(missing.find_info().has_value());
  EXPECT_FALSE(missing.id().has_value());
  EXPECT_THROW(missing.get_info(), SecretNotFoundError);
  EXPECT_EQ(f.calls("secret-info-get"), 2);
}

TEST(ModelSecrets, FindInfoOfAnOwnedSecretIsGetInfoAndLearnsTheId) {
  Fixture f(true);
  Secret added = f.model.app().add_secret({{"username", "u"}, {"key", "k1"}}, "auth_info");
  Secret by_label(f.model, std::nullopt, "auth_info");
  const auto found = by_label.find_info();
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, *added.id());
  EXPECT_EQ(found->label, "auth_info");
  EXPECT_EQ(by_label.id(), added.id());
  const SecretInfo info = Secret(f.model, std::nullopt, "auth_info").get_info();
  EXPECT_EQ(info.id, found->id);
  EXPECT_EQ(info.revision, found->revision);
}

}  // namespace
}  // namespace ops
