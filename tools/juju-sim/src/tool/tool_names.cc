#include "tool/tool_names.h"

namespace juju_sim {

const std::vector<std::string>& hook_tool_names() {
  static const std::vector<std::string> names = {
      "relation-ids", "relation-list",   "relation-get",
      "relation-set", "is-leader",       "config-get",
      "status-get",   "status-set",      "application-version-set",
      "juju-log",     "action-get",      "action-set",
      "action-log",   "action-fail",     "secret-add",
      "secret-get",   "secret-info-get", "secret-set",
      "secret-grant", "secret-revoke",   "secret-remove",
      "secret-ids",   "network-get",     "unit-get",
      "opened-ports", "open-port",       "close-port",
      "state-get",    "state-set",       "state-delete",
      "leader-get",   "leader-set",      "goal-state"};
  return names;
}

}  // namespace juju_sim
