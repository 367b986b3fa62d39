// Process-level tests of the sample charm: the real `hello-dispatch` binary is executed the way
// Juju executes `dispatch` (a real JUJU_* environment, cwd = charm dir, no arguments), against
// fake hook tools on PATH that record every call and answer from files the test writes.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

class HelloProcess : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("hello-process-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    charm_ = root_ / "charm";
    tools_ = root_ / "tools";
    answers_ = root_ / "answers";
    fs::create_directories(charm_);
    fs::create_directories(tools_);
    fs::create_directories(answers_);
    fs::copy_file(HELLO_CHARM_DIR "/charmcraft.yaml", charm_ / "charmcraft.yaml");
    fs::copy_file(HELLO_DISPATCH, charm_ / "dispatch");
    // Every tool appends "<tool> <args...>" to calls.log (stdin after " <<< " when fed), then
    // prints answers/<tool> (or answers/<tool>.app for --app reads) and exits with
    // answers/<tool>.exit (default 0), printing answers/<tool>.err on stderr.
    for (const char* tool :
         {"relation-get", "relation-set", "relation-ids", "relation-list", "status-set", "juju-log",
          "is-leader", "config-get", "action-get", "action-set", "action-fail", "action-log",
          "status-get", "application-version-set"}) {
      const fs::path path = tools_ / tool;
      std::ofstream(path) << "#!/bin/sh\n"
                          << "a=" << answers_.string() << "/" << tool << "\n"
                          << "line=\"" << tool << " $*\"\n"
                          << "if [ \"" << tool << "\" = relation-set ]; then "
                          << "line=\"$line <<< $(cat)\"; fi\n"
                          << "printf '%s\\n' \"$line\" >> " << (root_ / "calls.log").string()
                          << "\n"
                          << "case \"$*\" in *--app*) [ -f \"$a.app\" ] && a=\"$a.app\";; esac\n"
                          << "[ -f \"$a\" ] && cat \"$a\"\n"
                          << "[ -f \"$a.err\" ] && cat \"$a.err\" >&2\n"
                          << "[ -f \"$a.exit\" ] && exit \"$(cat \"$a.exit\")\"\n"
                          << "exit 0\n";
      fs::permissions(path, fs::perms::owner_all);
    }
    answer("is-leader", "true");
    answer("config-get", R"({"greeting": "hello"})");
    answer("relation-ids", R"(["greeting:4"])");
    answer("relation-list", R"(["consumer/0"])");
    answer("relation-get", "{}");
  }
  void TearDown() override { fs::remove_all(root_); }

  void answer(const std::string& tool, const std::string& text) { write(answers_ / tool, text); }

  // Runs dispatch for `dispatch_path` with extra JUJU_* variables; returns the exit code.
  int run(const std::string& dispatch_path, std::map<std::string, std::string> extra = {}) {
    std::map<std::string, std::string> env = {
        {"PATH", tools_.string() + ":/usr/bin:/bin"},
        {"JUJU_CHARM_DIR", charm_.string()},
        {"JUJU_DISPATCH_PATH", dispatch_path},
        {"JUJU_UNIT_NAME", "hello/0"},
        {"JUJU_MODEL_NAME", "test"},
        {"JUJU_MODEL_UUID", "00000000-0000-4000-8000-000000000000"},
        {"JUJU_VERSION", "3.4.6"},
    };
    if (dispatch_path.rfind("hooks/", 0) == 0) env["JUJU_HOOK_NAME"] = dispatch_path.substr(6);
    for (auto& [k, v] : extra) env[k] = v;
    std::vector<std::string> storage;
    for (auto& [k, v] : env) storage.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& e : storage) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::string path = (charm_ / "dispatch").string();
    char* argv[] = {path.data(), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const std::string err = (root_ / "stderr").string();
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    // Juju runs dispatch with the charm directory as working directory.
    posix_spawn_file_actions_addchdir_np(&actions, charm_.c_str());
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, path.c_str(), &actions, nullptr, argv, envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) return -1;
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::vector<std::string> calls() const {
    std::vector<std::string> out;
    std::istringstream in(read(root_ / "calls.log"));
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
  bool called(const std::string& line) const {
    for (const auto& c : calls()) {
      if (c == line) return true;
    }
    return false;
  }
  std::string state_file() const { return read(charm_ / ".ops-cpp-state.json"); }

  std::map<std::string, std::string> relation_env(const std::string& endpoint, int id) {
    return {{"JUJU_RELATION", endpoint},
            {"JUJU_RELATION_ID", endpoint + ":" + std::to_string(id)},
            {"JUJU_REMOTE_APP", "consumer"},
            {"JUJU_REMOTE_UNIT", "consumer/0"}};
  }

  fs::path root_, charm_, tools_, answers_;
};

