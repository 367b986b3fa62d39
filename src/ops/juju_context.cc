#include "ops/juju_context.h"

#include <charconv>
#include <cstdlib>

extern char** environ;  // NOLINT: POSIX

namespace ops {
namespace {

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

}  // namespace

JujuContext JujuContext::from_map(const std::map<std::string, std::string>& env) {
  auto get = [&env](const char* name) -> std::string {
    auto it = env.find(name);
    return it == env.end() ? std::string() : it->second;
  };
  JujuContext c;
  c.charm_dir = get("JUJU_CHARM_DIR");
  if (c.charm_dir.empty()) c.charm_dir = get("CHARM_DIR");
  c.dispatch_path = get("JUJU_DISPATCH_PATH");
  c.hook_name = get("JUJU_HOOK_NAME");
  c.unit_name = get("JUJU_UNIT_NAME");
  c.model_name = get("JUJU_MODEL_NAME");
  c.model_uuid = get("JUJU_MODEL_UUID");
  c.version = get("JUJU_VERSION");
  c.machine_id = get("JUJU_MACHINE_ID");
  c.principal_unit = get("JUJU_PRINCIPAL_UNIT");
  c.relation_name = get("JUJU_RELATION");
  if (auto rid = get("JUJU_RELATION_ID"); !rid.empty()) {
    auto colon = rid.rfind(':');
    c.relation_id = parse_int(colon == std::string::npos ? rid : rid.substr(colon + 1));
  }
  c.remote_unit = get("JUJU_REMOTE_UNIT");
  c.remote_app = get("JUJU_REMOTE_APP");
  if (c.remote_app.empty() && !c.remote_unit.empty()) {
    c.remote_app = c.remote_unit.substr(0, c.remote_unit.find('/'));
  }
  c.departing_unit = get("JUJU_DEPARTING_UNIT");
  c.secret_id = get("JUJU_SECRET_ID");
  c.secret_label = get("JUJU_SECRET_LABEL");
  if (auto rev = get("JUJU_SECRET_REVISION"); !rev.empty()) c.secret_revision = parse_int(rev);
  c.action_name = get("JUJU_ACTION_NAME");
  c.action_uuid = get("JUJU_ACTION_UUID");
  c.debug = env.count("JUJU_DEBUG") > 0;
  return c;
}

JujuContext JujuContext::from_environ() {
  std::map<std::string, std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view kv(*entry);
    if (kv.rfind("JUJU_", 0) != 0 && kv.rfind("CHARM_DIR=", 0) != 0) continue;
    auto eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return from_map(env);
}

std::string JujuContext::app_name() const { return unit_name.substr(0, unit_name.find('/')); }

}  // namespace ops
