// Framework semantics (docs/reference/juju-charm-contract.md §6.2): handler order, deferral and
// re-emission order, de-duplication of identical deferred events, non-deferrable events,
// synchronous custom events, and notices whose observer is gone.
#include "ops/framework.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ops/charm.h"
#include "ops/stored_state.h"
#include "ops/testing/context.h"

namespace ops {
namespace {

using testing::Context;
using ::testing::ElementsAre;
using testing::State;

// Records handler calls in stored state; defers according to stored flags.
class PingEvent : public EventBase {};
class RecorderEvents : public ObjectEvents {
 public:
  using ObjectEvents::ObjectEvents;
  BoundEvent<PingEvent>& ping = define<PingEvent>("ping");
};

class RecorderCharm : public CharmBase {
 public:
  explicit RecorderCharm(Framework& framework) : CharmBase(framework), events_(*this) {
    framework.observe(on.config_changed, this, &RecorderCharm::first);
    framework.observe(on.config_changed, this, &RecorderCharm::second);
    framework.observe(on.update_status, this, &RecorderCharm::on_update_status);
    framework.observe(on.relation_changed("db"), this, &RecorderCharm::on_db_changed);
    framework.observe(on.stop, this, &RecorderCharm::on_stop);
    framework.observe(on.action("run"), this, &RecorderCharm::on_action);
    framework.observe(events_.ping, this, &RecorderCharm::on_ping);
  }
  void record(const std::string& what) { stored_["calls"].push_back(what); }
  bool flag(const char* name) { return config().get<std::string>(name).value_or("") == "yes"; }
  void first(ConfigChangedEvent& e) {
    record("first");
    if (flag("defer-first")) e.defer();
  }
  void second(ConfigChangedEvent& e) {
    record("second");
    if (flag("defer-second")) e.defer();
  }
  void on_update_status(UpdateStatusEvent&) {
    record("update_status");
    events_.ping.emit();
    record("after ping");
  }
  void on_ping(PingEvent&) { record("ping"); }
  void on_db_changed(RelationChangedEvent& e) {
    record("db " + std::to_string(e.relation->id) + " " + (e.unit ? e.unit->name : "-"));
    if (flag("defer-db")) e.defer();
  }
  void on_stop(StopEvent& e) { e.defer(); }
  void on_action(ActionEvent& e) { e.defer(); }

