// Maps each hook tool name to its implementation.
#include <map>

#include "tool/action_tools.h"
#include "tool/leader_tools.h"
#include "tool/relation_tools.h"
#include "tool/secret_tools.h"
#include "tool/tool_context.h"
#include "tool/unit_tools.h"

namespace juju_sim {

ToolFunction find_tool(const std::string& name) {
  static const std::map<std::string, ToolFunction> tools = {
      {"relation-ids", relation_ids_tool},
      {"relation-list", relation_list_tool},
      {"relation-get", relation_get_tool},
      {"relation-set", relation_set_tool},
      {"is-leader", is_leader_tool},
      {"config-get", config_get_tool},
      {"status-get", status_get_tool},
      {"status-set", status_set_tool},
      {"application-version-set", application_version_set_tool},
      {"juju-log", juju_log_tool},
      {"action-get", action_get_tool},
      {"action-set", action_set_tool},
      {"action-log", action_log_tool},
      {"action-fail", action_fail_tool},
      {"secret-add", secret_add_tool},
      {"secret-get", secret_get_tool},
      {"secret-info-get", secret_info_get_tool},
      {"secret-set", secret_set_tool},
      {"secret-grant", secret_grant_tool},
      {"secret-revoke", secret_revoke_tool},
      {"secret-remove", secret_remove_tool},
      {"secret-ids", secret_ids_tool},
      {"network-get", network_get_tool},
      {"unit-get", unit_get_tool},
      {"opened-ports", opened_ports_tool},
      {"open-port", open_port_tool},
      {"close-port", close_port_tool},
      {"state-get", state_get_tool},
      {"state-set", state_set_tool},
      {"state-delete", state_delete_tool},
      {"leader-get", leader_get_tool},
      {"leader-set", leader_set_tool},
      {"goal-state", goal_state_tool},
  };
  auto it = tools.find(name);
  return it == tools.end() ? nullptr : it->second;
}

}  // namespace juju_sim
