// relate and remove-relation.
#include <fmt/format.h>

#include <vector>

#include "hook_selector.h"
#include "model_store.h"
#include "operations.h"
#include "sim_error.h"
#include "unit_factory.h"

namespace juju_sim {

using nlohmann::json;

namespace {

struct EndpointRef {
  std::string app;
  std::string endpoint;  // may be empty before inference
};

EndpointRef parse_endpoint(Database& db, const std::string& text) {
  EndpointRef ref;
  auto colon = text.find(':');
  ref.app = text.substr(0, colon);
  if (colon != std::string::npos) ref.endpoint = text.substr(colon + 1);
  require_app(db, ref.app);
  if (!ref.endpoint.empty() && !app_json(db, ref.app, "endpoints").contains(ref.endpoint)) {
    throw usage_error(
        fmt::format("application \"{}\" has no endpoint \"{}\"", ref.app, ref.endpoint));
  }
  return ref;
}

bool roles_match(const std::string& a, const std::string& b) {
  return (a == "provides" && b == "requires") || (a == "requires" && b == "provides");
}

// Fills in missing endpoint names: the single pair with compatible roles and equal interfaces.
void infer_endpoints(Database& db, EndpointRef& a, EndpointRef& b) {
  json ea = app_json(db, a.app, "endpoints");
  json eb = app_json(db, b.app, "endpoints");
  std::vector<std::pair<std::string, std::string>> candidates;
  for (const auto& [na, sa] : ea.items()) {
    if (!a.endpoint.empty() && na != a.endpoint) continue;
    for (const auto& [nb, sb] : eb.items()) {
      if (!b.endpoint.empty() && nb != b.endpoint) continue;
      if (roles_match(sa["role"], sb["role"]) && sa["interface"] == sb["interface"]) {
        candidates.emplace_back(na, nb);
      }
    }
  }
  // juju-info is implicit: prefer any explicit match over it.
  if (candidates.size() > 1) {
    std::erase_if(candidates,
                  [](const auto& c) { return c.first == "juju-info" && c.second == "juju-info"; });
  }
  if (candidates.size() != 1) {
    throw usage_error(fmt::format(
        "cannot infer the endpoints between \"{}\" and \"{}\" ({} candidates): name them as "
        "app:endpoint",
        a.app, b.app, candidates.size()));
  }
  a.endpoint = candidates[0].first;
  b.endpoint = candidates[0].second;
}

}  // namespace

std::int64_t relate(Database& db, const ModelPaths& paths, const std::string& a_text,
                    const std::string& b_text) {
  EndpointRef a = parse_endpoint(db, a_text);
  EndpointRef b = parse_endpoint(db, b_text);
  if (a.endpoint.empty() || b.endpoint.empty()) infer_endpoints(db, a, b);
  json sa = app_json(db, a.app, "endpoints")[a.endpoint];
  json sb = app_json(db, b.app, "endpoints")[b.endpoint];
  std::string ia = sa["interface"], ib = sb["interface"];
  if (ia != ib) {
    throw usage_error(fmt::format(
        "cannot relate {}:{} (interface \"{}\") to {}:{} (interface \"{}\"): interfaces do not "
        "match",
        a.app, a.endpoint, ia, b.app, b.endpoint, ib));
  }
  if (!roles_match(sa["role"], sb["role"])) {
    throw usage_error(
        fmt::format("cannot relate {}:{} ({}) to {}:{} ({}): one end must provide "
                    "and the other require",
                    a.app, a.endpoint, sa["role"].get<std::string>(), b.app, b.endpoint,
                    sb["role"].get<std::string>()));
  }
  for (const RelationInfo& existing : relations_of_app(db, a.app)) {
    if (existing.life == "alive" && existing.involves(b.app) &&
        existing.endpoint_of(a.app) == a.endpoint && existing.endpoint_of(b.app) == b.endpoint) {
      throw usage_error(
          fmt::format("relation {}:{} {}:{} already exists", a.app, a.endpoint, b.app, b.endpoint));
    }
  }
  bool container = sa["scope"] == "container" || sb["scope"] == "container";
  bool a_sub = app_text(db, a.app, "subordinate") == "1";
  bool b_sub = app_text(db, b.app, "subordinate") == "1";
  if (container && a_sub == b_sub) {
    throw usage_error(fmt::format(
        "cannot relate {} and {} over a container-scoped endpoint: exactly one must be a "
        "subordinate",
        a.app, b.app));
  }
  std::int64_t id = next_counter(db, "next_relation");
  db.prepare(
        "INSERT INTO relations(id, interface, scope, app1, ep1, app2, ep2) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind(1, id)
      .bind(2, ia)
      .bind(3, container ? "container" : "global")
      .bind(4, a.app)
      .bind(5, a.endpoint)
      .bind(6, b.app)
      .bind(7, b.endpoint)
      .run();
  auto relation = *find_relation(db, id);
  for (const std::string& app : {a.app, b.app}) {
    for (const std::string& unit : units_of_app(db, app, true)) {
      if (container) {
        auto info = require_unit(db, unit);
        if (!info.principal.empty() &&
            info.principal.substr(0, info.principal.find('/')) != relation.remote_app_of(app)) {
          continue;
        }
      }
      add_relation_unit(db, id, unit);
    }
  }
  if (container) {
    const std::string& principal_app = a_sub ? b.app : a.app;
    const std::string& sub_app = a_sub ? a.app : b.app;
    for (const std::string& principal : units_of_app(db, principal_app, true)) {
      auto s = db.prepare("SELECT 1 FROM units WHERE app = ? AND principal = ?");
      s.bind(1, sub_app).bind(2, principal);
      if (s.step()) continue;
      create_unit(db, paths, sub_app, principal);
    }
  }
  return id;
}

void remove_relation(Database& db, const std::string& a_text, const std::string& b_text) {
  std::optional<RelationInfo> relation;
  if (b_text.empty()) {
    try {
      relation = find_relation(db, std::stoll(a_text));
    } catch (const std::exception&) {
      throw usage_error(fmt::format("invalid relation id \"{}\"", a_text));
    }
    if (!relation) throw usage_error(fmt::format("relation {} not found", a_text));
  } else {
    EndpointRef a = parse_endpoint(db, a_text);
    EndpointRef b = parse_endpoint(db, b_text);
    for (const RelationInfo& existing : relations_of_app(db, a.app)) {
      if (existing.is_peer() || !existing.involves(b.app) || existing.life != "alive") continue;
      if (!a.endpoint.empty() && existing.endpoint_of(a.app) != a.endpoint) continue;
      if (!b.endpoint.empty() && existing.endpoint_of(b.app) != b.endpoint) continue;
      relation = existing;
    }
    if (!relation) {
      throw usage_error(
          fmt::format("relation between \"{}\" and \"{}\" not found", a_text, b_text));
    }
  }
  if (relation->is_peer()) throw usage_error("peer relations cannot be removed");
  if (relation->life != "alive") {
    throw usage_error(fmt::format("relation {} is already being removed", relation->id));
  }
  db.prepare("UPDATE relations SET life = 'dying' WHERE id = ?").bind(1, relation->id).run();
  if (relation->is_container()) {
    // Juju removes the subordinate units that the relation created.
    for (const std::string& app : {relation->app1, relation->app2}) {
      if (app_text(db, app, "subordinate") != "1") continue;
      db.prepare("UPDATE units SET life = 'dying' WHERE app = ?").bind(1, app).run();
    }
  }
  remove_relation_if_done(db, relation->id);
}

}  // namespace juju_sim
