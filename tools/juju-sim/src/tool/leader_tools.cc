#include "tool/leader_tools.h"

#include <fmt/format.h>

#include <chrono>

#include "charm_metadata.h"
#include "sim_error.h"

namespace juju_sim {

using nlohmann::json;

namespace {

json leader_settings(Database& db, const std::string& app) {
  json out = json::object();
  auto s = db.prepare("SELECT key, value FROM leader_settings WHERE app = ? ORDER BY key");
  s.bind(1, app);
  while (s.step()) out[s.text(0)] = s.text(1);
  return out;
}

// leader-set --file: a YAML (or JSON) map; scalars are taken as strings, null deletes.
json settings_file(ToolContext& ctx, const std::string& path) {
  const std::string text = ctx.read_file_argument(path);
  json parsed;
  try {
    parsed = yaml_text_to_json(text);
  } catch (const std::exception& error) {
    throw usage_error(fmt::format("cannot parse settings: {}", error.what()));
  }
  json out = json::object();
  if (parsed.is_null()) return out;
  if (!parsed.is_object()) throw usage_error("expected a YAML map of settings");
  for (const auto& [key, value] : parsed.items()) {
    if (value.is_null()) {
      out[key] = "";
    } else if (value.is_string()) {
      out[key] = value;
    } else if (value.is_primitive()) {
      out[key] = value.dump();
    } else {
      throw usage_error(fmt::format("value of \"{}\" must be a string", key));
    }
  }
  return out;
}

std::string now_rfc3339() {
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

json goal_entry(const std::string& status, const std::string& since) {
  return {{"status", status}, {"since", since}};
}

// Goal-state entries of the units of `app` that `self` can see (all but `self` for a peer).
void add_units(Database& db, const std::string& app, const std::string& self,
               const std::string& since, json& out) {
  auto s = db.prepare("SELECT name, life, status FROM units WHERE app = ? ORDER BY seq");
  s.bind(1, app);
  while (s.step()) {
    std::string name = s.text(0);
    if (name == self) continue;
    out[name] = goal_entry(s.text(1) == "alive" ? s.text(2) : "dying", since);
  }
}

}  // namespace

void leader_get_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, with_format({}));
  args.max_positional(1);
  json settings = leader_settings(*ctx.db, ctx.unit.app);
  if (!args.positional().empty() && args.positional()[0] != "-") {
    const std::string& key = args.positional()[0];
    ctx.out = format_output(settings.contains(key) ? settings[key] : json(nullptr), args);
    return;
  }
  ctx.out = format_output(settings, args);
}

void leader_set_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, {{{"file"}, true}});
  json changes = json::object();
  if (args.has("file")) changes.update(settings_file(ctx, args.value("file")));
  for (const std::string& item : args.positional()) {
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw usage_error(fmt::format("expected \"key=value\", got \"{}\"", item));
    }
    changes[item.substr(0, eq)] = item.substr(eq + 1);
  }
  Database& db = *ctx.db;
  Transaction tx(db);
  if (!is_leader(db, ctx.unit.name)) {
    throw runtime_error("cannot write leadership settings: cannot write settings: not the leader");
  }
  bool changed = false;
  for (const auto& [key, value] : changes.items()) {
    const std::string text = value.get<std::string>();
    if (text.empty()) {
      db.prepare("DELETE FROM leader_settings WHERE app = ? AND key = ?")
          .bind(1, ctx.unit.app)
          .bind(2, key)
          .run();
    } else {
      db.prepare(
            "INSERT INTO leader_settings(app, key, value) VALUES (?, ?, ?) ON CONFLICT(app, key) "
            "DO UPDATE SET value = excluded.value WHERE value != excluded.value")
          .bind(1, ctx.unit.app)
          .bind(2, key)
          .bind(3, text)
          .run();
    }
    changed = changed || db.changes() > 0;
  }
  if (changed) {
    db.prepare("INSERT OR IGNORE INTO leader_settings_dirty(app) VALUES (?)")
        .bind(1, ctx.unit.app)
        .run();
  }
  tx.commit();
}

void goal_state_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, with_format({}));
  args.max_positional(0);
  Database& db = *ctx.db;
  const std::string since = now_rfc3339();
  json units = json::object();
  add_units(db, ctx.unit.app, "", since, units);
  json relations = json::object();
  for (const RelationInfo& relation : relations_of_app(db, ctx.unit.app)) {
    const std::string& endpoint = relation.endpoint_of(ctx.unit.app);
    const std::string& remote = relation.remote_app_of(ctx.unit.app);
    json& entry = relations[endpoint];
    if (entry.is_null()) entry = json::object();
    if (!relation.is_peer()) {
      entry[remote] = goal_entry(relation.life == "alive" ? "joined" : "dying", since);
    }
    add_units(db, remote, ctx.unit.name, since, entry);
  }
  ctx.out = format_output({{"units", units}, {"relations", relations}}, args);
}

void notify_leader_settings(Database& db, const std::string& app) {
  auto dirty = db.prepare("DELETE FROM leader_settings_dirty WHERE app = ? RETURNING app");
  dirty.bind(1, app);
  if (!dirty.step()) return;
  while (dirty.step()) {
  }
  auto s = db.prepare(
      "SELECT u.name FROM units u JOIN apps a ON a.name = u.app WHERE u.app = ? AND "
      "u.life = 'alive' AND u.installed = 1 AND u.name IS NOT a.leader ORDER BY u.seq");
  s.bind(1, app);
  std::vector<std::string> units;
  while (s.step()) units.push_back(s.text(0));
  for (const std::string& unit : units) enqueue_hook(db, unit, "leader-settings-changed");
}

}  // namespace juju_sim
