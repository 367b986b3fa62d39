#include "ops/events.h"

#include <regex>
#include <stdexcept>

#include "ops/errors.h"
#include "ops/model.h"

namespace ops {

nlohmann::json RelationEvent::snapshot() const {
  nlohmann::json snap = nlohmann::json::object();
  if (relation != nullptr) {
    snap["relation_name"] = relation->name;
    snap["relation_id"] = relation->id;
  }
  if (app != nullptr) snap["app_name"] = app->name;
  if (unit != nullptr) snap["unit_name"] = unit->name;
  return snap;
}

void RelationEvent::restore(const nlohmann::json& snap) {
  auto& m = model();
  auto text = [&snap](const char* key) -> std::string {
    auto it = snap.find(key);
    return it != snap.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto id = snap.find("relation_id");
  if (!text("relation_name").empty() && id != snap.end() && id->is_number_integer()) {
    relation = &m.relation_object(text("relation_name"), id->get<int>());
  }
  if (!text("app_name").empty()) app = &m.get_app(text("app_name"));
  if (!text("unit_name").empty()) unit = &m.get_unit(text("unit_name"));
}

nlohmann::json RelationDepartedEvent::snapshot() const {
  auto snap = RelationEvent::snapshot();
  if (departing_unit != nullptr) snap["departing_unit"] = departing_unit->name;
  return snap;
}

void RelationDepartedEvent::restore(const nlohmann::json& snap) {
  RelationEvent::restore(snap);
  auto it = snap.find("departing_unit");
  if (it != snap.end() && it->is_string())
    departing_unit = &model().get_unit(it->get<std::string>());
}

Secret SecretEvent::secret() const { return Secret(model(), id, label); }

nlohmann::json SecretEvent::snapshot() const {
  nlohmann::json snap{{"id", id}};
  snap["label"] = label ? nlohmann::json(*label) : nlohmann::json(nullptr);
  return snap;
}

void SecretEvent::restore(const nlohmann::json& snap) {
  auto it = snap.find("id");
  id = it != snap.end() && it->is_string() ? it->get<std::string>() : std::string();
  if (snap.contains("label") && snap["label"].is_string()) label = snap["label"].get<std::string>();
}

nlohmann::json SecretRevisionEvent::snapshot() const {
  auto snap = SecretEvent::snapshot();
  snap["revision"] = revision;
  return snap;
}

void SecretRevisionEvent::restore(const nlohmann::json& snap) {
  SecretEvent::restore(snap);
  auto it = snap.find("revision");
  revision = it != snap.end() && it->is_number_integer() ? it->get<int>() : 0;
}

const nlohmann::json& ActionEvent::params() {
  if (!params_) params_ = unwrap(model().backend().action_get());
  return *params_;
}

namespace {

void flatten(const nlohmann::json& value, const std::string& prefix,
             std::map<std::string, std::string>& out) {
  if (value.is_object()) {
    for (const auto& [k, v] : value.items()) {
      std::string key = prefix;
      if (!key.empty()) key += '.';
      key += k;
      flatten(v, key, out);
    }
    return;
  }
  if (out.count(prefix) != 0) throw std::invalid_argument("duplicate action result key: " + prefix);
  out[prefix] = value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

void ActionEvent::set_results(const nlohmann::json& results) {
  if (!results.is_object()) throw std::invalid_argument("action results must be an object");
  std::map<std::string, std::string> flat;
  flatten(results, "", flat);
  static const std::regex kKey("^[a-z0-9](([a-z0-9-.]+)?[a-z0-9])?$");
  for (const auto& [key, value] : flat) {
    if (!std::regex_match(key, kKey)) {
      throw std::invalid_argument("invalid action result key '" + key +
                                  "': use lowercase letters, digits, '-' and '.'");
    }
    if (key == "stdout" || key == "stdout-encoding" || key == "stderr" ||
        key == "stderr-encoding") {
      throw std::invalid_argument("cannot set reserved action key \"" + key + "\"");
    }
  }
  unwrap(model().backend().action_set(flat));
}

void ActionEvent::log(const std::string& message) { unwrap(model().backend().action_log(message)); }

void ActionEvent::fail(const std::string& message) {
  unwrap(model().backend().action_fail(message));
  failed_ = true;
}

}  // namespace ops
