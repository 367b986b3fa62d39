// Leadership and goal-state hook tools: leader-get, leader-set, goal-state.
//
// Contract (Juju's jujuc commands):
// - `leader-get [--format F] [<key>|-]`: the application's leader settings, a map of strings
//   (key: its value, or null/nothing when unset). Any unit may read them.
// - `leader-set [--file F] key=value ...` (an empty value deletes the key): leader only; a
//   non-leader fails with `ERROR cannot write leadership settings: cannot write settings: not the
//   leader` (exit 1). A non key=value argument is a usage error (exit 2). As in Juju the write is
//   applied at once (not rolled back when the hook fails); when the settings changed, juju-sim
//   queues leader-settings-changed to every other unit of the application after the hook exits
//   (notify_leader_settings()).
// - `goal-state [--format F]`: {"units": {unit: {"status", "since"}}, "relations": {endpoint:
//   {remote app or unit: {"status", "since"}}}}. Unit status is the workload status, or
//   "dying" for a dying unit; a remote application's entry is the relation's status ("joined",
//   or "dying" for a removed relation).
//
// Example (inside a hook): leader-set foo=bar; leader-get --format=json  ->  {"foo":"bar"}
#pragma once

#include <string>
#include <vector>

#include "sqlite_database.h"
#include "tool/tool_context.h"

namespace juju_sim {

void leader_get_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void leader_set_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void goal_state_tool(ToolContext& ctx, const std::vector<std::string>& argv);

// Called by juju-sim (never a tool) when a hook or action of an `app` unit has exited, in the
// runner's transaction: if its leader settings changed, queues leader-settings-changed to the
// application's other alive, installed units (coalesced with one already queued).
void notify_leader_settings(Database& db, const std::string& app);

}  // namespace juju_sim
