// relation-ids, relation-list, relation-get, relation-set (contract §2.1, §3).
#include "tool/relation_tools.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "sim_error.h"
#include "staged_ops.h"

namespace juju_sim {

using nlohmann::json;

namespace {

bool is_hook_relation(const ToolContext& ctx, const RelationInfo& relation) {
  return ctx.relation_id && *ctx.relation_id == relation.id;
}

std::string app_of(const std::string& name) { return name.substr(0, name.find('/')); }

// Parses a relation-set --file document: a YAML (or JSON) map of string values.
json settings_from_yaml(const std::string& text) {
  YAML::Node node;
  try {
    node = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    throw usage_error(fmt::format("cannot parse settings: {}", error.what()));
  }
  json out = json::object();
  if (node.IsNull()) return out;
  if (!node.IsMap()) throw usage_error("expected a YAML map of settings");
  for (const auto& item : node) {
    std::string key = item.first.as<std::string>();
    if (item.second.IsNull()) {
      out[key] = "";
    } else if (item.second.IsScalar()) {
      out[key] = item.second.Scalar();
    } else {
      throw usage_error(fmt::format("value of \"{}\" must be a string", key));
    }
  }
  return out;
}

}  // namespace

void relation_ids_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, with_format({}));
  args.max_positional(1);
  std::string endpoint;
  if (!args.positional().empty()) {
    endpoint = args.positional()[0];
  } else if (ctx.relation_id) {
    endpoint = find_relation(*ctx.db, *ctx.relation_id)->endpoint_of(ctx.unit.app);
  } else {
    throw usage_error("no endpoint name specified");
  }
  json ids = json::array();
  auto s = ctx.db->prepare(
      "SELECT r.id FROM relations r JOIN relation_units ru ON ru.relation_id = r.id "
      "WHERE ru.unit = ? AND ru.broken = 0 AND ((r.app1 = ?2 AND r.ep1 = ?3) OR "
      "(r.app2 = ?2 AND r.ep2 = ?3)) ORDER BY r.id");
  s.bind(1, ctx.unit.name).bind(2, ctx.unit.app).bind(3, endpoint);
  while (s.step()) ids.push_back(fmt::format("{}:{}", endpoint, s.integer(0)));
  ctx.out = format_output(ids, args);
}

void relation_list_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, with_format({{{"r", "relation"}, true}, {{"app"}, false}}));
  args.max_positional(0);
  RelationInfo relation = resolve_relation(ctx, args.value("r"));
  if (args.flag("app")) {
    ctx.out = format_output(relation.remote_app_of(ctx.unit.app), args);
    return;
  }
  json units = json::array();
  auto s = ctx.db->prepare(
      "SELECT member FROM relation_members WHERE relation_id = ? AND "
      "unit = ? ORDER BY member");
  s.bind(1, relation.id).bind(2, ctx.unit.name);
  while (s.step()) {
    bool departing = ctx.kind == "relation-departed" && is_hook_relation(ctx, relation) &&
                     s.text(0) == ctx.remote_unit;
    if (!departing) units.push_back(s.text(0));
  }
  // Inside relation-joined the joining unit is already a member, as in Juju.
  if (ctx.kind == "relation-joined" && is_hook_relation(ctx, relation) &&
      std::find(units.begin(), units.end(), ctx.remote_unit) == units.end()) {
    units.push_back(ctx.remote_unit);
    std::sort(units.begin(), units.end());
  }
  ctx.out = format_output(units, args);
}

void relation_get_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, with_format({{{"r", "relation"}, true}, {{"app"}, false}}));
  args.max_positional(2);
  RelationInfo relation = resolve_relation(ctx, args.value("r"));
  bool app = args.flag("app");
  std::string key = args.positional().empty() ? "-" : args.positional()[0];
  std::string owner;
  if (args.positional().size() > 1) {
    owner = args.positional()[1];
  } else if (is_hook_relation(ctx, relation)) {
    owner = app ? ctx.remote_app : ctx.remote_unit;
  }
  if (owner.empty()) throw usage_error(app ? "no application specified" : "no unit id specified");
  if (app) owner = app_of(owner);
  const std::string& remote_app = relation.remote_app_of(ctx.unit.app);
  std::string owner_app = app_of(owner);
  if (owner_app != ctx.unit.app && owner_app != remote_app) {
    throw runtime_error(fmt::format(
        "cannot read settings for {} \"{}\" in relation \"{}:{}\": "
        "settings not found",
        app ? "application" : "unit", owner, relation.endpoint_of(ctx.unit.app), relation.id));
  }
  if (app && owner == ctx.unit.app && !relation.is_peer() && !is_leader(*ctx.db, ctx.unit.name)) {
    throw runtime_error("permission denied");
  }
  json data;
  {
    OverlayView view(*ctx.db, ctx.context_id);
    data = bag_data(*ctx.db, relation.id, owner);
  }
  if (key == "-") {
    ctx.out = format_output(data, args);
  } else {
    ctx.out = format_output(data.contains(key) ? data[key] : json(nullptr), args);
  }
}

void relation_set_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, with_format({{{"r", "relation"}, true}, {{"app"}, false}, {{"file"}, true}}));
  RelationInfo relation = resolve_relation(ctx, args.value("r"));
  json changes = json::object();
  if (args.has("file")) {
    changes.update(settings_from_yaml(ctx.read_file_argument(args.value("file"))));
  }
  for (const std::string& item : args.positional()) {
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw usage_error(fmt::format("expected \"key=value\", got \"{}\"", item));
    }
    changes[item.substr(0, eq)] = item.substr(eq + 1);
  }
  bool app = args.flag("app");
  if (app && !is_leader(*ctx.db, ctx.unit.name)) {
    throw runtime_error("cannot write relation settings");
  }
  if (changes.empty()) return;
  stage_op(*ctx.db, ctx.context_id,
           {{"op", "relation-set"},
            {"relation", relation.id},
            {"owner", app ? ctx.unit.app : ctx.unit.name},
            {"app", app},
            {"changes", changes}});
}

}  // namespace juju_sim
