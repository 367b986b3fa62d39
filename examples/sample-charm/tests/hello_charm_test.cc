// State-transition tests of the sample charm with the Scenario-style testing kit: each test
// declares a State, runs one event, and checks the State that comes out.
#include "hello_charm.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ops/testing/context.h"

namespace hello {
namespace {

using ops::testing::Context;
using ops::testing::Relation;
using ops::testing::State;
using ::testing::ElementsAre;

Context<HelloCharm> make_context() { return Context<HelloCharm>::from_charm_dir(HELLO_CHARM_DIR); }

Relation greeting_relation(int id = 1) {
  return Relation{.endpoint = "greeting", .id = id, .remote_app_name = "consumer"};
}

Relation greeter_relation(ops::Bag remote_app_data, int id = 2) {
  return Relation{.endpoint = "greeter",
                  .id = id,
                  .remote_app_name = "provider",
                  .remote_app_data = std::move(remote_app_data)};
}

TEST(HelloCharm, IsBlockedUntilNameIsSet) {
  auto ctx = make_context();
  State out = ctx.run(ctx.on.config_changed(), State{});
  EXPECT_EQ(out.unit_status, ops::BlockedStatus("name is not set: juju config hello name=<who>"));

  out = ctx.run(ctx.on.config_changed(), State{.config = {{"name", "ann"}}});
  EXPECT_EQ(out.unit_status, ops::ActiveStatus());
}

TEST(HelloCharm, LeaderPublishesGreetingOnEveryGreetingRelation) {
  auto ctx = make_context();
  State in{.config = {{"name", "ann"}, {"greeting", "hi"}},
           .relations = {greeting_relation(1), greeting_relation(3)},
           .leader = true};
  State out = ctx.run(ctx.on.config_changed(), in);
  EXPECT_EQ(out.get_relation(1).local_app_data, (ops::Bag{{"greeting", "hi from ann"}}));
  EXPECT_EQ(out.get_relation(3).local_app_data, (ops::Bag{{"greeting", "hi from ann"}}));
  EXPECT_EQ(ctx.count_tool_calls("relation-set"), 2);
}

TEST(HelloCharm, NonLeaderNeverWritesTheApplicationBag) {
  auto ctx = make_context();
  State in{.config = {{"name", "ann"}}, .relations = {greeting_relation()}, .leader = false};
  State out = ctx.run(ctx.on.relation_changed(in.get_relation(1), 0), in);
  EXPECT_TRUE(out.get_relation(1).local_app_data.empty());
  EXPECT_EQ(ctx.count_tool_calls("relation-set"), 0);
  EXPECT_TRUE(out.deferred.empty());
}

TEST(HelloCharm, RelationEventBeforeConfigIsDeferredThenHandledOnTheNextHook) {
  auto ctx = make_context();
  State in{.relations = {greeting_relation()}, .leader = true};
  State out = ctx.run(ctx.on.relation_joined(in.get_relation(1), 0), in);
  ASSERT_EQ(out.deferred.size(), 1u);
  EXPECT_EQ(out.deferred[0].method, "greeting_relation_joined/0");
  EXPECT_TRUE(out.get_relation(1).local_app_data.empty());

  out.config = {{"name", "bob"}};
  out = ctx.run(ctx.on.update_status(), out);
  EXPECT_TRUE(out.deferred.empty());
  EXPECT_EQ(out.get_relation(1).local_app_data, (ops::Bag{{"greeting", "hello from bob"}}));
  // The deferred event is re-emitted before the hook's own event.
  EXPECT_THAT(ctx.emitted_events, ElementsAre("greeting_relation_joined", "update_status"));
}

TEST(HelloCharm, RequirerShowsAndAcknowledgesTheGreetingOnce) {
  auto ctx = make_context();
  State in{.relations = {greeter_relation({{"greeting", "hi from ann"}})}};
  State out = ctx.run(ctx.on.relation_changed(in.get_relation(2), 0), in);
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("received: hi from ann"));
  EXPECT_EQ(out.get_relation(2).local_unit_data, (ops::Bag{{"ack", "hi from ann"}}));
  EXPECT_EQ(out.get_stored_state("charm").content["greetings_received"], 1);

  // The same greeting again: no write, no count.
  out = ctx.run(ctx.on.relation_changed(out.get_relation(2), 0), out);
  EXPECT_EQ(ctx.count_tool_calls("relation-set"), 0);
  EXPECT_EQ(out.get_stored_state("charm").content["greetings_received"], 1);
}

TEST(HelloCharm, RequirerWaitsWhileThereIsNoGreeting) {
  auto ctx = make_context();
  State in{.relations = {greeter_relation({})}};
  State out = ctx.run(ctx.on.relation_changed(in.get_relation(2), 0), in);
  EXPECT_EQ(out.unit_status, ops::WaitingStatus("waiting for a greeting"));
}

TEST(HelloCharm, GreetActionReturnsTheMessage) {
  auto ctx = make_context();
  ctx.run(ctx.on.action("greet", {{"who", "zoe"}}), State{.config = {{"greeting", "hey"}}});
  EXPECT_EQ(ctx.action_results, (nlohmann::json{{"message", "hey, zoe!"}}));
}

TEST(HelloCharm, GreetActionFailsOnEmptyName) {
  auto ctx = make_context();
  try {
    ctx.run(ctx.on.action("greet", {{"who", ""}}), State{});
    FAIL() << "expected ActionFailed";
  } catch (const ops::testing::ActionFailed& e) {
    EXPECT_EQ(e.message(), "parameter 'who' must not be empty");
  }
}

}  // namespace
}  // namespace hello
