#include "tool/unit_tools.h"

#include <fmt/format.h>

#include <regex>
#include <set>

#include "charm_metadata.h"
#include "sim_error.h"
#include "staged_ops.h"

namespace juju_sim {

using nlohmann::json;

void is_leader_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, with_format({}));
  args.max_positional(0);
  ctx.out = format_output(is_leader(*ctx.db, ctx.unit.name), args);
}

void config_get_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, with_format({{{"a", "all"}, false}}));
  args.max_positional(1);
  json options = app_json(*ctx.db, ctx.unit.app, "config_options");
  json values = app_json(*ctx.db, ctx.unit.app, "config");
  json config = json::object();
  for (const auto& [key, spec] : options.items()) {
    if (values.contains(key)) {
      config[key] = values[key];
    } else if (spec.is_object() && spec.contains("default") && !spec["default"].is_null()) {
      config[key] = spec["default"];
    } else if (args.flag("all")) {
      config[key] = nullptr;
    }
  }
  if (!args.positional().empty()) {
    const std::string& key = args.positional()[0];
    ctx.out = format_output(config.contains(key) ? config[key] : json(nullptr), args);
    return;
  }
  ctx.out = format_output(config, args);
}

namespace {

json status_entry(const std::string& status, const std::string& message) {
  return {{"status", status}, {"message", message}, {"status-data", json::object()}};
}

}  // namespace

void status_get_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, with_format({{{"include-data"}, false}, {{"application"}, false}}));
  args.max_positional(0);
  bool data = args.flag("include-data");
  if (args.flag("application")) {
    if (!is_leader(*ctx.db, ctx.unit.name)) {
      throw runtime_error("finding application status: this unit is not the leader");
    }
    std::string status = app_text(*ctx.db, ctx.unit.app, "status");
    std::string message = app_text(*ctx.db, ctx.unit.app, "message");
    if (!data) {
      ctx.out = format_output(status, args);
      return;
    }
    json units = json::object();
    for (const auto& name : units_of_app(*ctx.db, ctx.unit.app, false)) {
      UnitInfo unit = require_unit(*ctx.db, name);
      units[name] = status_entry(unit.status, unit.message);
    }
    ctx.out = format_output(
        {{"application-status", status_entry(status, message)}, {"units", units}}, args);
    return;
  }
  UnitInfo unit = require_unit(*ctx.db, ctx.unit.name);
  ctx.out = data ? format_output(status_entry(unit.status, unit.message), args)
                 : format_output(unit.status, args);
}

void status_set_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, {{{"application"}, false}});
  if (args.positional().empty()) throw usage_error("invalid args, require <status> [message]");
  args.max_positional(2);
  static const std::set<std::string> settable = {"maintenance", "blocked", "waiting", "active"};
  const std::string& status = args.positional()[0];
  if (!settable.count(status)) {
    throw usage_error(fmt::format(
        "invalid status \"{}\", expected one of [maintenance blocked waiting active]", status));
  }
  std::string message = args.positional().size() > 1 ? args.positional()[1] : "";
  if (args.flag("application")) {
    if (!is_leader(*ctx.db, ctx.unit.name)) {
      throw runtime_error("setting application status: this unit is not the leader");
    }
    ctx.db->prepare("UPDATE apps SET status = ?, message = ? WHERE name = ?")
        .bind(1, status)
        .bind(2, message)
        .bind(3, ctx.unit.app)
        .run();
    return;
  }
  ctx.db->prepare("UPDATE units SET status = ?, message = ? WHERE name = ?")
      .bind(1, status)
      .bind(2, message)
      .bind(3, ctx.unit.name)
      .run();
}

void application_version_set_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, {});
  if (args.positional().size() != 1) throw usage_error("no version specified");
  ctx.db->prepare("UPDATE apps SET workload_version = ? WHERE name = ?")
      .bind(1, args.positional()[0])
      .bind(2, ctx.unit.app)
      .run();
}

void juju_log_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, {{{"l", "log-level"}, true}, {{"debug"}, false}, {{"format"}, true}});
  if (args.positional().empty()) throw usage_error("no message specified");
  std::string message;
  for (const auto& part : args.positional()) message += (message.empty() ? "" : " ") + part;
  std::string level = args.flag("debug") ? "DEBUG" : args.value("l", "INFO");
  if (ctx.relation_id) {
    auto relation = find_relation(*ctx.db, *ctx.relation_id);
    if (relation)
      message =
          fmt::format("{}:{}: {}", relation->endpoint_of(ctx.unit.app), relation->id, message);
  }
  ctx.db->prepare("INSERT INTO logs(unit, context_id, level, message) VALUES (?, ?, ?, ?)")
      .bind(1, ctx.unit.name)
      .bind(2, ctx.context_id)
      .bind(3, level)
      .bind(4, message)
      .run();
}

