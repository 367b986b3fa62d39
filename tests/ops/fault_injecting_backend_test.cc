// FaultInjectingBackend: counts hook-tool calls, fails the armed one the way ProcessBackend reports
// a broken tool (checked against ProcessBackend running fake tools), and plugs into
// ops::testing::Context through ContextOptions::wrap_backend.
#include "ops/testing/fault_injecting_backend.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "ops/model.h"
#include "ops/process_backend.h"
#include "ops/testing/context.h"
#include "ops/testing/in_memory_backend.h"

namespace {

namespace fs = std::filesystem;
using ops::ErrorCode;
using ops::testing::Context;
using ops::testing::ContextOptions;
using ops::testing::FaultInjectingBackend;
using ops::testing::FaultInjector;
using ops::testing::FaultKind;
using ops::testing::InjectedFault;
using ops::testing::InMemoryBackend;
using ops::testing::Relation;
using ops::testing::State;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kMeta = R"(
name: writer
requires:
  db:
    interface: db
)";

InMemoryBackend make_in_memory(State state = {}) {
  auto meta = ops::CharmMeta::from_charmcraft_yaml(kMeta);
  return InMemoryBackend(std::move(state), *meta, "writer/0");
}

State with_db_relation() {
  return State{.relations = {Relation{.endpoint = "db", .id = 1, .remote_app_name = "server"}},
               .leader = true};
}

TEST(FaultInjectingBackend, CountsEveryCallAndForwardsItWhenNotArmed) {
  auto inner = make_in_memory(with_db_relation());
  FaultInjector injector;
  FaultInjectingBackend backend(inner, injector);
  ASSERT_TRUE(backend.relation_ids("db").ok());
  ASSERT_TRUE(backend.relation_set("db", 1, {{"a", "1"}}, false).ok());
  ASSERT_TRUE(backend.juju_log("INFO", "hello").ok());
  EXPECT_EQ(injector.calls(), 3);
  EXPECT_THAT(injector.tools(), ElementsAre("relation-ids", "relation-set", "juju-log"));
  EXPECT_FALSE(injector.fired().has_value());
  EXPECT_EQ(inner.state().get_relation(1).local_unit_data.at("a"), "1");
}

TEST(FaultInjectingBackend, ActionSetWithNothingToSetIsNoCall) {
  auto inner = make_in_memory();
  FaultInjector injector;
  FaultInjectingBackend backend(inner, injector);
  (void)backend.action_set({});
  EXPECT_EQ(injector.calls(), 0);
}

TEST(FaultInjectingBackend, NonZeroExitFailsOnlyTheArmedCallAndDoesNotForwardIt) {
  auto inner = make_in_memory(with_db_relation());
  FaultInjector injector;
  injector.arm(2, FaultKind::kExitNonZero);
  FaultInjectingBackend backend(inner, injector);
  ASSERT_TRUE(backend.relation_set("db", 1, {{"a", "1"}}, false).ok());
  auto failed = backend.relation_set("db", 1, {{"b", "2"}}, false);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kModelError);
  EXPECT_EQ(failed.error().message,
            "relation-set failed (exit 1): ERROR injected fault: the tool crashed");
  ASSERT_TRUE(backend.relation_set("db", 1, {{"c", "3"}}, false).ok());
  EXPECT_EQ(inner.state().get_relation(1).local_unit_data, (ops::Bag{{"a", "1"}, {"c", "3"}}));
  EXPECT_EQ(injector.fired(), (InjectedFault{2, "relation-set", FaultKind::kExitNonZero}));
}

TEST(FaultInjectingBackend, NonZeroExitIsClassifiedFromTheGivenStderr) {
  auto inner = make_in_memory(with_db_relation());
  FaultInjector injector;
  injector.arm(1, FaultKind::kExitNonZero, "ERROR relation not found");
  FaultInjectingBackend backend(inner, injector);
  auto failed = backend.relation_get("db", 1, "server/0", false);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kRelationNotFound);
}

TEST(FaultInjectingBackend, GarbageOutputIsAnInvalidOutputErrorForToolsWhoseOutputIsParsed) {
  auto inner = make_in_memory(with_db_relation());
  FaultInjector injector;
  injector.arm(1, FaultKind::kGarbageOutput);
  FaultInjectingBackend backend(inner, injector);
  auto failed = backend.config_get();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kInvalidOutput);
  EXPECT_THAT(failed.error().message,
              StartsWith("config-get printed output that is not valid JSON ("));
}

TEST(FaultInjectingBackend, GarbageOutputOfAToolWhoseOutputIsIgnoredStillWrites) {
  auto inner = make_in_memory(with_db_relation());
  FaultInjector injector;
  injector.arm(1, FaultKind::kGarbageOutput);
  FaultInjectingBackend backend(inner, injector);
  EXPECT_TRUE(backend.relation_set("db", 1, {{"a", "1"}}, false).ok());
  EXPECT_EQ(inner.state().get_relation(1).local_unit_data.at("a"), "1");
  EXPECT_EQ(injector.fired()->tool, "relation-set");
}

