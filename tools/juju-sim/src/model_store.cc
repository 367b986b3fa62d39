#include "model_store.h"

#include <fmt/format.h>

#include "sim_error.h"

namespace juju_sim {

using nlohmann::json;

std::string model_get(Database& db, const std::string& key, const std::string& fallback) {
  return db.query_text("SELECT value FROM model WHERE key = ?", key).value_or(fallback);
}

void model_set(Database& db, const std::string& key, const std::string& value) {
  db.prepare(
        "INSERT INTO model(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
      .bind(1, key)
      .bind(2, value)
      .run();
}

std::int64_t next_counter(Database& db, const std::string& key) {
  std::int64_t value = std::stoll(model_get(db, key, "0"));
  model_set(db, key, std::to_string(value + 1));
  return value;
}

namespace {

constexpr const char* kUnitColumns =
    "name, app, seq, machine, principal, life, charm_dir, status, message, installed, started, "
    "stopped, error_hook, attempts";

UnitInfo read_unit(const Statement& s) {
  UnitInfo u;
  u.name = s.text(0);
  u.app = s.text(1);
  u.seq = s.integer(2);
  u.machine = s.text(3);
  u.principal = s.text(4);
  u.life = s.text(5);
  u.charm_dir = s.text(6);
  u.status = s.text(7);
  u.message = s.text(8);
  u.installed = s.integer(9) != 0;
  u.started = s.integer(10) != 0;
  u.stopped = s.integer(11) != 0;
  if (!s.is_null(12)) u.error_hook = s.text(12);
  u.attempts = static_cast<int>(s.integer(13));
  return u;
}

RelationInfo read_relation(const Statement& s) {
  return RelationInfo{s.integer(0), s.text(1), s.text(2), s.text(3),
                      s.text(4),    s.text(5), s.text(6), s.text(7)};
}

constexpr const char* kRelationColumns = "id, interface, scope, life, app1, ep1, app2, ep2";

}  // namespace

std::optional<UnitInfo> find_unit(Database& db, const std::string& name) {
  auto s = db.prepare(fmt::format("SELECT {} FROM units WHERE name = ?", kUnitColumns));
  s.bind(1, name);
  if (!s.step()) return std::nullopt;
  return read_unit(s);
}

UnitInfo require_unit(Database& db, const std::string& name) {
  auto unit = find_unit(db, name);
  if (!unit) throw usage_error(fmt::format("unit \"{}\" not found", name));
  return *unit;
}

std::vector<UnitInfo> all_units(Database& db) {
  auto s = db.prepare(fmt::format("SELECT {} FROM units ORDER BY seq", kUnitColumns));
  std::vector<UnitInfo> out;
  while (s.step()) out.push_back(read_unit(s));
  return out;
}

std::vector<std::string> units_of_app(Database& db, const std::string& app, bool alive_only) {
  auto s =
      db.prepare(alive_only ? "SELECT name FROM units WHERE app = ? AND life = 'alive' ORDER BY seq"
                            : "SELECT name FROM units WHERE app = ? ORDER BY seq");
  s.bind(1, app);
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  return out;
}

bool app_exists(Database& db, const std::string& app) {
  return db.query_text("SELECT name FROM apps WHERE name = ?", app).has_value();
}

void require_app(Database& db, const std::string& app) {
  if (!app_exists(db, app)) throw usage_error(fmt::format("application \"{}\" not found", app));
}

json app_json(Database& db, const std::string& app, const std::string& column) {
  return json::parse(app_text(db, app, column));
}

std::string app_text(Database& db, const std::string& app, const std::string& column) {
  auto value = db.query_text(fmt::format("SELECT {} FROM apps WHERE name = ?", column), app);
  if (!value) throw usage_error(fmt::format("application \"{}\" not found", app));
  return *value;
}

bool is_leader(Database& db, const std::string& unit) {
  auto s = db.prepare(
      "SELECT 1 FROM apps JOIN units ON units.app = apps.name "
      "WHERE units.name = ? AND apps.leader = units.name");
  s.bind(1, unit);
  return s.step();
}

std::optional<RelationInfo> find_relation(Database& db, std::int64_t id) {
  auto s = db.prepare(fmt::format("SELECT {} FROM relations WHERE id = ?", kRelationColumns));
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read_relation(s);
}

std::vector<RelationInfo> relations_of_app(Database& db, const std::string& app) {
  auto s = db.prepare(fmt::format(
      "SELECT {} FROM relations WHERE app1 = ?1 OR app2 = ?1 ORDER BY id", kRelationColumns));
  s.bind(1, app);
  std::vector<RelationInfo> out;
  while (s.step()) out.push_back(read_relation(s));
  return out;
}

std::vector<std::string> potential_members(Database& db, const RelationInfo& relation,
                                           const UnitInfo& unit) {
  std::vector<std::string> out;
  const std::string& remote_app = relation.remote_app_of(unit.app);
  for (const std::string& other : units_of_app(db, remote_app, false)) {
    if (other == unit.name) continue;
    if (relation.is_container() && !relation.is_peer()) {
      auto info = find_unit(db, other);
      if (!info || (info->principal != unit.name && unit.principal != other)) continue;
    }
    out.push_back(other);
  }
  return out;
}

bool in_scope(Database& db, std::int64_t relation_id, const std::string& unit) {
  auto s = db.prepare(
      "SELECT 1 FROM relation_units WHERE relation_id = ? AND unit = ? AND in_scope = 1");
  s.bind(1, relation_id).bind(2, unit);
  return s.step();
}

json bag_data(Database& db, std::int64_t relation_id, const std::string& owner) {
  auto s = db.prepare("SELECT data FROM bags WHERE relation_id = ? AND owner = ?");
  s.bind(1, relation_id).bind(2, owner);
  return s.step() ? json::parse(s.text(0)) : json::object();
}

std::int64_t bag_version(Database& db, std::int64_t relation_id, const std::string& owner) {
  auto s = db.prepare("SELECT version FROM bags WHERE relation_id = ? AND owner = ?");
  s.bind(1, relation_id).bind(2, owner);
  return s.step() ? s.integer(0) : 0;
}

void merge_bag(Database& db, std::int64_t relation_id, const std::string& owner, bool is_app,
               const json& changes) {
  auto s = db.prepare("SELECT data FROM bags WHERE relation_id = ? AND owner = ?");
  s.bind(1, relation_id).bind(2, owner);
  bool exists = s.step();
  json data = exists ? json::parse(s.text(0)) : json::object();
  json before = data;
  for (const auto& [key, value] : changes.items()) {
    if (value.get<std::string>().empty()) {
      data.erase(key);
    } else {
      data[key] = value;
    }
  }
  if (exists && data == before) return;
  db.prepare(
        "INSERT INTO bags(relation_id, owner, is_app, data, version) VALUES (?, ?, ?, ?, "
        "?) ON CONFLICT(relation_id, owner) DO UPDATE SET data = excluded.data, "
        "version = bags.version + 1")
      .bind(1, relation_id)
      .bind(2, owner)
      .bind(3, is_app ? 1 : 0)
      .bind(4, data.dump())
      .bind(5, data == before ? 0 : 1)
      .run();
}

void enqueue_hook(Database& db, const std::string& unit, const std::string& hook,
                  const std::string& secret, std::int64_t revision) {
  auto s = db.prepare(
      "SELECT 1 FROM hook_queue WHERE unit = ? AND hook = ? AND secret = ? "
      "AND revision = ?");
  s.bind(1, unit).bind(2, hook).bind(3, secret).bind(4, revision);
  if (s.step()) return;  // the same hook is already pending: Juju coalesces it
  db.prepare("INSERT INTO hook_queue(unit, hook, secret, revision) VALUES (?, ?, ?, ?)")
      .bind(1, unit)
      .bind(2, hook)
      .bind(3, secret)
      .bind(4, revision)
      .run();
}

void add_relation_unit(Database& db, std::int64_t relation_id, const std::string& unit) {
  db.prepare("INSERT OR IGNORE INTO relation_units(relation_id, unit) VALUES (?, ?)")
      .bind(1, relation_id)
      .bind(2, unit)
      .run();
  std::string address = unit_address(db, unit);
  db.prepare(
        "INSERT OR IGNORE INTO bags(relation_id, owner, is_app, data, version) "
        "VALUES (?, ?, 0, ?, 0)")
      .bind(1, relation_id)
      .bind(2, unit)
      .bind(3, json{{"private-address", address},
                    {"ingress-address", address},
                    {"egress-subnets", address + "/32"}}
                   .dump())
      .run();
}

std::string unit_address(Database&, const std::string&) {
  // Every unit lives on this machine: the loopback address is the one that really works.
  return "127.0.0.1";
}

}  // namespace juju_sim
