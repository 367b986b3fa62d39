#include "tool/action_tools.h"

#include <fmt/format.h>

#include <regex>
#include <set>

#include "sim_error.h"

namespace juju_sim {

using nlohmann::json;

namespace {

std::int64_t require_action(const ToolContext& ctx) {
  if (!ctx.action_id) throw runtime_error("not running an action");
  return *ctx.action_id;
}

json action_column(ToolContext& ctx, const char* column) {
  auto s = ctx.db->prepare(fmt::format("SELECT {} FROM actions WHERE id = ?", column));
  s.bind(1, require_action(ctx));
  s.step();
  return json::parse(s.text(0));
}

void store_action_column(ToolContext& ctx, const char* column, const json& value) {
  ctx.db->prepare(fmt::format("UPDATE actions SET {} = ? WHERE id = ?", column))
      .bind(1, value.dump())
      .bind(2, require_action(ctx))
      .run();
}

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : " ") + part;
  return out;
}

}  // namespace

void action_get_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, with_format({}));
  args.max_positional(1);
  json params = action_column(ctx, "params");
  if (args.positional().empty()) {
    ctx.out = format_output(params, args);
    return;
  }
  json value = params;
  std::string path = args.positional()[0];
  size_t start = 0;
  for (int guard = 0; guard < 64; ++guard) {
    size_t dot = path.find('.', start);
    std::string key =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    value = value.is_object() && value.contains(key) ? value[key] : json(nullptr);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  ctx.out = format_output(value, args);
}

void action_set_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, {});
  require_action(ctx);
  static const std::regex segment("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$");
  static const std::set<std::string> reserved = {"stdout", "stdout-encoding", "stderr",
                                                 "stderr-encoding"};
  if (args.positional().empty()) throw usage_error("no key=value pairs specified");
  json results = action_column(ctx, "results");
  for (const auto& item : args.positional()) {
    auto eq = item.find('=');
    if (eq == std::string::npos) {
      throw usage_error(fmt::format("argument \"{}\" must be of the form key...=value", item));
    }
    std::string key = item.substr(0, eq);
    if (reserved.count(key))
      throw usage_error(fmt::format("cannot set reserved action key \"{}\"", key));
    json* target = &results;
    size_t start = 0;
    for (int guard = 0; guard < 64; ++guard) {
      size_t dot = key.find('.', start);
      std::string part =
          key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      if (!std::regex_match(part, segment)) {
        throw usage_error(fmt::format(
            "key \"{}\" must start and end with lowercase alphanumeric, and contain only "
            "lowercase alphanumeric, hyphens and periods",
            key));
      }
      if (dot == std::string::npos) {
        (*target)[part] = item.substr(eq + 1);
        break;
      }
      if (!(*target)[part].is_object()) (*target)[part] = json::object();
      target = &(*target)[part];
      start = dot + 1;
    }
  }
  store_action_column(ctx, "results", results);
}

void action_log_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, {});
  if (args.positional().empty()) throw usage_error("no message specified");
  json logs = action_column(ctx, "logs");
  logs.push_back(joined(args.positional()));
  store_action_column(ctx, "logs", logs);
}

void action_fail_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, {});
  ctx.db->prepare("UPDATE actions SET status = 'failed', message = ? WHERE id = ?")
      .bind(1, joined(args.positional()))
      .bind(2, require_action(ctx))
      .run();
}

}  // namespace juju_sim
