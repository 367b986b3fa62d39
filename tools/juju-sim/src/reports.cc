#include "reports.h"

#include <fmt/format.h>

#include "model_store.h"
#include "secret_store.h"
#include "sim_error.h"

namespace juju_sim {

using nlohmann::json;

json status_report(Database& db) {
  json out = {{"model",
               {{"name", model_get(db, "name")},
                {"uuid", model_get(db, "uuid")},
                {"version", model_get(db, "juju_version")}}},
              {"applications", json::object()},
              {"relations", json::array()}};
  auto apps = db.prepare(
      "SELECT name, charm_name, subordinate, leader, status, message, "
      "workload_version, config FROM apps ORDER BY seq");
  while (apps.step()) {
    json app = {{"charm", apps.text(1)},
                {"subordinate", apps.integer(2) != 0},
                {"application-status", {{"current", apps.text(4)}, {"message", apps.text(5)}}},
                {"version", apps.text(6)},
                {"config", json::parse(apps.text(7))},
                {"units", json::object()}};
    out["applications"][apps.text(0)] = app;
  }
  for (const UnitInfo& unit : all_units(db)) {
    json entry = {{"workload-status", {{"current", unit.status}, {"message", unit.message}}},
                  {"juju-status", {{"current", unit.error_hook ? "error" : "idle"}}},
                  {"machine", unit.machine},
                  {"life", unit.life},
                  {"leader", is_leader(db, unit.name)}};
    if (unit.error_hook) {
      entry["workload-status"] = {
          {"current", "error"}, {"message", fmt::format("hook failed: \"{}\"", *unit.error_hook)}};
    }
    if (!unit.principal.empty()) entry["principal"] = unit.principal;
    auto ports = db.prepare("SELECT port FROM ports WHERE unit = ? ORDER BY port");
    ports.bind(1, unit.name);
    json open = json::array();
    while (ports.step()) open.push_back(ports.text(0));
    if (!open.empty()) entry["open-ports"] = open;
    out["applications"][unit.app]["units"][unit.name] = entry;
  }
  auto relations = db.prepare(
      "SELECT id, interface, scope, life, app1, ep1, app2, ep2 FROM relations ORDER BY id");
  while (relations.step()) {
    out["relations"].push_back({{"id", relations.integer(0)},
                                {"interface", relations.text(1)},
                                {"scope", relations.text(2)},
                                {"life", relations.text(3)},
                                {"endpoints",
                                 {relations.text(4) + ":" + relations.text(5),
                                  relations.text(6) + ":" + relations.text(7)}}});
  }
  return out;
}

std::string status_text(const json& status) {
  std::string out =
      fmt::format("Model  {}  Juju {}\n\n", status["model"]["name"].get<std::string>(),
                  status["model"]["version"].get<std::string>());
  out += fmt::format("{:<24} {:<12} {:<10} {}\n", "Unit", "Workload", "Agent", "Message");
  for (const auto& [app, info] : status["applications"].items()) {
    for (const auto& [unit, u] : info["units"].items()) {
      out += fmt::format("{:<24} {:<12} {:<10} {}\n", unit + (u["leader"].get<bool>() ? "*" : ""),
                         u["workload-status"]["current"].get<std::string>(),
                         u["juju-status"]["current"].get<std::string>(),
                         u["workload-status"]["message"].get<std::string>());
    }
  }
  out += fmt::format("\n{:<6} {:<40} {:<16} {}\n", "Id", "Endpoints", "Interface", "Life");
  for (const auto& relation : status["relations"]) {
    out +=
        fmt::format("{:<6} {:<40} {:<16} {}\n", relation["id"].get<int>(),
                    relation["endpoints"][0].get<std::string>() + " " +
                        relation["endpoints"][1].get<std::string>(),
                    relation["interface"].get<std::string>(), relation["life"].get<std::string>());
  }
  return out;
}

json show_unit_report(Database& db, const std::string& name) {
  UnitInfo unit = require_unit(db, name);
  json info = json::array();
  auto s = db.prepare(
      "SELECT relation_id FROM relation_units WHERE unit = ? ORDER BY "
      "relation_id");
  s.bind(1, name);
  while (s.step()) {
    auto relation = find_relation(db, s.integer(0));
    if (!relation) continue;
    const std::string& remote_app = relation->remote_app_of(unit.app);
    json related = json::object();
    auto members = db.prepare(
        "SELECT member FROM relation_members WHERE relation_id = ? AND "
        "unit = ? ORDER BY rowid");
    members.bind(1, relation->id).bind(2, name);
    while (members.step()) {
      related[members.text(0)] = {{"data", bag_data(db, relation->id, members.text(0))}};
    }
    info.push_back({{"relation-id", relation->id},
                    {"endpoint", relation->endpoint_of(unit.app)},
                    {"related-endpoint", relation->endpoint_of(remote_app)},
                    {"application-data", bag_data(db, relation->id, unit.app)},
                    {"local-unit", {{"data", bag_data(db, relation->id, name)}}},
                    {"related-application-data", bag_data(db, relation->id, remote_app)},
                    {"related-units", related}});
  }
  return {{name,
           {{"workload-status", {{"current", unit.status}, {"message", unit.message}}},
            {"leader", is_leader(db, name)},
            {"machine", unit.machine},
            {"life", unit.life},
            {"charm-dir", unit.charm_dir},
            {"relation-info", info}}}};
}

json show_relation_report(Database& db, std::int64_t relation_id) {
  auto relation = find_relation(db, relation_id);
  if (!relation) throw usage_error(fmt::format("relation {} not found", relation_id));
  json scope = json::array();
  auto units = db.prepare(
      "SELECT ru.unit FROM relation_units ru JOIN units u ON u.name = ru.unit "
      "WHERE ru.relation_id = ? AND ru.in_scope = 1 AND ru.broken = 0 ORDER BY u.seq");
  units.bind(1, relation_id);
  while (units.step()) scope.push_back(units.text(0));
  json app_data = json::object(), unit_data = json::object();
  auto bags = db.prepare("SELECT owner, is_app, data FROM bags WHERE relation_id = ?");
  bags.bind(1, relation_id);
  while (bags.step()) {
    (bags.integer(1) != 0 ? app_data : unit_data)[bags.text(0)] = json::parse(bags.text(2));
  }
  return {
      {"id", relation->id},
      {"interface", relation->interface},
      {"scope", relation->scope},
      {"life", relation->life},
      {"endpoints", {relation->app1 + ":" + relation->ep1, relation->app2 + ":" + relation->ep2}},
      {"units-in-scope", scope},
      {"application-data", app_data},
      {"unit-data", unit_data}};
}

json trace_report(Database& db, const std::string& unit_filter) {
  auto s = db.prepare(
      "SELECT id, context_id, unit, kind, name, argv, stdin, stdout, stderr, "
      "exit, env FROM trace WHERE (? = '' OR unit = ?) ORDER BY id");
  s.bind(1, unit_filter).bind(2, unit_filter);
  json out = json::array();
  while (s.step()) {
    json entry = {{"seq", s.integer(0)}, {"context", s.text(1)}, {"unit", s.text(2)},
                  {"kind", s.text(3)},   {"name", s.text(4)},    {"exit", s.integer(9)}};
    if (s.text(3) == "tool") {
      entry["argv"] = json::parse(s.text(5));
      if (!s.text(6).empty()) entry["stdin"] = s.text(6);
    } else {
      entry["env"] = json::parse(s.text(10));
    }
    entry["stdout"] = s.text(7);
    if (!s.text(8).empty()) entry["stderr"] = s.text(8);
    out.push_back(entry);
  }
  return out;
}

std::string trace_text(const json& trace) {
  std::string out;
  for (const auto& entry : trace) {
    if (entry["kind"] == "tool") {
      std::string argv;
      for (const auto& arg : entry["argv"]) argv += " " + arg.get<std::string>();
      out += fmt::format("    {}{} -> {}\n", entry["name"].get<std::string>(), argv,
                         entry["exit"].get<int>());
    } else {
      const json& env = entry["env"];
      std::string extra;
      if (env.value("JUJU_REMOTE_UNIT", "") != "")
        extra += " remote=" + env["JUJU_REMOTE_UNIT"].get<std::string>();
      if (env.value("JUJU_DEPARTING_UNIT", "") != "")
        extra += " departing=" + env["JUJU_DEPARTING_UNIT"].get<std::string>();
      out += fmt::format("{} {} {}{} exit={}\n", entry["unit"].get<std::string>(),
                         entry["kind"].get<std::string>(), entry["name"].get<std::string>(), extra,
                         entry["exit"].get<int>());
    }
  }
  return out;
}

json secrets_report(Database& db) {
  json out = json::object();
  auto s = db.prepare("SELECT xid FROM secrets ORDER BY xid");
  std::vector<std::string> xids;
  while (s.step()) xids.push_back(s.text(0));
  for (const std::string& xid : xids) {
    SecretInfo secret = *find_secret(db, xid);
    json revisions = json::array();
    auto r = db.prepare("SELECT revision FROM secret_revisions WHERE xid = ? ORDER BY revision");
    r.bind(1, xid);
    while (r.step()) revisions.push_back(r.integer(0));
    json grants = json::array();
    auto g = db.prepare(
        "SELECT relation_id, target, target_kind FROM secret_grants WHERE xid = ? "
        "ORDER BY relation_id, target");
    g.bind(1, xid);
    while (g.step()) {
      json grant = {{"target", g.text(1)}, {"kind", g.text(2)}};
      if (g.integer(0) >= 0) grant["relation-id"] = g.integer(0);  // else `juju grant-secret`
      grants.push_back(grant);
    }
    json consumers = json::object();
    auto c = db.prepare(
        "SELECT unit, label, tracked FROM secret_consumers WHERE xid = ? ORDER BY "
        "unit");
    c.bind(1, xid);
    while (c.step()) consumers[c.text(0)] = {{"label", c.text(1)}, {"tracked", c.integer(2)}};
    out[secret_uri(db, xid)] = {{"owner", {{"kind", secret.owner_kind}, {"name", secret.owner}}},
                                {"label", secret.label},
                                {"description", secret.description},
                                {"latest", secret.latest},
                                {"revisions", revisions},
                                {"grants", grants},
                                {"consumers", consumers}};
    if (secret.owner_kind == "model") out[secret_uri(db, xid)]["name"] = secret.label;
  }
  return out;
}

}  // namespace juju_sim
