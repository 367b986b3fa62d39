// Tests of the Scenario-style testing kit (ops::testing::Context): the environment it builds, the
// consistency checks, running charms, the side records, and the state round trip (deferred events,
// stored state, secrets).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ops/errors.h"
#include "ops/log.h"
#include "ops/stored_state.h"
#include "ops/testing/context.h"

namespace ops::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

constexpr std::string_view kCharmcraftYaml = R"(
name: demo
type: charm
summary: A charm that exercises the testing kit.
description: Test charm.
requires:
  db:
    interface: db_iface
  host:
    interface: juju-info
    scope: container
peers:
  replicas:
    interface: demo_peers
config:
  options:
    mountpoint:
      type: string
      default: /mnt
    size:
      type: int
actions:
  backup:
    description: Back up.
    params:
      target:
        type: string
        default: /backup
  rotate:
    description: Rotate the token.
)";

// A library object with a custom event, like CephFSRequires with mount_share.
class PingEvent : public ops::EventBase {};
class NotifierEvents : public ops::ObjectEvents {
 public:
  using ObjectEvents::ObjectEvents;
  ops::BoundEvent<PingEvent>& ping = define<PingEvent>("ping");
};
class Notifier : public ops::Object {
 public:
  explicit Notifier(ops::Object& parent) : Object(parent, "Notifier", "db"), on(*this) {}
  NotifierEvents on;
};

class DemoCharm : public ops::CharmBase {
 public:
  explicit DemoCharm(ops::Framework& framework) : CharmBase(framework), notifier_(*this) {
    framework.observe(on.install, this, &DemoCharm::on_install);
    framework.observe(on.start, this, &DemoCharm::on_start);
    framework.observe(on.config_changed, this, &DemoCharm::on_config_changed);
    framework.observe(on.update_status, this, &DemoCharm::on_update_status);
    framework.observe(on.leader_elected, this, &DemoCharm::on_leader_elected);
    framework.observe(on.relation_changed("db"), this, &DemoCharm::on_db_changed);
    framework.observe(on.relation_departed("db"), this, &DemoCharm::on_db_departed);
    framework.observe(on.relation_broken("db"), this, &DemoCharm::on_db_broken);
    framework.observe(on.relation_changed("replicas"), this, &DemoCharm::on_replicas_changed);
    framework.observe(on.action("backup"), this, &DemoCharm::on_backup);
    framework.observe(on.action("rotate"), this, &DemoCharm::on_rotate);
    framework.observe(notifier_.on.ping, this, &DemoCharm::on_ping);
  }

  void on_install(ops::InstallEvent&) {
    ops::log::info("installing");
    unit().set_status(ops::MaintenanceStatus("installing"));
    unit().set_status(ops::ActiveStatus("installed"));
  }
  void on_start(ops::StartEvent&) {
    if (unit().is_leader()) app().add_secret({{"token", "abc"}}, "token");
  }
  void on_config_changed(ops::ConfigChangedEvent& event) {
    stored_.set_default("count", 0);
    stored_["count"] = stored_["count"].get<int>() + 1;
    if (config().get<std::string>("mountpoint") == "/defer") event.defer();
  }
  void on_update_status(ops::UpdateStatusEvent&) {
    if (config().get<int>("size") == 13) throw std::runtime_error("unlucky size");
    unit().set_workload_version("1.2.3");
  }
  void on_leader_elected(ops::LeaderElectedEvent&) { notifier_.on.ping.emit(); }
  void on_ping(PingEvent&) { ops::log::warning("pinged"); }
  void on_db_changed(ops::RelationChangedEvent& event) {
    auto name = event.relation->data[*event.relation->app()].get("name");
    event.relation->data[unit()].set("seen", name.value_or("<none>"));
    // Reads the own application bag: only the leader may (RelationDataAccessError otherwise).
    auto ack = event.relation->data[app()].get("ack");
    if (!ack) event.relation->data[app()].set("ack", "yes");
  }
  void on_db_departed(ops::RelationDepartedEvent& event) {
    unit().set_status(
        ops::WaitingStatus(std::to_string(event.relation->units().size()) + " left, departing " +
                           (event.departing_unit != nullptr ? event.departing_unit->name : "?")));
  }
  void on_db_broken(ops::RelationBrokenEvent& event) {
    unit().set_status(ops::BlockedStatus(
        "db broken: " + std::to_string(event.relation->units().size()) + " units, " +
        std::to_string(model().relations["db"].size()) + " db relations, remote app " +
        event.relation->data[*event.relation->app()].get("name").value_or("?")));
  }
  void on_replicas_changed(ops::RelationChangedEvent& event) {
    unit().set_status(
        ops::ActiveStatus(event.relation->data[app()].get("shared").value_or("<unset>")));
  }
  void on_backup(ops::ActionEvent& event) {
    auto target = event.params().value("target", "");
    event.log("backing up");
    if (target == "/fail") {
      event.fail("no space left on " + target);
      return;
    }
    event.set_results({{"backup", {{"to", target}}}});
  }
  void on_rotate(ops::ActionEvent& event) {
    auto secret = model().get_secret(std::nullopt, "token");
    secret.set_content({{"token", "def"}});
    event.set_results({{"revision", std::to_string(secret.get_info().revision)}});
  }

