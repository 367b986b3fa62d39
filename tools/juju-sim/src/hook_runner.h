// Running one hook or action of one unit, with Juju's environment and commit rules.
//
// Contract: run_hook() creates the hook context (JUJU_CONTEXT_ID "<unit>-<hook>-<n>"), runs
// <JUJU_CHARM_DIR>/dispatch with the environment of contract §1.3, then in one transaction:
// exit 0 -> applies the hook's staged writes and the hook bookkeeping (hook_selector.h) and
// clears the unit's retry count; failure or timeout -> discards the staged writes, counts an
// attempt and, after `max_attempts`, puts the unit in error (`hook failed: "<hook>"`).
// Statuses and logs written by tools stay either way. Every hook is recorded in the trace with
// its JUJU_* environment (never secret content).
// start_hook()/finish_hook() are run_hook() in two halves, so that settle can keep hooks of
// several units running at once: start_hook() records the context and starts the process;
// finish_hook() (once poll_charm_process() has its result) does the one commit transaction.
// run_action() does the same for `juju run`: the action fails (never the unit) on non-zero exit
// or action-fail; writes are committed on exit 0.
#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "hook_process.h"
#include "hook_selector.h"
#include "model_paths.h"
#include "sqlite_database.h"

namespace juju_sim {

struct RunOptions {
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  int max_attempts = 3;
};

struct HookOutcome {
  bool ok = false;
  // Wall time of the charm process (fork to exit), hook tools it called included.
  std::chrono::nanoseconds charm_time{0};
  int exit_code = 0;
  bool timed_out = false;
  bool unit_in_error = false;
};

HookOutcome run_hook(Database& db, const ModelPaths& paths, const HookSpec& hook,
                     const RunOptions& options);

struct RunningHook {
  HookSpec hook;
  UnitInfo unit;
  std::string context_id;
  std::map<std::string, std::string> env;
  std::chrono::steady_clock::time_point started;
  CharmProcess process;
};

RunningHook start_hook(Database& db, const ModelPaths& paths, const HookSpec& hook,
                       const RunOptions& options);
HookOutcome finish_hook(Database& db, RunningHook& running, const ProcessResult& result,
                        const RunOptions& options);

struct ActionOutcome {
  std::int64_t id = 0;
  std::string status;  // completed | failed
  std::string message;
  nlohmann::json results = nlohmann::json::object();
  int exit_code = 0;
  std::string stdout_text, stderr_text;
};

ActionOutcome run_action(Database& db, const ModelPaths& paths, const std::string& unit,
                         const std::string& action, const nlohmann::json& params,
                         const RunOptions& options);

}  // namespace juju_sim
