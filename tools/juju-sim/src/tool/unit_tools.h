// Unit-level hook tools: is-leader, config-get, status-get, status-set, application-version-set,
// juju-log, network-get, unit-get, opened-ports, open-port, close-port, state-get, state-set,
// state-delete. Statuses, versions and logs apply at once (they survive a failed hook); ports and
// state are staged like Juju's context.
#pragma once

#include <string>
#include <vector>

#include "tool/tool_context.h"

namespace juju_sim {

void is_leader_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void config_get_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void status_get_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void status_set_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void application_version_set_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void juju_log_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void network_get_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void unit_get_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void opened_ports_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void open_port_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void close_port_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void state_get_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void state_set_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void state_delete_tool(ToolContext& ctx, const std::vector<std::string>& argv);

}  // namespace juju_sim
