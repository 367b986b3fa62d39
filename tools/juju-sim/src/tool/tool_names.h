// The hook tools juju-sim-tool implements (each gets a symlink in the model's tools dir).
#pragma once

#include <string>
#include <vector>

namespace juju_sim {

const std::vector<std::string>& hook_tool_names();

}  // namespace juju_sim