 private:
  Notifier notifier_;
  ops::StoredState stored_{*this};
};

Context<DemoCharm> make_context(ContextOptions options = {}) {
  return Context<DemoCharm>::from_charmcraft_yaml(kCharmcraftYaml, std::move(options));
}

Relation db_relation() {
  return Relation{.endpoint = "db",
                  .id = 4,
                  .remote_app_name = "postgres",
                  .remote_app_data = {{"name", "main"}},
                  .remote_units_data = {{0, {}}, {1, {}}}};
}

// --- events and environment ---

TEST(Event, NamesFollowJujuAndOps) {
  EventFactory on;
  EXPECT_EQ(on.config_changed().dispatch_path(), "hooks/config-changed");
  EXPECT_EQ(on.config_changed().kind(), "config_changed");
  Relation rel{.endpoint = "cephfs-share", .id = 1};
  EXPECT_EQ(on.relation_changed(rel).dispatch_path(), "hooks/cephfs-share-relation-changed");
  EXPECT_EQ(on.relation_changed(rel).kind(), "cephfs_share_relation_changed");
  EXPECT_EQ(on.secret_remove(Secret{.id = "secret:x"}, 2).hook_name(), "secret-remove");
  EXPECT_EQ(on.action("mount-info").dispatch_path(), "actions/mount-info");
  EXPECT_EQ(on.action("mount-info").kind(), "mount_info_action");
}

TEST(Event, DeferredBuildsANoticeWithTheSnapshotOpsRestores) {
  EventFactory on;
  DeferredEvent deferred = on.relation_changed(db_relation(), 1).deferred();
  EXPECT_EQ(deferred.handle_path, "charm/on/db_relation_changed");
  EXPECT_EQ(deferred.observer_path, "charm");
  EXPECT_EQ(deferred.method, "db_relation_changed/0");
  EXPECT_EQ(deferred.snapshot, (nlohmann::json{{"relation_name", "db"},
                                               {"relation_id", 4},
                                               {"app_name", "postgres"},
                                               {"unit_name", "postgres/1"}}));
  EXPECT_EQ(on.secret_remove(Secret{.id = "secret:x", .label = "l"}, 3).deferred().snapshot,
            (nlohmann::json{{"id", "secret:x"}, {"label", "l"}, {"revision", 3}}));
}

TEST(ContextEnvironment, LifecycleHookHasTheCommonVariables) {
  auto ctx = make_context({.unit_id = 2});
  auto env = ctx.juju_environment(ctx.on.install(), State{});
  EXPECT_EQ(env.at("JUJU_DISPATCH_PATH"), "hooks/install");
  EXPECT_EQ(env.at("JUJU_HOOK_NAME"), "install");
  EXPECT_EQ(env.at("JUJU_UNIT_NAME"), "demo/2");
  EXPECT_EQ(env.at("JUJU_MODEL_NAME"), "test-model");
  EXPECT_EQ(env.at("JUJU_VERSION"), "3.6.8");
  EXPECT_EQ(env.at("JUJU_CHARM_DIR"), "/var/lib/juju/agents/unit-demo-2/charm");
  EXPECT_FALSE(env.contains("JUJU_RELATION"));
  EXPECT_FALSE(env.contains("JUJU_DEBUG"));
}