TEST_F(HelloProcess, ConfigChangedWithoutNameSetsBlockedStatusAndExitsZero) {
  EXPECT_EQ(run("hooks/config-changed"), 0);
  EXPECT_TRUE(
      called("status-set --application=False blocked -- name is not set: juju config "
             "hello name=<who>"))
      << read(root_ / "calls.log");
}

TEST_F(HelloProcess, LeaderPublishesGreetingInOneRelationSet) {
  answer("config-get", R"({"greeting": "hi", "name": "ann"})");
  EXPECT_EQ(run("hooks/greeting-relation-changed", relation_env("greeting", 4)), 0);
  EXPECT_TRUE(
      called("relation-set -r greeting:4 --app --file - <<< {\"greeting\": \"hi from ann\"}"))
      << read(root_ / "calls.log");
}

TEST_F(HelloProcess, DeferredEventIsPersistedAndReemittedByTheNextHook) {
  EXPECT_EQ(run("hooks/greeting-relation-changed", relation_env("greeting", 4)), 0);
  auto state = nlohmann::json::parse(state_file());
  ASSERT_EQ(state["notices"].size(), 1u) << state.dump();
  EXPECT_EQ(state["notices"][0][2], "greeting_relation_changed/0");
  const std::string event_path = state["notices"][0][0];
  EXPECT_EQ(state["snapshots"][event_path]["relation_id"], 4);

  fs::remove(root_ / "calls.log");
  answer("config-get", R"({"greeting": "hello", "name": "ann"})");
  EXPECT_EQ(run("hooks/update-status"), 0);
  EXPECT_TRUE(
      called("relation-set -r greeting:4 --app --file - <<< {\"greeting\": \"hello from ann\"}"))
      << read(root_ / "calls.log");
  state = nlohmann::json::parse(state_file());
  EXPECT_TRUE(state["notices"].empty()) << state.dump();
  EXPECT_FALSE(state["snapshots"].contains(event_path));
}

