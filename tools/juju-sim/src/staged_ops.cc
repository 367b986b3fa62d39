#include "staged_ops.h"

#include <fmt/format.h>

#include <vector>

#include "model_store.h"
#include "secret_store.h"
#include "sim_error.h"

namespace juju_sim {

using nlohmann::json;

namespace {

std::vector<json> load_ops(Database& db, const std::string& context_id) {
  auto s = db.prepare("SELECT op FROM staged_ops WHERE context_id = ? ORDER BY id");
  s.bind(1, context_id);
  std::vector<json> ops;
  while (s.step()) ops.push_back(json::parse(s.text(0)));
  return ops;
}

void apply_secret_add(Database& db, const json& op) {
  std::string xid = op["xid"];
  db.prepare(
        "INSERT INTO secrets(xid, owner_kind, owner, label, description, expire, rotate, "
        "latest) VALUES (?, ?, ?, ?, ?, ?, ?, 1)")
      .bind(1, xid)
      .bind(2, op["owner_kind"].get<std::string>())
      .bind(3, op["owner"].get<std::string>())
      .bind(4, op.value("label", ""))
      .bind(5, op.value("description", ""))
      .bind(6, op.value("expire", ""))
      .bind(7, op.value("rotate", ""))
      .run();
  db.prepare("INSERT INTO secret_revisions(xid, revision, content) VALUES (?, 1, ?)")
      .bind(1, xid)
      .bind(2, op["content"].dump())
      .run();
}

void apply_secret_set(Database& db, const json& op) {
  std::string xid = op["xid"];
  auto secret = find_secret(db, xid);
  if (!secret) throw runtime_error(fmt::format("secret \"{}\" not found", xid));
  for (const char* field : {"label", "description", "expire", "rotate"}) {
    if (!op.contains(field)) continue;
    db.prepare(fmt::format("UPDATE secrets SET {} = ? WHERE xid = ?", field))
        .bind(1, op[field].get<std::string>())
        .bind(2, xid)
        .run();
  }
  if (op.contains("content")) {
    secret->latest += 1;
    db.prepare("INSERT INTO secret_revisions(xid, revision, content) VALUES (?, ?, ?)")
        .bind(1, xid)
        .bind(2, secret->latest)
        .bind(3, op["content"].dump())
        .run();
    db.prepare("UPDATE secrets SET latest = ? WHERE xid = ?")
        .bind(1, secret->latest)
        .bind(2, xid)
        .run();
    enqueue_secret_changed(db, *secret);
  }
}

void apply_secret_remove(Database& db, const json& op) {
  std::string xid = op["xid"];
  if (op.contains("revision")) {
    db.prepare("DELETE FROM secret_revisions WHERE xid = ? AND revision = ?")
        .bind(1, xid)
        .bind(2, op["revision"].get<std::int64_t>())
        .run();
    if (db.query_int(fmt::format("SELECT COUNT(*) FROM secret_revisions WHERE xid = '{}'", xid)) >
        0) {
      return;
    }
  }
  for (const char* table : {"secret_revisions", "secret_grants", "secret_consumers", "secrets"}) {
    db.prepare(fmt::format("DELETE FROM {} WHERE xid = ?", table)).bind(1, xid).run();
  }
  db.prepare("DELETE FROM hook_queue WHERE secret = ?").bind(1, xid).run();
}

void upsert_consumer(Database& db, const json& op, const char* column, const json& value) {
  db.prepare(fmt::format("INSERT INTO secret_consumers(xid, unit, {0}) VALUES (?, ?, ?) "
                         "ON CONFLICT(xid, unit) DO UPDATE SET {0} = excluded.{0}",
                         column))
      .bind(1, op["xid"].get<std::string>())
      .bind(2, op["unit"].get<std::string>())
      .bind(3, value.is_string() ? value.get<std::string>() : std::to_string(value.get<int>()))
      .run();
}

}  // namespace

void apply_op(Database& db, const json& op) {
  const std::string kind = op.at("op");
  if (kind == "relation-set") {
    merge_bag(db, op["relation"], op["owner"], op["app"], op["changes"]);
  } else if (kind == "secret-add") {
    apply_secret_add(db, op);
  } else if (kind == "secret-set") {
    apply_secret_set(db, op);
  } else if (kind == "secret-grant") {
    db.prepare(
          "INSERT OR IGNORE INTO secret_grants(xid, relation_id, target, target_kind) "
          "VALUES (?, ?, ?, ?)")
        .bind(1, op["xid"].get<std::string>())
        .bind(2, op["relation"].get<std::int64_t>())
        .bind(3, op["target"].get<std::string>())
        .bind(4, op["target_kind"].get<std::string>())
        .run();
  } else if (kind == "secret-revoke") {
    db.prepare(
          "DELETE FROM secret_grants WHERE xid = ? AND relation_id = ? AND "
          "(? = '' OR target = ?)")
        .bind(1, op["xid"].get<std::string>())
        .bind(2, op["relation"].get<std::int64_t>())
        .bind(3, op.value("target", ""))
        .bind(4, op.value("target", ""))
        .run();
    drop_consumers_without_access(db);
  } else if (kind == "secret-remove") {
    apply_secret_remove(db, op);
  } else if (kind == "secret-track") {
    upsert_consumer(db, op, "tracked", op["revision"]);
  } else if (kind == "secret-label") {
    upsert_consumer(db, op, "label", op["label"]);
  } else if (kind == "open-port") {
    db.prepare("INSERT OR IGNORE INTO ports(unit, port) VALUES (?, ?)")
        .bind(1, op["unit"].get<std::string>())
        .bind(2, op["port"].get<std::string>())
        .run();
  } else if (kind == "close-port") {
    db.prepare("DELETE FROM ports WHERE unit = ? AND port = ?")
        .bind(1, op["unit"].get<std::string>())
        .bind(2, op["port"].get<std::string>())
        .run();
  } else if (kind == "state-set") {
    db.prepare(
          "INSERT INTO unit_state(unit, key, value) VALUES (?, ?, ?) "
          "ON CONFLICT(unit, key) DO UPDATE SET value = excluded.value")
        .bind(1, op["unit"].get<std::string>())
        .bind(2, op["key"].get<std::string>())
        .bind(3, op["value"].get<std::string>())
        .run();
  } else if (kind == "state-delete") {
    db.prepare("DELETE FROM unit_state WHERE unit = ? AND key = ?")
        .bind(1, op["unit"].get<std::string>())
        .bind(2, op["key"].get<std::string>())
        .run();
  } else {
    throw runtime_error(fmt::format("unknown staged operation \"{}\"", kind));
  }
}

void stage_op(Database& db, const std::string& context_id, const json& op) {
  {
    Transaction probe(db);
    for (const json& earlier : load_ops(db, context_id)) apply_op(db, earlier);
    apply_op(db, op);
    probe.rollback();
  }
  db.prepare("INSERT INTO staged_ops(context_id, op) VALUES (?, ?)")
      .bind(1, context_id)
      .bind(2, op.dump())
      .run();
}

void commit_staged(Database& db, const std::string& context_id) {
  for (const json& op : load_ops(db, context_id)) apply_op(db, op);
  discard_staged(db, context_id);
  enqueue_obsolete_revisions(db);
}

void discard_staged(Database& db, const std::string& context_id) {
  db.prepare("DELETE FROM staged_ops WHERE context_id = ?").bind(1, context_id).run();
}

OverlayView::OverlayView(Database& db, const std::string& context_id) : db_(db) {
  // IMMEDIATE: a deferred transaction that reads and then writes fails at once (SQLITE_BUSY,
  // no busy wait) in WAL mode when another connection committed in between, as settle does
  // while other units' hooks run.
  db_.exec("BEGIN IMMEDIATE");
  try {
    for (const json& op : load_ops(db_, context_id)) apply_op(db_, op);
  } catch (...) {
    db_.exec("ROLLBACK");
    throw;
  }
}

OverlayView::~OverlayView() {
  try {
    db_.exec("ROLLBACK");
  } catch (const SimError&) {
    // The transaction is gone with the connection anyway.
  }
}

}  // namespace juju_sim