TEST(ContextEnvironment, RelationChangedNamesRelationAndRemoteUnit) {
  auto ctx = make_context();
  State state{.relations = {db_relation()}};
  auto env = ctx.juju_environment(ctx.on.relation_changed(db_relation(), 1), state);
  EXPECT_EQ(env.at("JUJU_DISPATCH_PATH"), "hooks/db-relation-changed");
  EXPECT_EQ(env.at("JUJU_RELATION"), "db");
  EXPECT_EQ(env.at("JUJU_RELATION_ID"), "db:4");
  EXPECT_EQ(env.at("JUJU_REMOTE_APP"), "postgres");
  EXPECT_EQ(env.at("JUJU_REMOTE_UNIT"), "postgres/1");
  // An application-bag change has no remote unit.
  auto app_change = ctx.juju_environment(ctx.on.relation_changed(db_relation()), state);
  EXPECT_EQ(app_change.at("JUJU_REMOTE_UNIT"), "");
  EXPECT_EQ(app_change.at("JUJU_REMOTE_APP"), "postgres");
}

TEST(ContextEnvironment, CreatedAndBrokenHaveAnEmptyRemoteUnit) {
  auto ctx = make_context();
  State state{.relations = {db_relation()}};
  EXPECT_EQ(
      ctx.juju_environment(ctx.on.relation_created(db_relation()), state).at("JUJU_REMOTE_UNIT"),
      "");
  EXPECT_EQ(
      ctx.juju_environment(ctx.on.relation_broken(db_relation()), state).at("JUJU_REMOTE_UNIT"),
      "");
}

TEST(ContextEnvironment, DepartedNamesTheDepartingUnitWhichMayBeTheLocalOne) {
  auto ctx = make_context();
  State state{.relations = {db_relation()}};
  auto env = ctx.juju_environment(ctx.on.relation_departed(db_relation(), 1), state);
  EXPECT_EQ(env.at("JUJU_REMOTE_UNIT"), "postgres/1");
  EXPECT_EQ(env.at("JUJU_DEPARTING_UNIT"), "postgres/1");
  auto leaving = ctx.juju_environment(ctx.on.relation_departed(db_relation(), 0, kThisUnit), state);
  EXPECT_EQ(leaving.at("JUJU_DEPARTING_UNIT"), "demo/0");
}

TEST(ContextEnvironment, PeerRelationsNameTheOwnApplication) {
  auto ctx = make_context();
  Relation peers{.endpoint = "replicas", .id = 9, .remote_units_data = {{1, {}}}};
  auto env = ctx.juju_environment(ctx.on.relation_changed(peers, 1), State{.relations = {peers}});
  EXPECT_EQ(env.at("JUJU_REMOTE_APP"), "demo");
  EXPECT_EQ(env.at("JUJU_REMOTE_UNIT"), "demo/1");
}

TEST(ContextEnvironment, SecretHooksCarryIdLabelAndRevision) {
  auto ctx = make_context();
  Secret secret{.id = "secret:cr8vcqgpc9t8oet2fdlg", .owner = "app", .label = "token"};
  State state{.secrets = {secret}, .leader = true};
  auto env = ctx.juju_environment(ctx.on.secret_remove(secret, 3), state);
  EXPECT_EQ(env.at("JUJU_SECRET_ID"), "secret:cr8vcqgpc9t8oet2fdlg");
  EXPECT_EQ(env.at("JUJU_SECRET_LABEL"), "token");
  EXPECT_EQ(env.at("JUJU_SECRET_REVISION"), "3");
  EXPECT_FALSE(
      ctx.juju_environment(ctx.on.secret_rotate(secret), state).contains("JUJU_SECRET_REVISION"));
}