ino_t inode(const fs::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

TEST_F(HelloProcess, HookThatOnlyNumbersEventsLeavesTheStateFileAloneAndHandlesStayUnique) {
  // No name: the greeting event is deferred and persisted (stored state initialised too).
  EXPECT_EQ(run("hooks/greeting-relation-changed", relation_env("greeting", 4)), 0);
  const std::string saved = state_file();
  const ino_t saved_inode = inode(charm_ / ".ops-cpp-state.json");
  ASSERT_NE(saved_inode, 0u);
  auto state = nlohmann::json::parse(saved);
  ASSERT_EQ(state["notices"].size(), 1u) << saved;
  const std::string first = state["notices"][0][0];

  // Two hooks that re-defer the same notice and emit events nobody persists: not rewritten
  // (the temp file + fsync + rename is most of a hook's framework time).
  EXPECT_EQ(run("hooks/update-status"), 0);
  EXPECT_EQ(run("hooks/config-changed"), 0);
  EXPECT_EQ(state_file(), saved);
  EXPECT_EQ(inode(charm_ / ".ops-cpp-state.json"), saved_inode);

  // A second relation's event is deferred next to the first under a handle of its own.
  EXPECT_EQ(run("hooks/greeting-relation-changed", relation_env("greeting", 5)), 0);
  state = nlohmann::json::parse(state_file());
  ASSERT_EQ(state["notices"].size(), 2u) << state.dump();
  EXPECT_EQ(state["notices"][0][0], first);
  const std::string second = state["notices"][1][0];
  EXPECT_NE(second, first);
  EXPECT_EQ(state["snapshots"][first]["relation_id"], 4);
  EXPECT_EQ(state["snapshots"][second]["relation_id"], 5);
  EXPECT_GE(state["event_count"].get<long long>(), 2);
}

TEST_F(HelloProcess, FailingHookToolFailsTheHookAndCommitsNothing) {
  answer("config-get", R"({"greeting": "hello", "name": "ann"})");
  EXPECT_EQ(run("hooks/greeter-relation-changed", relation_env("greeter", 9)), 0)
      << "a requirer-side change with no greeting does not write";
  // The greeting arrives, the charm acks it and counts it in stored state, then status-set fails.
  answer("status-set.exit", "1");
  answer("status-set.err", "ERROR connection to the agent lost\n");
  const std::string committed = state_file();
  ASSERT_NE(committed.find("\"greetings_received\":0"), std::string::npos) << committed;
  answer("relation-get.app", R"({"greeting": "yo"})");
  EXPECT_EQ(run("hooks/greeter-relation-changed", relation_env("greeter", 9)), 1);
  bool logged = false;
  for (const auto& c : calls()) {
    if (c.rfind("juju-log --log-level ERROR -- Uncaught exception while in charm code: "
                "ops::ModelError: status-set failed (exit 1): ERROR connection to the agent "
                "lost",
                0) == 0) {
      logged = true;
    }
  }
  EXPECT_TRUE(logged) << read(root_ / "calls.log");
  EXPECT_TRUE(called("relation-set -r greeter:9 --file - <<< {\"ack\": \"yo\"}"));
  // The stored-state increment of the failed hook was not committed.
  EXPECT_EQ(state_file(), committed);
}

TEST_F(HelloProcess, UnknownDispatchPathIsAClearErrorWithExitOne) {
  EXPECT_EQ(run("bin/whatever"), 1);
  bool logged = false;
  for (const auto& c : calls()) {
    if (c.find("juju-log --log-level ERROR --") == 0 &&
        c.find("JUJU_DISPATCH_PATH 'bin/whatever'") != std::string::npos) {
      logged = true;
    }
  }
  EXPECT_TRUE(logged) << read(root_ / "calls.log");
}

TEST_F(HelloProcess, CorruptStateFileIsReportedAndLeftUntouched) {
  write(charm_ / ".ops-cpp-state.json", "{broken");
  EXPECT_EQ(run("hooks/config-changed"), 1);
  EXPECT_EQ(state_file(), "{broken");
  bool logged = false;
  for (const auto& c : calls()) {
    if (c.find("juju-log --log-level ERROR --") == 0 &&
        c.find(".ops-cpp-state.json is not valid JSON") != std::string::npos) {
      logged = true;
    }
  }
  EXPECT_TRUE(logged) << read(root_ / "calls.log");
  EXPECT_FALSE(
      called("status-set --application=False blocked -- name is not set: juju config "
             "hello name=<who>"));
}

TEST_F(HelloProcess, ActionReturnsResultsThroughActionSet) {
  answer("action-get", R"({"who": "bob"})");
  EXPECT_EQ(run("actions/greet", {{"JUJU_ACTION_NAME", "greet"}, {"JUJU_ACTION_UUID", "1"}}), 0);
  EXPECT_TRUE(called("action-set message=hello, bob!")) << read(root_ / "calls.log");
}

TEST_F(HelloProcess, ActionWithBadParameterCallsActionFail) {
  answer("action-get", R"({"who": ""})");
  EXPECT_EQ(run("actions/greet", {{"JUJU_ACTION_NAME", "greet"}, {"JUJU_ACTION_UUID", "2"}}), 0);
  EXPECT_TRUE(called("action-fail -- parameter 'who' must not be empty"))
      << read(root_ / "calls.log");
}

TEST_F(HelloProcess, NestedDispatchIsANoOp) {
  EXPECT_EQ(run("hooks/config-changed", {{"OPS_CPP_DISPATCH", "1"}}), 0);
  EXPECT_TRUE(calls().empty());
}

TEST_F(HelloProcess, MissingHookToolsFailWithAMessageOnStderr) {
  fs::remove_all(tools_);
  EXPECT_EQ(run("hooks/config-changed"), 1);
  EXPECT_NE(read(root_ / "stderr").find("config-get: not found on PATH"), std::string::npos)
      << read(root_ / "stderr");
}

TEST_F(HelloProcess, MissingMetadataIsReportedWithTheCharmDirectory) {
  fs::remove(charm_ / "charmcraft.yaml");
  EXPECT_EQ(run("hooks/install"), 1);
  bool logged = false;
  for (const auto& c : calls()) {
    if (c.find("juju-log --log-level ERROR -- cannot load charm metadata") == 0 &&
        c.find(charm_.string()) != std::string::npos) {
      logged = true;
    }
  }
  EXPECT_TRUE(logged) << read(root_ / "calls.log");
}

}  // namespace
