// The model operations behind the CLI commands (shaped like the juju CLI).
//
// Contract: each operation validates all its input first and throws SimError(2) with a message
// naming the bad value (unknown app/unit/endpoint, mismatched interfaces, charm without
// `dispatch`, ...) before changing anything; the caller runs it inside one transaction, so the
// state is unchanged on error. Operations only queue or mark work; hooks run in settle().
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "hook_runner.h"
#include "model_paths.h"
#include "sqlite_database.h"

namespace juju_sim {

void init_model(Database& db, const std::string& name, const std::string& uuid);

struct DeployRequest {
  std::string app;
  std::string charm;  // a charm directory or a .charm zip
  int units = 1;
  std::map<std::string, std::string> config;
};
void deploy(Database& db, const ModelPaths& paths, const DeployRequest& request);
std::vector<std::string> add_units(Database& db, const ModelPaths& paths, const std::string& app,
                                   int count);
void remove_unit(Database& db, const std::string& unit);
void set_config(Database& db, const std::string& app,
                const std::map<std::string, std::string>& values);
void set_leader(Database& db, const std::string& unit);

// `a` and `b` are "app:endpoint" or "app" (the endpoint is then inferred). Returns the id.
std::int64_t relate(Database& db, const ModelPaths& paths, const std::string& a,
                    const std::string& b);
// `a` is a relation id, or `a` and `b` name the two ends as for relate().
void remove_relation(Database& db, const std::string& a, const std::string& b);

struct SettleResult {
  int hooks_run = 0;
  // Where the time went: all of settle, the charm processes (hook tools included), and the
  // in-process time of the hook tools (from their trace records; process start-up excluded).
  // charm_time and tool_time are sums over hooks: with --jobs N > 1 they can exceed total_time.
  std::chrono::nanoseconds total_time{0}, charm_time{0}, tool_time{0};
  // CPU time (user + system) of juju-sim itself and of the charm processes with everything they
  // ran (hook tools included); unlike wall time, independent of other load on the machine.
  std::chrono::nanoseconds sim_cpu{0}, charm_cpu{0};
  bool quiescent = false;
  std::vector<std::string> units_in_error;
};
using HookProgress = std::function<void(int, const HookSpec&, const HookOutcome&)>;
// Runs hooks until no unit has anything to do, or `max_hooks` hooks have been started. Up to
// `jobs` hooks of different units run at once (each unit's hooks stay in order, one at a time);
// each hook is selected from committed state and committed by this process when it exits.
// jobs = 1 is fully deterministic; with more, the order between units depends on timing.
SettleResult settle(Database& db, const ModelPaths& paths, const RunOptions& options, int max_hooks,
                    const HookProgress& progress, int jobs = 1);

}  // namespace juju_sim