TEST(ContextEnvironment, ActionsHaveAnEmptyHookName) {
  auto ctx = make_context();
  auto env = ctx.juju_environment(ctx.on.action("backup", {}, "42"), State{});
  EXPECT_EQ(env.at("JUJU_DISPATCH_PATH"), "actions/backup");
  EXPECT_EQ(env.at("JUJU_HOOK_NAME"), "");
  EXPECT_EQ(env.at("JUJU_ACTION_NAME"), "backup");
  EXPECT_EQ(env.at("JUJU_ACTION_UUID"), "42");
}

TEST(ContextEnvironment, SubordinateChargesNameTheirPrincipal) {
  auto meta = ops::CharmMeta::from_charmcraft_yaml(kCharmcraftYaml);
  ASSERT_TRUE(meta.ok());
  meta->subordinate = true;
  Context<DemoCharm> ctx(*meta);
  State state{.relations = {Relation{.endpoint = "host",
                                     .id = 1,
                                     .remote_app_name = "ubuntu",
                                     .remote_units_data = {{5, {}}}}}};
  EXPECT_EQ(ctx.juju_environment(ctx.on.install(), state).at("JUJU_PRINCIPAL_UNIT"), "ubuntu/5");
}

TEST(ContextConstruction, MetadataComesFromACharmDirectoryOrFile) {
  const std::string dir = std::string(STORAGE_LIBS_SOURCE_DIR) + "/examples/sample-charm";
  EXPECT_EQ(Context<DemoCharm>::from_charm_dir(dir).app_name(), "hello");
  auto ctx = Context<DemoCharm>::from_charmcraft_file(dir + "/charmcraft.yaml", {.unit_id = 3});
  EXPECT_EQ(ctx.unit_name(), "hello/3");
  EXPECT_THROW(Context<DemoCharm>::from_charmcraft_file(dir + "/nope.yaml"), std::invalid_argument);
  EXPECT_EQ(make_context({.app_name = "renamed"}).unit_name(), "renamed/0");
}

// --- consistency ---

void expect_inconsistent(const Event& event, const State& state, std::string_view fragment) {
  auto ctx = make_context();
  try {
    ctx.run(event, state);
    ADD_FAILURE() << "expected InconsistentScenarioError mentioning " << fragment;
  } catch (const InconsistentScenarioError& e) {
    EXPECT_THAT(e.what(), HasSubstr(std::string(fragment)));
  }
}

TEST(ContextConsistency, RelationEventNeedsTheRelationInTheState) {
  EventFactory on;
  expect_inconsistent(on.relation_changed(db_relation()), State{}, "not in the State");
}

TEST(ContextConsistency, EndpointsMustBeDeclared) {
  EventFactory on;
  Relation stray{.endpoint = "nope", .id = 1};
  expect_inconsistent(on.install(), State{.relations = {stray}}, "does not declare");
}

TEST(ContextConsistency, RelationIdsMustBeUnique) {
  EventFactory on;
  Relation a{.endpoint = "db", .id = 1};
  Relation b{.endpoint = "db", .id = 1};
  expect_inconsistent(on.install(), State{.relations = {a, b}}, "distinct .id");
}

TEST(ContextConsistency, RemoteUnitMustBeInTheRelation) {
  EventFactory on;
  expect_inconsistent(on.relation_joined(db_relation(), 7), State{.relations = {db_relation()}},
                      "remote unit 7");
}

TEST(ContextConsistency, RelationMustMatchTheEndpointOfTheStateRelation) {
  EventFactory on;
  Relation other = db_relation();
  other.endpoint = "replicas";
  other.remote_units_data = {{1, {}}};
  expect_inconsistent(on.relation_changed(other), State{.relations = {db_relation()}},
                      "in the State that relation is on 'db'");
}

TEST(ContextConsistency, ConfigMustBeDeclaredAndTyped) {
  EventFactory on;
  expect_inconsistent(on.config_changed(), State{.config = {{"colour", "red"}}},
                      "'colour' is not declared");
  expect_inconsistent(on.config_changed(), State{.config = {{"size", "big"}}}, "declared as int");
}

TEST(ContextConsistency, ActionsMustBeDeclared) {
  EventFactory on;
  expect_inconsistent(on.action("restore"), State{}, "'restore' is not declared");
}

