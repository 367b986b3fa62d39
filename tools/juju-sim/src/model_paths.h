// ModelPaths: where a juju-sim model keeps its files.
//
//   <dir>/state.db            the SQLite state (schema.h)
//   <dir>/charms/<app>/       the deployed charm, copied or unpacked once
//   <dir>/units/<app>-<n>/    per unit; charm/ is the unit's own copy (JUJU_CHARM_DIR)
//   <dir>/tools/              symlinks named after each hook tool -> juju-sim-tool
#pragma once

#include <string>

namespace juju_sim {

struct ModelPaths {
  std::string dir;
  std::string db() const { return dir + "/state.db"; }
  std::string charm_store(const std::string& app) const { return dir + "/charms/" + app; }
  std::string unit_dir(const std::string& unit) const;
  std::string unit_charm_dir(const std::string& unit) const { return unit_dir(unit) + "/charm"; }
  std::string tools_dir() const { return dir + "/tools"; }
};

// Creates <dir>/tools with one symlink per hook tool pointing at the juju-sim-tool binary
// (JUJU_SIM_TOOL, else next to the running executable). Idempotent.
void ensure_tools_dir(const ModelPaths& paths);

}  // namespace juju_sim