TEST(FaultInjectingBackend, TimeoutReportsKTimeoutAfterTheToolDidItsWork) {
  auto inner = make_in_memory(with_db_relation());
  FaultInjector injector;
  injector.arm(1, FaultKind::kTimeout);
  FaultInjectingBackend backend(inner, injector);
  auto failed = backend.relation_set("db", 1, {{"a", "1"}}, false);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kTimeout);
  EXPECT_EQ(failed.error().message, "relation-set did not finish within 120000ms and was killed");
  EXPECT_EQ(inner.state().get_relation(1).local_unit_data.at("a"), "1");
}

TEST(FaultInjectingBackend, GarbageFromSecretAddBecomesTheIdLikeProcessBackendTakesIt) {
  auto inner = make_in_memory(State{.leader = true});
  FaultInjector injector;
  injector.arm(1, FaultKind::kGarbageOutput);
  FaultInjectingBackend backend(inner, injector);
  auto id = backend.secret_add({{"key", "value"}}, {}, ops::SecretOwner::kApplication);
  ASSERT_TRUE(id.ok());
  EXPECT_THAT(*id, HasSubstr("garbage"));
  EXPECT_EQ(inner.state().secrets.size(), 1U);
}

// --- the same errors as ProcessBackend over tools that really misbehave ------------------------

class FaultsMatchProcessBackend : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "fault-injection-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    const char* path = std::getenv("PATH");
    saved_path_ = path == nullptr ? "/usr/bin:/bin" : path;
    ::setenv("PATH", (root_.string() + ":" + saved_path_).c_str(), 1);
  }
  void TearDown() override {
    ::setenv("PATH", saved_path_.c_str(), 1);
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }
  // A tool that prints `out` on stdout, `err` on stderr and exits with `code`.
  void fake_tool(const std::string& name, std::string_view out, std::string_view err, int code) {
    std::ofstream(root_ / (name + ".out"), std::ios::binary) << out;
    std::ofstream(root_ / (name + ".err"), std::ios::binary) << err;
    std::ofstream(root_ / name) << "#!/bin/sh\ncat > /dev/null\ncat '" << (root_ / name).string()
                                << ".out'\ncat '" << (root_ / name).string() << ".err' >&2\nexit "
                                << code << "\n";
    fs::permissions(root_ / name, fs::perms::owner_all);
  }
  // The error of the first call of `call` against a backend armed with `kind`.
  template <class Call>
  ops::Error injected(FaultKind kind, Call&& call) {
    auto inner = make_in_memory(with_db_relation());
    FaultInjector injector;
    injector.arm(1, kind);
    FaultInjectingBackend backend(inner, injector);
    auto result = call(static_cast<ops::Backend&>(backend));
    EXPECT_FALSE(result.ok());
    return result.ok() ? ops::Error{} : result.error();
  }

  fs::path root_;
  std::string saved_path_;
  ops::ProcessBackend process_;
};

TEST_F(FaultsMatchProcessBackend, GarbageOutputGivesTheSameErrorForEveryParsedTool) {
  const std::string garbage(FaultInjector::kGarbage);
  fake_tool("relation-get", garbage, "", 0);
  fake_tool("relation-ids", garbage, "", 0);
  fake_tool("relation-list", garbage, "", 0);
  fake_tool("config-get", garbage, "", 0);
  fake_tool("is-leader", garbage, "", 0);
  fake_tool("secret-get", garbage, "", 0);
  fake_tool("secret-info-get", garbage, "", 0);
  fake_tool("status-get", garbage, "", 0);
  auto relation_get = [](ops::Backend& b) { return b.relation_get("db", 1, "server/0", false); };
  auto relation_ids = [](ops::Backend& b) { return b.relation_ids("db"); };
  auto relation_list = [](ops::Backend& b) { return b.relation_list("db", 1); };
  auto config_get = [](ops::Backend& b) { return b.config_get(); };
  auto is_leader = [](ops::Backend& b) { return b.is_leader(); };
  auto secret_get = [](ops::Backend& b) {
    return b.secret_get(std::string("secret:abc"), std::nullopt, false, false);
  };
  auto secret_info_get = [](ops::Backend& b) {
    return b.secret_info_get(std::string("secret:abc"), std::nullopt);
  };
  auto status_get = [](ops::Backend& b) { return b.status_get(false); };
  EXPECT_EQ(injected(FaultKind::kGarbageOutput, relation_get), relation_get(process_).error());
  EXPECT_EQ(injected(FaultKind::kGarbageOutput, relation_ids), relation_ids(process_).error());
  EXPECT_EQ(injected(FaultKind::kGarbageOutput, relation_list), relation_list(process_).error());
  EXPECT_EQ(injected(FaultKind::kGarbageOutput, config_get), config_get(process_).error());
  EXPECT_EQ(injected(FaultKind::kGarbageOutput, is_leader), is_leader(process_).error());
  EXPECT_EQ(injected(FaultKind::kGarbageOutput, secret_get), secret_get(process_).error());
  EXPECT_EQ(injected(FaultKind::kGarbageOutput, secret_info_get),
            secret_info_get(process_).error());
  EXPECT_EQ(injected(FaultKind::kGarbageOutput, status_get), status_get(process_).error());
}