TEST(ContextConsistency, SecretEventsNeedAVisibleSecretOfTheRightOwner) {
  EventFactory on;
  Secret owned{.id = "secret:cr8vcqgpc9t8oet2fdlg", .owner = "app"};
  Secret observed{.id = "secret:cr8vcqgpc9t8oet2fdm0"};
  expect_inconsistent(on.secret_changed(owned), State{}, "not in the State");
  expect_inconsistent(on.secret_changed(owned), State{.secrets = {owned}, .leader = true},
                      "observers only");
  expect_inconsistent(on.secret_remove(observed, 1), State{.secrets = {observed}}, "owner only");
  expect_inconsistent(on.secret_rotate(owned), State{.secrets = {owned}, .leader = false},
                      "leader only");
}

TEST(ContextConsistency, PeerRelationsMustNotListTheLocalUnitWithData) {
  EventFactory on;
  Relation peers{.endpoint = "replicas", .id = 2, .remote_units_data = {{0, {{"k", "v"}}}}};
  expect_inconsistent(on.install(), State{.relations = {peers}}, "lists the local unit 0");
}

// --- running charms ---

TEST(Context, InstallSetsStatusAndRecordsEventsLogsAndHistory) {
  auto ctx = make_context();
  State out = ctx.run(ctx.on.install(), State{});
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("installed"));
  EXPECT_THAT(ctx.emitted_events, ElementsAre("install"));
  EXPECT_THAT(ctx.juju_log, ::testing::Contains(JujuLogLine{"INFO", "installing"}));
  EXPECT_THAT(ctx.unit_status_history,
              ElementsAre(ops::UnknownStatus(), ops::MaintenanceStatus("installing")));
  EXPECT_EQ(ctx.count_tool_calls("status-set"), 2);
}

TEST(Context, RelationChangedWritesTheBagsOfTheOutputState) {
  auto ctx = make_context();
  State in{.relations = {db_relation()}, .leader = true};
  State out = ctx.run(ctx.on.relation_changed(in.get_relation(4), 0), in);
  EXPECT_EQ(out.get_relation(4).local_unit_data, (Bag{{"seen", "main"}}));
  EXPECT_EQ(out.get_relation(4).local_app_data, (Bag{{"ack", "yes"}}));
  EXPECT_THAT(ctx.emitted_events, ElementsAre("db_relation_changed"));
  // The input is a value: untouched.
  EXPECT_THAT(in.get_relation(4).local_unit_data, IsEmpty());
}

TEST(Context, NonLeaderReadingItsAppBagSurfacesAsUncaughtCharmError) {
  auto ctx = make_context();
  State in{.relations = {db_relation()}, .leader = false};
  try {
    ctx.run(ctx.on.relation_changed(db_relation(), 0), in);
    FAIL() << "expected UncaughtCharmError";
  } catch (const UncaughtCharmError& e) {
    EXPECT_EQ(e.type_name(), "ops::RelationDataAccessError");
    EXPECT_THAT(e.message(), HasSubstr("is not leader"));
    EXPECT_THROW(std::rethrow_exception(e.original()), ops::RelationDataAccessError);
  }
  // Records survive the failure.
  EXPECT_EQ(ctx.count_tool_calls("relation-set"), 1);
}

TEST(Context, CharmExceptionBecomesUncaughtCharmError) {
  auto ctx = make_context();
  try {
    ctx.run(ctx.on.update_status(), State{.config = {{"size", 13}}});
    FAIL() << "expected UncaughtCharmError";
  } catch (const UncaughtCharmError& e) {
    EXPECT_EQ(e.type_name(), "std::runtime_error");
    EXPECT_EQ(e.message(), "unlucky size");
    EXPECT_STREQ(e.what(), "std::runtime_error: unlucky size");
  }
}

TEST(Context, WorkloadVersionIsInTheOutputState) {
  auto ctx = make_context();
  State out = ctx.run(ctx.on.update_status(), State{});
  EXPECT_EQ(out.workload_version, "1.2.3");
  EXPECT_THAT(ctx.workload_version_history, ElementsAre(""));
}

TEST(Context, DepartingUnitIsGoneFromTheRelationButNamedByTheEvent) {
  auto ctx = make_context();
  State out =
      ctx.run(ctx.on.relation_departed(db_relation(), 1), State{.relations = {db_relation()}});
  EXPECT_EQ(out.unit_status, ops::WaitingStatus("1 left, departing postgres/1"));
}

