#include "hook_runner.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <map>

#include "hook_process.h"
#include "model_store.h"
#include "secret_store.h"
#include "staged_ops.h"
#include "tool/leader_tools.h"
#include "tool/tool_trace.h"

namespace juju_sim {
namespace {

using nlohmann::json;

struct ContextRow {
  std::string id;
  std::string kind;
  std::int64_t action_id = 0;
};

std::map<std::string, std::string> base_env(Database& db, const ModelPaths& paths,
                                            const UnitInfo& unit, const std::string& context_id) {
  std::string flat = unit.name;
  for (char& c : flat) {
    if (c == '/') c = '-';
  }
  const char* agent_path = std::getenv("PATH");
  std::map<std::string, std::string> env = {
      {"JUJU_CHARM_DIR", unit.charm_dir},
      {"CHARM_DIR", unit.charm_dir},
      {"JUJU_CONTEXT_ID", context_id},
      {"JUJU_HOOK_NAME", ""},
      {"JUJU_AGENT_SOCKET_ADDRESS",
       fmt::format("@/var/lib/juju/agents/unit-{}/agent.socket", flat)},
      {"JUJU_AGENT_SOCKET_NETWORK", "unix"},
      {"JUJU_UNIT_NAME", unit.name},
      {"JUJU_MODEL_UUID", model_get(db, "uuid")},
      {"JUJU_MODEL_NAME", model_get(db, "name")},
      {"JUJU_API_ADDRESSES", "127.0.0.1:17070"},
      {"JUJU_MACHINE_ID", unit.machine},
      {"JUJU_PRINCIPAL_UNIT", unit.principal},
      {"JUJU_AVAILABILITY_ZONE", ""},
      {"JUJU_VERSION", model_get(db, "juju_version", "3.4.6")},
      {"CLOUD_API_VERSION", ""},
      {"JUJU_CHARM_HTTP_PROXY", ""},
      {"JUJU_CHARM_HTTPS_PROXY", ""},
      {"JUJU_CHARM_FTP_PROXY", ""},
      {"JUJU_CHARM_NO_PROXY", "127.0.0.1,localhost,::1"},
      {"JUJU_METER_STATUS", "AMBER"},
      {"JUJU_METER_INFO", "not set"},
      {"JUJU_SLA", "unsupported"},
      {"LANG", "C.UTF-8"},
      {"DEBIAN_FRONTEND", "noninteractive"},
      {"APT_LISTCHANGES_FRONTEND", "none"},
      {"TERM", "tmux-256color"},
      {"PATH", paths.tools_dir() + ":" + (agent_path ? agent_path : "/usr/bin:/bin")},
      {"JUJUSIM_STATE_DB", paths.db()},
  };
  for (const char* passed : {"HOME", "TMPDIR"}) {
    if (const char* value = std::getenv(passed)) env[passed] = value;
  }
  // The opt-in raw argv log of secret scans (tool/tool_trace.h), made absolute because hooks run
  // in their charm directory.
  if (const char* log = std::getenv(kRawArgvLogVariable); log != nullptr && *log != '\0') {
    env[kAgentRawArgvLogVariable] = std::filesystem::absolute(log).string();
  }
  return env;
}

void add_hook_env(Database& db, const HookSpec& hook, std::map<std::string, std::string>& env) {
  env["JUJU_HOOK_NAME"] = hook.hook;
  env["JUJU_DISPATCH_PATH"] = "hooks/" + hook.hook;
  if (hook.relation_id) {
    env["JUJU_RELATION"] = hook.endpoint;
    env["JUJU_RELATION_ID"] = fmt::format("{}:{}", hook.endpoint, *hook.relation_id);
    env["JUJU_REMOTE_APP"] = hook.remote_app;
    env["JUJU_REMOTE_UNIT"] = hook.remote_unit;
    if (hook.kind == "relation-departed") env["JUJU_DEPARTING_UNIT"] = hook.departing;
  }
  if (!hook.secret.empty()) {
    env["JUJU_SECRET_ID"] = secret_uri(db, hook.secret);
    auto secret = find_secret(db, hook.secret);
    std::string label = consumer_label(db, hook.secret, hook.unit);
    if (hook.kind != "secret-changed" && secret) label = secret->label;
    env["JUJU_SECRET_LABEL"] = label;
    if (hook.kind == "secret-remove" || hook.kind == "secret-expired") {
      env["JUJU_SECRET_REVISION"] = std::to_string(hook.revision);
    }
  }
}

std::vector<std::string> env_list(const std::map<std::string, std::string>& env) {
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [key, value] : env) out.push_back(fmt::format("{}={}", key, value));
  return out;
}

json juju_env_json(const std::map<std::string, std::string>& env) {
  json out = json::object();
  for (const auto& [key, value] : env) {
    if (key.rfind("JUJU_", 0) == 0) out[key] = value;
  }
  return out;
}

void insert_context(Database& db, const std::string& id, const HookSpec& hook,
                    std::int64_t action_id) {
  db.prepare(
        "INSERT INTO contexts(id, unit, hook, kind, relation_id, remote_unit, remote_app, "
        "departing, secret, revision, action_id, target_version) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, id)
      .bind(2, hook.unit)
      .bind(3, hook.hook)
      .bind(4, hook.kind)
      .bind(5, hook.relation_id ? json(*hook.relation_id).dump() : std::optional<std::string>())
      .bind(6, hook.remote_unit)
      .bind(7, hook.remote_app)
      .bind(8, hook.departing)
      .bind(9, hook.secret)
      .bind(10, hook.revision)
      .bind(11, action_id ? std::optional<std::string>(std::to_string(action_id))
                          : std::optional<std::string>())
      .bind(12, hook.target_version)
      .run();
}

void record_run(Database& db, const std::string& context_id, const HookSpec& hook,
                const std::string& kind, const std::map<std::string, std::string>& env,
                const ProcessResult& result, std::chrono::nanoseconds duration) {
  db.prepare(
        "INSERT INTO trace(context_id, unit, kind, name, stdout, stderr, exit, env, duration_us) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, context_id)
      .bind(2, hook.unit)
      .bind(3, kind)
      .bind(4, hook.hook)
      .bind(5, result.stdout_text)
      .bind(6, result.stderr_text)
      .bind(7, result.exit_code)
      .bind(8, juju_env_json(env).dump())
      .bind(9, static_cast<std::int64_t>(
                   std::chrono::duration_cast<std::chrono::microseconds>(duration).count()))
      .run();
  auto log = [&](const char* level, const std::string& text) {
    if (text.empty()) return;
    db.prepare("INSERT INTO logs(unit, context_id, level, message) VALUES (?, ?, ?, ?)")
        .bind(1, hook.unit)
        .bind(2, context_id)
        .bind(3, level)
        .bind(4, text)
        .run();
  };
  log("DEBUG", result.stdout_text);
  log("WARNING", result.stderr_text);
  if (result.timed_out)
    log("ERROR", fmt::format("hook \"{}\" timed out and was killed", hook.hook));
}

ProcessResult execute(const ModelPaths& paths, const UnitInfo& unit,
                      const std::map<std::string, std::string>& env, const RunOptions& options) {
  return run_charm_process(unit.charm_dir + "/dispatch", unit.charm_dir, env_list(env),
                           options.timeout, paths.unit_dir(unit.name));
}

}  // namespace

RunningHook start_hook(Database& db, const ModelPaths& paths, const HookSpec& hook,
                       const RunOptions& options) {
  RunningHook running{hook, require_unit(db, hook.unit), "", {}, {}, {}};
  const UnitInfo& unit = running.unit;
  {
    Transaction tx(db);
    running.context_id =
        fmt::format("{}-{}-{}", unit.name, hook.hook, next_counter(db, "next_hook") + 1);
    running.env = base_env(db, paths, unit, running.context_id);
    add_hook_env(db, hook, running.env);
    insert_context(db, running.context_id, hook, 0);
    tx.commit();
  }
  running.started = std::chrono::steady_clock::now();
  running.process =
      start_charm_process(unit.charm_dir + "/dispatch", unit.charm_dir, env_list(running.env),
                          options.timeout, paths.unit_dir(unit.name));
  return running;
}

HookOutcome finish_hook(Database& db, RunningHook& running, const ProcessResult& result,
                        const RunOptions& options) {
  const HookSpec& hook = running.hook;
  const UnitInfo& unit = running.unit;
  const std::string& context_id = running.context_id;
  HookOutcome outcome;
  outcome.charm_time = std::chrono::steady_clock::now() - running.started;
  outcome.exit_code = result.exit_code;
  outcome.timed_out = result.timed_out;
  outcome.ok = result.exit_code == 0 && !result.timed_out;
  Transaction tx(db);
  db.prepare("UPDATE contexts SET active = 0 WHERE id = ?").bind(1, context_id).run();
  record_run(db, context_id, hook, "hook", running.env, result, outcome.charm_time);
  // leader-set applies at once, whatever the exit code: tell the other units now.
  notify_leader_settings(db, unit.app);
  if (outcome.ok) {
    commit_staged(db, context_id);
    complete_hook(db, hook);
    db.prepare("UPDATE units SET attempts = 0 WHERE name = ?").bind(1, unit.name).run();
  } else {
    discard_staged(db, context_id);
    int attempts = unit.attempts + 1;
    outcome.unit_in_error = attempts >= options.max_attempts;
    db.prepare("UPDATE units SET attempts = ?, error_hook = ? WHERE name = ?")
        .bind(1, attempts)
        .bind(2, outcome.unit_in_error ? std::optional<std::string>(hook.hook)
                                       : std::optional<std::string>())
        .bind(3, unit.name)
        .run();
  }
  tx.commit();
  return outcome;
}

HookOutcome run_hook(Database& db, const ModelPaths& paths, const HookSpec& hook,
                     const RunOptions& options) {
  RunningHook running = start_hook(db, paths, hook, options);
  while (true) {
    if (auto result = poll_charm_process(running.process)) {
      return finish_hook(db, running, *result, options);
    }
    wait_for_charm_processes({&running.process});
  }
}

ActionOutcome run_action(Database& db, const ModelPaths& paths, const std::string& unit_name,
                         const std::string& action, const json& params, const RunOptions& options) {
  UnitInfo unit = require_unit(db, unit_name);
  ActionOutcome outcome;
  outcome.id = next_counter(db, "next_action") + 1;
  db.prepare("INSERT INTO actions(id, unit, name, params, status) VALUES (?, ?, ?, ?, 'running')")
      .bind(1, outcome.id)
      .bind(2, unit.name)
      .bind(3, action)
      .bind(4, params.dump())
      .run();
  HookSpec hook;
  hook.unit = unit.name;
  hook.hook = action;
  hook.kind = "action";
  std::string context_id = fmt::format("{}-run-commands-{}", unit.name, outcome.id);
  auto env = base_env(db, paths, unit, context_id);
  env["JUJU_DISPATCH_PATH"] = "actions/" + action;
  env["JUJU_ACTION_NAME"] = action;
  env["JUJU_ACTION_UUID"] = std::to_string(outcome.id);
  env["JUJU_ACTION_TAG"] = fmt::format("action-{}", outcome.id);
  insert_context(db, context_id, hook, outcome.id);

  auto started = std::chrono::steady_clock::now();
  ProcessResult result = execute(paths, unit, env, options);
  auto duration = std::chrono::steady_clock::now() - started;

  Transaction tx(db);
  db.prepare("UPDATE contexts SET active = 0 WHERE id = ?").bind(1, context_id).run();
  record_run(db, context_id, hook, "action", env, result, duration);
  notify_leader_settings(db, unit.app);
  auto s = db.prepare("SELECT status, results, message FROM actions WHERE id = ?");
  s.bind(1, outcome.id);
  s.step();
  std::string status = s.text(0);
  outcome.results = json::parse(s.text(1));
  outcome.message = s.text(2);
  bool ok = result.exit_code == 0 && !result.timed_out;
  if (ok) {
    commit_staged(db, context_id);
  } else {
    discard_staged(db, context_id);
    if (outcome.message.empty()) {
      outcome.message =
          result.timed_out ? "action timed out" : fmt::format("exit status {}", result.exit_code);
    }
  }
  outcome.status = (ok && status != "failed") ? "completed" : "failed";
  outcome.exit_code = result.exit_code;
  outcome.stdout_text = result.stdout_text;
  outcome.stderr_text = result.stderr_text;
  db.prepare("UPDATE actions SET status = ?, message = ? WHERE id = ?")
      .bind(1, outcome.status)
      .bind(2, outcome.message)
      .bind(3, outcome.id)
      .run();
  tx.commit();
  return outcome;
}

}  // namespace juju_sim