TEST_F(FaultsMatchProcessBackend, NonZeroExitGivesTheSameError) {
  const std::string err = std::string(FaultInjector::kDefaultStderr) + "\n";
  fake_tool("relation-set", "", err, 1);
  fake_tool("secret-get", "", err, 1);
  auto relation_set = [](ops::Backend& b) { return b.relation_set("db", 1, {{"a", "1"}}, false); };
  auto secret_get = [](ops::Backend& b) {
    return b.secret_get(std::string("secret:abc"), std::nullopt, false, false);
  };
  EXPECT_EQ(injected(FaultKind::kExitNonZero, relation_set), relation_set(process_).error());
  EXPECT_EQ(injected(FaultKind::kExitNonZero, secret_get), secret_get(process_).error());
}

TEST_F(FaultsMatchProcessBackend, SecretAddTakesTheGarbageAsTheIdInBoth) {
  fake_tool("secret-add", FaultInjector::kGarbage, "", 0);
  auto inner = make_in_memory(State{.leader = true});
  FaultInjector injector;
  injector.arm(1, FaultKind::kGarbageOutput);
  FaultInjectingBackend backend(inner, injector);
  auto injected_id = backend.secret_add({{"key", "value"}}, {}, ops::SecretOwner::kApplication);
  auto process_id = process_.secret_add({{"key", "value"}}, {}, ops::SecretOwner::kApplication);
  ASSERT_TRUE(injected_id.ok());
  ASSERT_TRUE(process_id.ok());
  EXPECT_EQ(*injected_id, *process_id);
}

TEST_F(FaultsMatchProcessBackend, TimeoutHasTheSameCodeAndShape) {
  std::ofstream(root_ / "config-get") << "#!/bin/sh\nexec sleep 30\n";
  fs::permissions(root_ / "config-get", fs::perms::owner_all);
  ops::ProcessBackend short_timeout(std::chrono::milliseconds(100));
  auto process_error = short_timeout.config_get();
  ASSERT_FALSE(process_error.ok());
  auto injected_error =
      injected(FaultKind::kTimeout, [](ops::Backend& b) { return b.config_get(); });
  EXPECT_EQ(injected_error.code, process_error.error().code);
  EXPECT_EQ(injected_error.code, ErrorCode::kTimeout);
  EXPECT_THAT(process_error.error().message, StartsWith("config-get did not finish within "));
  EXPECT_THAT(injected_error.message, StartsWith("config-get did not finish within "));
}

// --- through a Context --------------------------------------------------------------------------

// Writes two keys in two relation-set calls on config-changed.
class WriterCharm : public ops::CharmBase {
 public:
  explicit WriterCharm(ops::Framework& framework) : CharmBase(framework) {
    framework.observe(on.config_changed, this, &WriterCharm::on_config_changed);
  }

 private:
  void on_config_changed(ops::EventBase& /*event*/) {
    ops::Relation* relation = model().get_relation("db");
    relation->data[unit()].set("first", "1");
    relation->data[unit()].set("second", "2");
  }
};

TEST(FaultInjectingBackendInAContext, FaultFreeRunCountsTheCallsAndFaultsFailTheHook) {
  FaultInjector injector;
  auto ctx = Context<WriterCharm>::from_charmcraft_yaml(
      kMeta, ContextOptions{.wrap_backend = injector.wrapper()});
  const State in = with_db_relation();
  const State clean = ctx.run(ctx.on.config_changed(), in);
  const int calls = injector.calls();
  ASSERT_GT(calls, 0);
  EXPECT_EQ(static_cast<size_t>(calls), ctx.tool_calls.size());
  EXPECT_EQ(clean.get_relation(1).local_unit_data, (ops::Bag{{"first", "1"}, {"second", "2"}}));

  int failed_hooks = 0;
  for (int k = 1; k <= calls; ++k) {
    injector.arm(k, FaultKind::kExitNonZero);
    try {
      State out = ctx.run(ctx.on.config_changed(), in);
      // Only a juju-log failure may be survived, and then nothing differs.
      EXPECT_EQ(injector.fired()->tool, "juju-log") << k;
      EXPECT_EQ(out.relations, clean.relations) << k;
    } catch (const ops::testing::UncaughtCharmError& e) {
      ++failed_hooks;
      EXPECT_THAT(e.what(), HasSubstr("failed (exit 1)")) << k;
    }
    EXPECT_EQ(injector.fired()->call, k);
  }
  EXPECT_GT(failed_hooks, 0);
  injector.disarm();
  EXPECT_EQ(ctx.run(ctx.on.config_changed(), in).relations, clean.relations);
}

}  // namespace
