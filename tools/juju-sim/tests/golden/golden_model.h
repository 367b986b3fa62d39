// Builds the juju-sim side of a golden replay from a golden trace (schema
// cephfs-conformance-golden/1): charm directories running the puppet charm with the recorded
// applications' metadata and config options, and the per-unit views the test compares.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace juju_sim::golden {

// Writes <charms_dir>/<charm>/{metadata.yaml, config.yaml, dispatch, puppet.json} for every
// charm of the trace; `dispatch` is a copy of `puppet_binary`. Returns app -> charm directory.
std::map<std::string, std::string> write_puppet_charms(const nlohmann::json& golden,
                                                       const std::string& charms_dir,
                                                       const std::string& puppet_binary,
                                                       const std::string& golden_path,
                                                       const std::string& shared_dir);

// One hook as both sides record it: "<hook> [remote=<unit>] [departing=<unit>] [exit=<n>]".
std::string hook_line(const std::string& hook, const nlohmann::json& env, int exit_code);

// The JUJU_* environment with ids and paths made comparable: JUJU_CONTEXT_ID is checked for its
// shape (<unit>-<hook>-<n>) and replaced by "<id>", `model_dir` becomes "<model>".
nlohmann::json comparable_env(const nlohmann::json& env, const std::string& model_dir);

}  // namespace juju_sim::golden