TEST(Context, BrokenRelationHasNoUnitsButItsRemoteAppBagIsReadable) {
  auto ctx = make_context();
  State out = ctx.run(ctx.on.relation_broken(db_relation()), State{.relations = {db_relation()}});
  EXPECT_EQ(out.unit_status,
            ops::BlockedStatus("db broken: 0 units, 0 db relations, remote app main"));
  EXPECT_THAT(ctx.emitted_events, ElementsAre("db_relation_broken"));
}

TEST(Context, RelationCreatedAndJoinedRunWithoutObservers) {
  auto ctx = make_context();
  State in{.relations = {db_relation()}};
  ctx.run(ctx.on.relation_created(db_relation()), in);
  EXPECT_THAT(ctx.emitted_events, ElementsAre("db_relation_created"));
  ctx.run(ctx.on.relation_joined(db_relation(), 1), in);
  EXPECT_THAT(ctx.emitted_events, ElementsAre("db_relation_joined"));
}

TEST(Context, NonLeaderReadsThePeerApplicationBag) {
  auto ctx = make_context();
  Relation peers{.endpoint = "replicas",
                 .id = 2,
                 .local_app_data = {{"shared", "hello"}},
                 .remote_units_data = {{1, {}}}};
  State out = ctx.run(ctx.on.relation_changed(peers, 1), State{.relations = {peers}});
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("hello"));
}

TEST(Context, CustomLibraryEventsAreRecordedInOrder) {
  auto ctx = make_context();
  ctx.run(ctx.on.leader_elected(), State{.leader = true});
  EXPECT_THAT(ctx.emitted_events, ElementsAre("leader_elected", "ping"));
  EXPECT_THAT(ctx.juju_log, ::testing::Contains(JujuLogLine{"WARNING", "pinged"}));
}

TEST(Context, DeferredEventRoundTripsThroughTheState) {
  auto ctx = make_context();
  State first = ctx.run(ctx.on.config_changed(), State{.config = {{"mountpoint", "/defer"}}});
  ASSERT_EQ(first.deferred.size(), 1U);
  EXPECT_EQ(first.deferred[0].observer_path, "charm");
  EXPECT_EQ(first.deferred[0].method, "config_changed/0");
  EXPECT_THAT(first.deferred[0].handle_path, HasSubstr("charm/on/config_changed["));

  // Still deferring: re-emitted before the new event, and kept.
  State second = ctx.run(ctx.on.update_status(), first);
  EXPECT_THAT(ctx.emitted_events, ElementsAre("config_changed", "update_status"));
  EXPECT_EQ(second.deferred, first.deferred);

  // Config fixed: the deferred event runs and is dropped.
  State fixed = second;
  fixed.config = {{"mountpoint", "/ok"}};
  State third = ctx.run(ctx.on.update_status(), fixed);
  EXPECT_THAT(ctx.emitted_events, ElementsAre("config_changed", "update_status"));
  EXPECT_THAT(third.deferred, IsEmpty());
  EXPECT_EQ(third.get_stored_state("charm").content["count"], 3);
}

TEST(Context, DeferredEventDeclaredByTheTestIsReemitted) {
  auto ctx = make_context();
  State in{.deferred = {ctx.on.config_changed().deferred()}};
  State out = ctx.run(ctx.on.update_status(), in);
  EXPECT_THAT(ctx.emitted_events, ElementsAre("config_changed", "update_status"));
  EXPECT_THAT(out.deferred, IsEmpty());
  EXPECT_EQ(out.get_stored_state("charm").content["count"], 1);
}

TEST(Context, DeferredRelationEventIsRestoredWithItsRelation) {
  auto ctx = make_context();
  State in{.relations = {db_relation()},
           .leader = true,
           .deferred = {ctx.on.relation_changed(db_relation(), 1).deferred()}};
  State out = ctx.run(ctx.on.update_status(), in);
  EXPECT_THAT(ctx.emitted_events, ElementsAre("db_relation_changed", "update_status"));
  EXPECT_EQ(out.get_relation(4).local_unit_data, (Bag{{"seen", "main"}}));
}

