// The relation hook tools: relation-ids, relation-list, relation-get, relation-set.
//
// Access rules (contract §3): a unit reads any bag of the relation, except its own app bag of a
// non-peer relation unless it is the leader (`permission denied`); it writes only its own unit
// bag, and its own app bag when leader (`cannot write relation settings`). Writes are staged
// (staged_ops.h) and the unit's own reads see them at once.
#pragma once

#include <string>
#include <vector>

#include "tool/tool_context.h"

namespace juju_sim {

void relation_ids_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void relation_list_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void relation_get_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void relation_set_tool(ToolContext& ctx, const std::vector<std::string>& argv);

}  // namespace juju_sim
