// Action hook tools: action-get, action-set, action-log, action-fail. Only inside an action
// (`not running an action` otherwise). Results, logs and failure apply at once.
#pragma once

#include <string>
#include <vector>

#include "tool/tool_context.h"

namespace juju_sim {

void action_get_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void action_set_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void action_log_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void action_fail_tool(ToolContext& ctx, const std::vector<std::string>& argv);

}  // namespace juju_sim
