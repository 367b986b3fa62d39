#include "tool/tool_context.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "sim_error.h"

namespace juju_sim {

using nlohmann::json;

const std::string& ToolContext::read_stdin() {
  static bool done = false;
  if (!done) {
    stdin_text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    done = true;
  }
  return stdin_text;
}

std::string ToolContext::read_file_argument(const std::string& path) {
  if (path == "-") return read_stdin();
  std::ifstream file(path);
  if (!file) throw usage_error(fmt::format("cannot read settings file \"{}\"", path));
  std::stringstream buffer;
  buffer << file.rdbuf();
  return buffer.str();
}

ToolContext load_tool_context(const std::string& tool) {
  const char* db_path = std::getenv("JUJUSIM_STATE_DB");
  const char* context_id = std::getenv("JUJU_CONTEXT_ID");
  if (!db_path || !context_id || !*db_path || !*context_id) {
    throw runtime_error(
        fmt::format("{} must be run from a hook (JUJUSIM_STATE_DB and "
                    "JUJU_CONTEXT_ID are not set)",
                    tool));
  }
  ToolContext ctx;
  ctx.tool = tool;
  ctx.db = std::make_unique<Database>(db_path, false);
  // Under `settle --jobs N` the tools of N hooks and settle's commits share the write lock; each
  // holds it for milliseconds, but on a loaded machine a holder can be descheduled for a while.
  ctx.db->set_busy_timeout(std::chrono::seconds(30));
  ctx.context_id = context_id;
  auto s = ctx.db->prepare(
      "SELECT unit, hook, kind, relation_id, remote_unit, remote_app, "
      "departing, action_id FROM contexts WHERE id = ? AND active = 1");
  s.bind(1, ctx.context_id);
  if (!s.step()) {
    throw runtime_error(
        fmt::format("bad request: no running hook with context id \"{}\"", ctx.context_id));
  }
  ctx.unit = require_unit(*ctx.db, s.text(0));
  ctx.hook = s.text(1);
  ctx.kind = s.text(2);
  if (!s.is_null(3)) ctx.relation_id = s.integer(3);
  ctx.remote_unit = s.text(4);
  ctx.remote_app = s.text(5);
  ctx.departing = s.text(6);
  if (!s.is_null(7)) ctx.action_id = s.integer(7);
  return ctx;
}

std::vector<FlagSpec> with_format(std::vector<FlagSpec> specs) {
  specs.push_back({{"format"}, true});
  specs.push_back({{"o", "output"}, true});
  return specs;
}

namespace {

YAML::Node to_yaml(const json& value) {
  YAML::Node node;
  if (value.is_object()) {
    node = YAML::Node(YAML::NodeType::Map);
    for (const auto& [key, item] : value.items()) node[key] = to_yaml(item);
  } else if (value.is_array()) {
    node = YAML::Node(YAML::NodeType::Sequence);
    for (const auto& item : value) node.push_back(to_yaml(item));
  } else if (value.is_string()) {
    node = value.get<std::string>();
  } else if (value.is_null()) {
    node = YAML::Node(YAML::NodeType::Null);
  } else {
    node = value.dump();
  }
  return node;
}

std::string yaml_text(const json& value) {
  YAML::Emitter emitter;
  emitter << to_yaml(value);
  return std::string(emitter.c_str()) + "\n";
}

}  // namespace

std::string format_output(const json& value, const ToolArgs& args) {
  std::string format = args.value("format", "smart");
  if (format == "json") return value.dump() + "\n";
  if (format == "yaml") return yaml_text(value);
  if (format != "smart") {
    throw usage_error(fmt::format("invalid value \"{}\" for option --format: unknown format \"{}\"",
                                  format, format));
  }
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>() + "\n";
  if (value.is_boolean()) return value.get<bool>() ? "True\n" : "False\n";
  if (value.is_number()) return value.dump() + "\n";
  if (value.is_array()) {
    std::string out;
    for (const auto& item : value)
      out += item.is_string() ? item.get<std::string>() + "\n" : item.dump() + "\n";
    return out;
  }
  if (value.empty()) return "";
  return yaml_text(value);
}

RelationInfo resolve_relation(ToolContext& ctx, const std::string& value) {
  std::string text = value;
  if (text.empty()) {
    if (!ctx.relation_id) throw usage_error("no relation id specified");
    text = std::to_string(*ctx.relation_id);
  }
  auto not_found = [&] {
    return usage_error(
        fmt::format("invalid value \"{}\" for option -r: relation not found", value));
  };
  std::string endpoint;
  std::string id_text = text;
  if (auto colon = text.rfind(':'); colon != std::string::npos) {
    endpoint = text.substr(0, colon);
    id_text = text.substr(colon + 1);
  }
  std::int64_t id = 0;
  try {
    size_t used = 0;
    id = std::stoll(id_text, &used);
    if (used != id_text.size()) throw not_found();
  } catch (const std::logic_error&) {
    throw not_found();
  }
  auto relation = find_relation(*ctx.db, id);
  if (!relation || !relation->involves(ctx.unit.app)) throw not_found();
  if (!endpoint.empty() && relation->endpoint_of(ctx.unit.app) != endpoint) throw not_found();
  auto s = ctx.db->prepare("SELECT broken FROM relation_units WHERE relation_id = ? AND unit = ?");
  s.bind(1, id).bind(2, ctx.unit.name);
  if (!s.step() || s.integer(0) != 0) throw not_found();
  return *relation;
}

}  // namespace juju_sim
