#include "schema.h"

#include <fmt/format.h>

#include "sim_error.h"

namespace juju_sim {

void create_schema(Database& db) {
  db.exec(R"sql(
CREATE TABLE model(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE apps(
  name TEXT PRIMARY KEY, seq INTEGER NOT NULL, charm_dir TEXT NOT NULL, charm_name TEXT NOT NULL,
  subordinate INTEGER NOT NULL, endpoints TEXT NOT NULL, config_options TEXT NOT NULL,
  actions TEXT NOT NULL, config TEXT NOT NULL DEFAULT '{}', next_unit INTEGER NOT NULL DEFAULT 0,
  leader TEXT, status TEXT NOT NULL DEFAULT 'unknown', message TEXT NOT NULL DEFAULT '',
  workload_version TEXT NOT NULL DEFAULT '');
CREATE TABLE units(
  name TEXT PRIMARY KEY, app TEXT NOT NULL REFERENCES apps(name), seq INTEGER NOT NULL,
  machine TEXT NOT NULL, principal TEXT NOT NULL DEFAULT '', life TEXT NOT NULL DEFAULT 'alive',
  charm_dir TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'unknown',
  message TEXT NOT NULL DEFAULT '', installed INTEGER NOT NULL DEFAULT 0,
  started INTEGER NOT NULL DEFAULT 0, stopped INTEGER NOT NULL DEFAULT 0,
  error_hook TEXT, attempts INTEGER NOT NULL DEFAULT 0);
CREATE TABLE hook_queue(
  id INTEGER PRIMARY KEY AUTOINCREMENT, unit TEXT NOT NULL, hook TEXT NOT NULL,
  secret TEXT NOT NULL DEFAULT '', revision INTEGER NOT NULL DEFAULT 0);
CREATE TABLE relations(
  id INTEGER PRIMARY KEY, interface TEXT NOT NULL, scope TEXT NOT NULL,
  life TEXT NOT NULL DEFAULT 'alive', app1 TEXT NOT NULL, ep1 TEXT NOT NULL, app2 TEXT NOT NULL,
  ep2 TEXT NOT NULL);
CREATE TABLE relation_units(
  relation_id INTEGER NOT NULL, unit TEXT NOT NULL, in_scope INTEGER NOT NULL DEFAULT 0,
  broken INTEGER NOT NULL DEFAULT 0, app_seen INTEGER NOT NULL DEFAULT 0, changed_pending TEXT,
  PRIMARY KEY(relation_id, unit));
CREATE TABLE relation_members(
  relation_id INTEGER NOT NULL, unit TEXT NOT NULL, member TEXT NOT NULL,
  seen INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(relation_id, unit, member));
CREATE TABLE bags(
  relation_id INTEGER NOT NULL, owner TEXT NOT NULL, is_app INTEGER NOT NULL,
  data TEXT NOT NULL DEFAULT '{}', version INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(relation_id, owner));
CREATE TABLE secrets(
  xid TEXT PRIMARY KEY, owner_kind TEXT NOT NULL, owner TEXT NOT NULL,
  label TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '',
  expire TEXT NOT NULL DEFAULT '', rotate TEXT NOT NULL DEFAULT '', latest INTEGER NOT NULL);
CREATE TABLE secret_revisions(
  xid TEXT NOT NULL, revision INTEGER NOT NULL, content TEXT NOT NULL,
  remove_notified INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(xid, revision));
CREATE TABLE secret_grants(
  xid TEXT NOT NULL, relation_id INTEGER NOT NULL, target TEXT NOT NULL,
  target_kind TEXT NOT NULL, PRIMARY KEY(xid, relation_id, target));
CREATE TABLE secret_consumers(
  xid TEXT NOT NULL, unit TEXT NOT NULL, label TEXT NOT NULL DEFAULT '',
  tracked INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(xid, unit));
CREATE TABLE contexts(
  id TEXT PRIMARY KEY, unit TEXT NOT NULL, hook TEXT NOT NULL, kind TEXT NOT NULL,
  relation_id INTEGER, remote_unit TEXT NOT NULL DEFAULT '', remote_app TEXT NOT NULL DEFAULT '',
  departing TEXT NOT NULL DEFAULT '', secret TEXT NOT NULL DEFAULT '',
  revision INTEGER NOT NULL DEFAULT 0, action_id INTEGER, target_version INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE staged_ops(
  id INTEGER PRIMARY KEY AUTOINCREMENT, context_id TEXT NOT NULL, op TEXT NOT NULL);
CREATE TABLE logs(
  id INTEGER PRIMARY KEY AUTOINCREMENT, unit TEXT NOT NULL, context_id TEXT NOT NULL,
  level TEXT NOT NULL, message TEXT NOT NULL);
CREATE TABLE trace(
  id INTEGER PRIMARY KEY AUTOINCREMENT, context_id TEXT NOT NULL, unit TEXT NOT NULL,
  kind TEXT NOT NULL, name TEXT NOT NULL, argv TEXT NOT NULL DEFAULT '[]',
  stdin TEXT NOT NULL DEFAULT '', stdout TEXT NOT NULL DEFAULT '',
  stderr TEXT NOT NULL DEFAULT '', exit INTEGER NOT NULL DEFAULT 0,
  env TEXT NOT NULL DEFAULT '{}', duration_us INTEGER NOT NULL DEFAULT 0);
CREATE TABLE actions(
  id INTEGER PRIMARY KEY, unit TEXT NOT NULL, name TEXT NOT NULL, params TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending', results TEXT NOT NULL DEFAULT '{}',
  message TEXT NOT NULL DEFAULT '', logs TEXT NOT NULL DEFAULT '[]');
CREATE TABLE ports(unit TEXT NOT NULL, port TEXT NOT NULL, PRIMARY KEY(unit, port));
CREATE TABLE unit_state(unit TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY(unit, key));
CREATE TABLE leader_settings(app TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY(app, key));
CREATE TABLE leader_settings_dirty(app TEXT PRIMARY KEY);
CREATE INDEX relation_units_by_unit ON relation_units(unit);
CREATE INDEX trace_by_unit ON trace(unit);
CREATE INDEX hook_queue_by_unit ON hook_queue(unit);
CREATE INDEX relation_members_by_unit ON relation_members(unit, relation_id);
CREATE INDEX units_by_app ON units(app, seq);
CREATE INDEX staged_ops_by_context ON staged_ops(context_id);
CREATE INDEX secret_consumers_by_unit ON secret_consumers(unit);
)sql");
  db.prepare("INSERT INTO model(key, value) VALUES ('schema', ?)").bind(1, kSchemaVersion).run();
}

void check_schema(Database& db) {
  auto version = db.query_text(
      "SELECT value FROM sqlite_master JOIN model ON model.key = 'schema' "
      "WHERE sqlite_master.name = 'model'");
  if (!version || *version != std::to_string(kSchemaVersion)) {
    throw usage_error(fmt::format(
        "{} is not a juju-sim model state (schema {} expected); run `juju-sim init` in a new "
        "directory",
        db.path(), kSchemaVersion));
  }
}

}  // namespace juju_sim
