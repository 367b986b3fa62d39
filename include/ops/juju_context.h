// JujuContext: everything Juju tells a charm process through its environment (JUJU_* variables),
// parsed once at start-up. See docs/reference/juju-charm-contract.md §1.3.
//
// An empty variable is treated exactly like a missing one. Parsing never fails: missing values are
// empty; the dispatcher decides what is required for the event it resolves.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace ops {

struct JujuContext {
  std::string charm_dir;       // JUJU_CHARM_DIR
  std::string dispatch_path;   // JUJU_DISPATCH_PATH, e.g. hooks/install or actions/mount-info
  std::string hook_name;       // JUJU_HOOK_NAME (empty for actions)
  std::string unit_name;       // JUJU_UNIT_NAME, e.g. app/0
  std::string model_name;      // JUJU_MODEL_NAME
  std::string model_uuid;      // JUJU_MODEL_UUID
  std::string version;         // JUJU_VERSION, e.g. 3.6.8
  std::string machine_id;      // JUJU_MACHINE_ID
  std::string principal_unit;  // JUJU_PRINCIPAL_UNIT (subordinates)
  // relation events
  std::string relation_name;       // JUJU_RELATION
  std::optional<int> relation_id;  // int after the last ':' of JUJU_RELATION_ID
  std::string remote_app;          // JUJU_REMOTE_APP (or derived from remote unit)
  std::string remote_unit;         // JUJU_REMOTE_UNIT
  std::string departing_unit;      // JUJU_DEPARTING_UNIT
  // secret events
  std::string secret_id;               // JUJU_SECRET_ID
  std::string secret_label;            // JUJU_SECRET_LABEL
  std::optional<int> secret_revision;  // JUJU_SECRET_REVISION
  // actions
  std::string action_name;  // JUJU_ACTION_NAME
  std::string action_uuid;  // JUJU_ACTION_UUID
  bool debug = false;       // JUJU_DEBUG present

  // Reads the current process environment.
  static JujuContext from_environ();
  // Reads from an explicit map (tests, simulators).
  static JujuContext from_map(const std::map<std::string, std::string>& env);

  std::string app_name() const;  // the part of unit_name before '/'
};

}  // namespace ops