 private:
  RecorderEvents events_;
  StoredState stored_{*this};
};

constexpr const char* kMetaWithConfig = R"(
name: fw
requires:
  db:
    interface: db
config:
  options:
    defer-first: {type: string}
    defer-second: {type: string}
    defer-db: {type: string}
actions:
  run:
    description: run
)";

Context<RecorderCharm> context() {
  return Context<RecorderCharm>::from_charmcraft_yaml(kMetaWithConfig);
}

std::vector<std::string> calls(const State& state) {
  std::vector<std::string> out;
  for (const auto& c :
       state.get_stored_state("charm").content.value("calls", nlohmann::json::array())) {
    out.push_back(c.get<std::string>());
  }
  return out;
}

TEST(Framework, HandlersRunInRegistrationOrder) {
  auto ctx = context();
  State out = ctx.run(ctx.on.config_changed(), State{});
  EXPECT_THAT(calls(out), ElementsAre("first", "second"));
  EXPECT_TRUE(out.deferred.empty());
}

TEST(Framework, OnlyTheDeferringObserverSeesTheEventAgain) {
  auto ctx = context();
  State out = ctx.run(ctx.on.config_changed(), State{.config = {{"defer-second", "yes"}}});
  ASSERT_EQ(out.deferred.size(), 1u);
  EXPECT_EQ(out.deferred[0].method, "config_changed/1");
  out.config = nlohmann::json::object();
  out = ctx.run(ctx.on.update_status(), out);
  EXPECT_THAT(calls(out),
              ElementsAre("first", "second", "second", "update_status", "ping", "after ping"));
  EXPECT_TRUE(out.deferred.empty());
}

TEST(Framework, DeferredEventsAreReemittedInOrderBeforeTheNewEvent) {
  auto ctx = context();
  testing::Relation db{
      .endpoint = "db", .id = 5, .remote_app_name = "pg", .remote_units_data = {{0, {}}, {1, {}}}};
  State in{.config = {{"defer-db", "yes"}}, .relations = {db}};
  State out = ctx.run(ctx.on.relation_changed(db, 1), in);
  out = ctx.run(ctx.on.relation_changed(db, 0), out);
  ASSERT_EQ(out.deferred.size(), 2u);
  out.config = nlohmann::json::object();
  out = ctx.run(ctx.on.update_status(), out);
  // Run 2 replays pg/1 (deferred again) before its own pg/0; run 3 replays both, in order.
  EXPECT_THAT(calls(out), ElementsAre("db 5 pg/1", "db 5 pg/1", "db 5 pg/0", "db 5 pg/1",
                                      "db 5 pg/0", "update_status", "ping", "after ping"));
  EXPECT_THAT(ctx.emitted_events,
              ElementsAre("db_relation_changed", "db_relation_changed", "update_status", "ping"));
}

TEST(Framework, IdenticalDeferredEventIsNotQueuedTwice) {
  auto ctx = context();
  State in{.config = {{"defer-first", "yes"}}};
  State out = ctx.run(ctx.on.config_changed(), in);
  out = ctx.run(ctx.on.config_changed(), out);
  // The replayed first notice defers again; the new identical config_changed is skipped for
  // `first` but still reaches `second`.
  EXPECT_EQ(out.deferred.size(), 1u);
  EXPECT_THAT(calls(out), ElementsAre("first", "second", "first", "second"));
}

TEST(Framework, CustomEventsRunSynchronouslyInsideTheHandler) {
  auto ctx = context();
  State out = ctx.run(ctx.on.update_status(), State{});
  EXPECT_THAT(calls(out), ElementsAre("update_status", "ping", "after ping"));
}

TEST(Framework, StopAndActionsCannotBeDeferred) {
  auto ctx = context();
  try {
    ctx.run(ctx.on.stop(), State{});
    FAIL();
  } catch (const testing::UncaughtCharmError& e) {
    EXPECT_EQ(e.message(), "cannot defer stop events");
  }
  try {
    ctx.run(ctx.on.action("run"), State{});
    FAIL();
  } catch (const testing::UncaughtCharmError& e) {
    EXPECT_EQ(e.message(), "cannot defer run_action events");
  }
}

TEST(Framework, NoticeOfAnUnknownObserverIsDroppedNotReplayed) {
  auto ctx = context();
  State in;
  in.deferred.push_back(testing::DeferredEvent{.handle_path = "charm/on/config_changed[3]",
                                               .observer_path = "charm",
                                               .method = "config_changed/7"});
  State out = ctx.run(ctx.on.update_status(), in);
  EXPECT_TRUE(out.deferred.empty());
  EXPECT_THAT(calls(out), ElementsAre("update_status", "ping", "after ping"));
}

TEST(Framework, FailingHandlerCommitsNoStoredState) {
  auto ctx = context();
  State in{.relations = {testing::Relation{.endpoint = "db", .id = 1}}};
  State out = ctx.run(ctx.on.config_changed(), in);
  ASSERT_THAT(calls(out), ElementsAre("first", "second"));
  // An action that defers throws: the output state of a failed run is never produced, so the
  // state the test holds is still the last committed one.
  EXPECT_THROW(ctx.run(ctx.on.action("run"), out), testing::UncaughtCharmError);
  EXPECT_THAT(calls(out), ElementsAre("first", "second"));
}

// Collect-status: handlers add candidates; the highest priority is set once (first added wins
// ties); the application status is collected on the leader only.
class StatusCharm : public CharmBase {
 public:
  explicit StatusCharm(Framework& framework) : CharmBase(framework) {
    framework.observe(on.collect_unit_status, this, &StatusCharm::unit_candidates);
    framework.observe(on.collect_app_status, this, &StatusCharm::app_candidates);
  }
  void unit_candidates(CollectStatusEvent& e) {
    e.add_status(ActiveStatus("fine"));
    e.add_status(WaitingStatus("first waiting"));
    e.add_status(BlockedStatus("first blocked"));
    e.add_status(BlockedStatus("second blocked"));
    e.add_status(MaintenanceStatus("busy"));
  }
  void app_candidates(CollectStatusEvent& e) {
    e.add_status(WaitingStatus("app waiting"));
    e.add_status(ActiveStatus("app fine"));
  }
};

TEST(Framework, CollectStatusSetsTheHighestPriorityCandidateOnce) {
  auto ctx = Context<StatusCharm>::from_charmcraft_yaml(kMetaWithConfig);
  State out = ctx.run(ctx.on.update_status(), State{.leader = true});
  EXPECT_EQ(out.unit_status, BlockedStatus("first blocked"));
  EXPECT_EQ(out.app_status, WaitingStatus("app waiting"));
  EXPECT_EQ(ctx.count_tool_calls("status-set"), 2);
}

TEST(Framework, CollectAppStatusRunsOnTheLeaderOnly) {
  auto ctx = Context<StatusCharm>::from_charmcraft_yaml(kMetaWithConfig);
  State out = ctx.run(ctx.on.update_status(), State{.leader = false});
  EXPECT_EQ(out.unit_status, BlockedStatus("first blocked"));
  EXPECT_EQ(out.app_status, UnknownStatus());
  EXPECT_EQ(ctx.count_tool_calls("status-set"), 1);
}

}  // namespace
}  // namespace ops