void network_get_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, with_format({{{"r", "relation"}, true},
                                   {{"primary-address"}, false},
                                   {{"bind-address"}, false},
                                   {{"ingress-address"}, false},
                                   {{"egress-subnets"}, false}}));
  args.max_positional(1);
  if (args.has("r")) resolve_relation(ctx, args.value("r"));
  if (args.positional().empty() && !ctx.relation_id) throw usage_error("no arguments specified");
  std::string binding = args.positional().empty()
                            ? find_relation(*ctx.db, *ctx.relation_id)->endpoint_of(ctx.unit.app)
                            : args.positional()[0];
  if (!app_json(*ctx.db, ctx.unit.app, "endpoints").contains(binding)) {
    throw runtime_error(fmt::format("no network config found for binding \"{}\"", binding));
  }
  std::string address = unit_address(*ctx.db, ctx.unit.name);
  if (args.flag("primary-address") || args.flag("bind-address") || args.flag("ingress-address")) {
    ctx.out = format_output(address, args);
    return;
  }
  if (args.flag("egress-subnets")) {
    ctx.out = format_output(address + "/32", args);
    return;
  }
  json entry = {
      {"hostname", ""}, {"value", address}, {"cidr", "127.0.0.0/8"}, {"address", address}};
  ctx.out = format_output({{"bind-addresses",
                            {{{"mac-address", ""},
                              {"interface-name", "lo"},
                              {"addresses", {entry}},
                              {"macaddress", ""},
                              {"interfacename", "lo"}}}},
                           {"egress-subnets", {address + "/32"}},
                           {"ingress-addresses", {address}}},
                          args);
}

void unit_get_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, with_format({}));
  args.max_positional(1);
  if (args.positional().empty()) throw usage_error("no setting specified");
  const std::string& key = args.positional()[0];
  if (key != "private-address" && key != "public-address") {
    throw usage_error(fmt::format("unknown setting \"{}\"", key));
  }
  ctx.out = format_output(unit_address(*ctx.db, ctx.unit.name), args);
}

namespace {

std::string checked_port(const std::vector<std::string>& positional) {
  static const std::regex pattern("^(icmp|[0-9]{1,5}(-[0-9]{1,5})?(/(tcp|udp))?)$");
  if (positional.size() != 1 || !std::regex_match(positional[0], pattern)) {
    throw usage_error(
        fmt::format("invalid port or range \"{}\"", positional.empty() ? "" : positional[0]));
  }
  std::string port = positional[0];
  if (port != "icmp" && port.find('/') == std::string::npos) port += "/tcp";
  return port;
}

}  // namespace

void opened_ports_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, with_format({{{"endpoints"}, false}}));
  json ports = json::array();
  OverlayView view(*ctx.db, ctx.context_id);
  auto s = ctx.db->prepare("SELECT port FROM ports WHERE unit = ? ORDER BY port");
  s.bind(1, ctx.unit.name);
  while (s.step()) ports.push_back(s.text(0));
  ctx.out = format_output(ports, args);
}

void open_port_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, {{{"endpoints"}, true}});
  stage_op(
      *ctx.db, ctx.context_id,
      {{"op", "open-port"}, {"unit", ctx.unit.name}, {"port", checked_port(args.positional())}});
}

void close_port_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, {{{"endpoints"}, true}});
  stage_op(
      *ctx.db, ctx.context_id,
      {{"op", "close-port"}, {"unit", ctx.unit.name}, {"port", checked_port(args.positional())}});
}

void state_get_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, with_format({{{"strict"}, false}}));
  args.max_positional(1);
  json state = json::object();
  {
    OverlayView view(*ctx.db, ctx.context_id);
    auto s = ctx.db->prepare("SELECT key, value FROM unit_state WHERE unit = ? ORDER BY key");
    s.bind(1, ctx.unit.name);
    while (s.step()) state[s.text(0)] = s.text(1);
  }
  if (!args.positional().empty()) {
    const std::string& key = args.positional()[0];
    if (!state.contains(key) && args.flag("strict")) {
      throw runtime_error(fmt::format("key \"{}\" not found", key));
    }
    ctx.out = format_output(state.contains(key) ? state[key] : json(nullptr), args);
    return;
  }
  ctx.out = format_output(state, args);
}

void state_set_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, {{{"file"}, true}});
  json values = json::object();
  if (args.value("file") == "-") {
    json parsed = yaml_text_to_json(ctx.read_stdin());
    if (parsed.is_object()) {
      for (const auto& [key, value] : parsed.items()) {
        values[key] = value.is_string() ? value.get<std::string>() : value.dump();
      }
    }
  }
  for (const auto& item : args.positional()) {
    auto eq = item.find('=');
    if (eq == std::string::npos)
      throw usage_error(fmt::format("expected key=value, got \"{}\"", item));
    values[item.substr(0, eq)] = item.substr(eq + 1);
  }
  for (const auto& [key, value] : values.items()) {
    stage_op(*ctx.db, ctx.context_id,
             {{"op", "state-set"}, {"unit", ctx.unit.name}, {"key", key}, {"value", value}});
  }
}

void state_delete_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, {});
  if (args.positional().size() != 1) throw usage_error("no key specified");
  stage_op(*ctx.db, ctx.context_id,
           {{"op", "state-delete"}, {"unit", ctx.unit.name}, {"key", args.positional()[0]}});
}

}  // namespace juju_sim