TEST(Context, StoredStateRoundTrips) {
  auto ctx = make_context();
  State in{.stored_states = {StoredStateEntry{.content = {{"count", 41}}}}};
  State out = ctx.run(ctx.on.config_changed(), in);
  EXPECT_EQ(out.get_stored_state("charm", "_stored").content, (nlohmann::json{{"count", 42}}));
  EXPECT_THAT(out.deferred, IsEmpty());
}

TEST(Context, ActionResultsAndLogsAreRecorded) {
  auto ctx = make_context();
  ctx.run(ctx.on.action("backup"), State{});
  EXPECT_EQ(ctx.action_results, (nlohmann::json{{"backup", {{"to", "/backup"}}}}));
  EXPECT_THAT(ctx.action_logs, ElementsAre("backing up"));
}

TEST(Context, ActionFailIsActionFailed) {
  auto ctx = make_context();
  try {
    ctx.run(ctx.on.action("backup", {{"target", "/fail"}}), State{.leader = true});
    FAIL() << "expected ActionFailed";
  } catch (const ActionFailed& e) {
    EXPECT_EQ(e.message(), "no space left on /fail");
    EXPECT_TRUE(e.state().leader);
  }
  EXPECT_THAT(ctx.action_logs, ElementsAre("backing up"));
}

TEST(Context, SecretAddedInOneRunIsFoundByLabelInTheNext) {
  auto ctx = make_context();
  State first = ctx.run(ctx.on.start(), State{.leader = true});
  const Secret& secret = first.get_secret("token");
  EXPECT_EQ(secret.id, "secret://3f1a7c2e-5b7d-4e0a-9c61-2d8f4b6a0e19/cppsecret00000000001");
  EXPECT_EQ(secret.owner, "app");
  EXPECT_EQ(secret.latest_content, (SecretContent{{"token", "abc"}}));

  State second = ctx.run(ctx.on.action("rotate"), first);
  EXPECT_EQ(ctx.action_results["revision"], "2");
  EXPECT_EQ(second.get_secret("token").latest_revision, 2);
  EXPECT_EQ(second.get_secret("token").latest_content, (SecretContent{{"token", "def"}}));
}

TEST(Context, JujuRevisionReportingShowsTheCommittedRevisionInTheHook) {
  auto ctx = make_context({.juju_revision_reporting = true});
  Secret token{.id = "secret:cr8vcqgpc9t8oet2fdlg",
               .owner = "app",
               .tracked_content = {{"token", "abc"}},
               .label = "token"};
  State out = ctx.run(ctx.on.action("rotate"), State{.secrets = {token}, .leader = true});
  EXPECT_EQ(ctx.action_results["revision"], "1");
  EXPECT_EQ(out.get_secret("token").latest_revision, 2);
}

TEST(Context, SetupCallbackSeesTheCharmBeforeTheEvent) {
  auto ctx = make_context();
  DemoCharm* seen = nullptr;
  ctx.run(ctx.on.install(), State{}, [&](DemoCharm& charm) { seen = &charm; });
  EXPECT_NE(seen, nullptr);
}

TEST(Context, RecordsDescribeTheLastRunOnly) {
  auto ctx = make_context();
  ctx.run(ctx.on.install(), State{});
  ctx.run(ctx.on.update_status(), State{});
  EXPECT_THAT(ctx.emitted_events, ElementsAre("update_status"));
  EXPECT_THAT(ctx.unit_status_history, IsEmpty());
  EXPECT_EQ(ctx.count_tool_calls("status-set"), 0);
}

TEST(Context, EventsWithoutObserversChangeNothing) {
  auto ctx = make_context();
  // DemoCharm has a StoredState, which the framework saves on every commit.
  State in{.config = {{"size", 3}},
           .relations = {db_relation()},
           .leader = true,
           .unit_status = ops::ActiveStatus("fine"),
           .stored_states = {StoredStateEntry{}}};
  State out = ctx.run(ctx.on.stop(), in);
  EXPECT_EQ(out, in);
  EXPECT_THAT(ctx.emitted_events, ElementsAre("stop"));
}

}  // namespace
}  // namespace ops::testing
