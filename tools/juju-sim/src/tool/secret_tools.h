// The secret hook tools (contract §4): secret-add, secret-get, secret-info-get, secret-set,
// secret-grant, secret-revoke, secret-remove, secret-ids.
//
// Rules: app-owned secrets are managed (set/grant/revoke/remove/info-get) by the owning app's
// leader only (`permission denied` for other units of the app); a unit that does not own the
// secret gets `secret "<xid>" not found` for management calls. Readers: the owner's units and
// units granted access through a relation (the grant holds until the relation is removed, so
// departed/broken hooks can still read). The first secret-get pins the latest revision;
// --refresh moves the pin, --peek does not. All writes, including pins and consumer labels, are
// staged until the hook exits 0. Inside the hook that ran secret-set, secret-info-get still
// reports the committed revision.
#pragma once

#include <string>
#include <vector>

#include "tool/tool_context.h"

namespace juju_sim {

void secret_add_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void secret_get_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void secret_info_get_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void secret_set_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void secret_grant_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void secret_revoke_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void secret_remove_tool(ToolContext& ctx, const std::vector<std::string>& argv);
void secret_ids_tool(ToolContext& ctx, const std::vector<std::string>& argv);

}  // namespace juju_sim
