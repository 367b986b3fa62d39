// init, deploy, add-unit, remove-unit, config, set-leader.
#include <fmt/format.h>
#include <sys/stat.h>

#include <filesystem>
#include <regex>

#include "charm_metadata.h"
#include "model_store.h"
#include "operations.h"
#include "schema.h"
#include "secret_store.h"
#include "sim_error.h"
#include "unit_factory.h"

namespace juju_sim {

namespace fs = std::filesystem;
using nlohmann::json;

void init_model(Database& db, const std::string& name, const std::string& uuid) {
  create_schema(db);
  model_set(db, "name", name);
  model_set(db, "uuid", uuid);
  model_set(db, "juju_version", "3.4.6");
}

namespace {

bool is_executable_file(const fs::path& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && (info.st_mode & S_IXUSR);
}

// Puts the charm in <model>/charms/<app> (copied directory or unpacked .charm).
void store_charm(const std::string& source, const fs::path& target) {
  std::error_code ec;
  fs::remove_all(target, ec);
  fs::create_directories(target.parent_path());
  if (fs::is_directory(source)) {
    fs::copy(source, target, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    return;
  }
  fs::create_directories(target);
  std::string command = fmt::format("unzip -q -o '{}' -d '{}'", source, target.string());
  if (source.find('\'') != std::string::npos || std::system(command.c_str()) != 0) {
    fs::remove_all(target, ec);
    throw usage_error(
        fmt::format("cannot unpack charm \"{}\": not a valid .charm (zip) file", source));
  }
}

}  // namespace

void deploy(Database& db, const ModelPaths& paths, const DeployRequest& request) {
  static const std::regex app_pattern("^[a-z][a-z0-9]*(-[a-z0-9]+)*$");
  if (!std::regex_match(request.app, app_pattern)) {
    throw usage_error(fmt::format("invalid application name \"{}\"", request.app));
  }
  if (app_exists(db, request.app)) {
    throw usage_error(fmt::format("application \"{}\" already exists", request.app));
  }
  if (!fs::exists(request.charm)) {
    throw usage_error(fmt::format("charm \"{}\" not found", request.charm));
  }
  if (request.units < 0) throw usage_error("the number of units must not be negative");
  fs::path store = paths.charm_store(request.app);
  store_charm(request.charm, store);
  try {
    if (!is_executable_file(store / "dispatch")) {
      throw usage_error(fmt::format(
          "charm \"{}\" has no executable dispatch file; juju-sim runs charms through dispatch",
          request.charm));
    }
    CharmMetadata meta = load_charm_metadata(store.string());
    json config = json::object();
    for (const auto& [key, value] : request.config) {
      config[key] = parse_config_value(meta.config_options, key, value);
    }
    db.prepare(
          "INSERT INTO apps(name, seq, charm_dir, charm_name, subordinate, endpoints, "
          "config_options, actions, config) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, request.app)
        .bind(2, next_counter(db, "next_app_seq"))
        .bind(3, store.string())
        .bind(4, meta.name)
        .bind(5, meta.subordinate ? 1 : 0)
        .bind(6, meta.endpoints.dump())
        .bind(7, meta.config_options.dump())
        .bind(8, meta.actions.dump())
        .bind(9, config.dump())
        .run();
    for (const auto& [endpoint, spec] : meta.endpoints.items()) {
      if (spec["role"] != "peers") continue;
      db.prepare(
            "INSERT INTO relations(id, interface, scope, app1, ep1, app2, ep2) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)")
          .bind(1, next_counter(db, "next_relation"))
          .bind(2, spec["interface"].get<std::string>())
          .bind(3, spec["scope"].get<std::string>())
          .bind(4, request.app)
          .bind(5, endpoint)
          .bind(6, request.app)
          .bind(7, endpoint)
          .run();
    }
    if (!meta.subordinate) add_units(db, paths, request.app, request.units);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(store, ec);
    throw;
  }
}

std::vector<std::string> add_units(Database& db, const ModelPaths& paths, const std::string& app,
                                   int count) {
  require_app(db, app);
  if (app_text(db, app, "subordinate") == "1") {
    throw usage_error(fmt::format(
        "cannot add units to subordinate application \"{}\": relate it to a principal", app));
  }
  if (count < 1) throw usage_error("the number of units must be at least 1");
  std::vector<std::string> names;
  names.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) names.push_back(create_unit(db, paths, app, ""));
  return names;
}

void remove_unit(Database& db, const std::string& name) {
  UnitInfo unit = require_unit(db, name);
  if (unit.life != "alive") throw usage_error(fmt::format("unit \"{}\" is already dying", name));
  if (!unit.principal.empty()) {
    throw usage_error(fmt::format(
        "unit \"{}\" is a subordinate: remove its principal or the relation instead", name));
  }
  db.prepare("UPDATE units SET life = 'dying' WHERE name = ? OR principal = ?")
      .bind(1, name)
      .bind(2, name)
      .run();
}

void set_config(Database& db, const std::string& app,
                const std::map<std::string, std::string>& values) {
  require_app(db, app);
  json options = app_json(db, app, "config_options");
  json config = app_json(db, app, "config");
  json before = config;
  for (const auto& [key, value] : values) {
    config[key] = parse_config_value(options, key, value);
  }
  if (config == before) return;
  db.prepare("UPDATE apps SET config = ? WHERE name = ?").bind(1, config.dump()).bind(2, app).run();
  for (const std::string& unit : units_of_app(db, app, true)) {
    enqueue_hook(db, unit, "config-changed");
  }
}

void set_leader(Database& db, const std::string& name) {
  UnitInfo unit = require_unit(db, name);
  if (unit.life != "alive") throw usage_error(fmt::format("unit \"{}\" is dying", name));
  if (is_leader(db, name)) return;
  db.prepare("UPDATE apps SET leader = ? WHERE name = ?").bind(1, name).bind(2, unit.app).run();
  enqueue_hook(db, name, "leader-elected");
  enqueue_obsolete_revisions(db);
}

}  // namespace juju_sim
