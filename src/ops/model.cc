#include "ops/model.h"

#include <stdexcept>

#include "ops/errors.h"

namespace ops {

// ---- Application ----

StatusBase Application::status() {
  if (!is_ours_) throw std::logic_error("cannot get the status of a remote application");
  if (!model_.is_leader()) {
    throw std::logic_error("cannot get application status as a non-leader unit");
  }
  if (!status_) {
    auto info = unwrap(model_.backend().status_get(/*is_app=*/true));
    status_ = StatusBase{info.status, info.message};
  }
  return *status_;
}

void Application::set_status(const StatusBase& status) {
  if (!is_ours_) throw std::logic_error("cannot set the status of a remote application");
  if (!status.settable()) {
    throw InvalidStatusError("invalid status '" + status.name +
                             "': only active, blocked, maintenance and waiting can be set");
  }
  if (!model_.is_leader()) {
    throw std::logic_error("cannot set application status as a non-leader unit");
  }
  unwrap(model_.backend().status_set(status.name, status.message, /*is_app=*/true));
  status_ = status;
}

Secret Application::add_secret(const SecretContent& content, std::optional<std::string> label,
                               std::optional<std::string> description,
                               std::optional<std::string> expire,
                               std::optional<std::string> rotate) {
  if (!is_ours_) throw std::logic_error("cannot add a secret to a remote application");
  Secret::validate_content(content);
  SecretMetadata meta{label, std::move(description), std::move(expire), std::move(rotate)};
  auto id = unwrap(model_.backend().secret_add(content, meta, SecretOwner::kApplication));
  return Secret(model_, Secret::canonicalize_id(id, model_.uuid()), std::move(label), content);
}

// ---- Unit ----

Application& Unit::app() { return model_.get_app(name.substr(0, name.find('/'))); }

bool Unit::is_leader() {
  if (!is_ours_) {
    throw std::logic_error("leadership status of remote units (" + name + ") is not visible");
  }
  return model_.is_leader();
}

StatusBase Unit::status() {
  if (!is_ours_) throw std::logic_error("cannot get the status of remote unit " + name);
  if (!status_) {
    auto info = unwrap(model_.backend().status_get(/*is_app=*/false));
    status_ = StatusBase{info.status, info.message};
  }
  return *status_;
}

void Unit::set_status(const StatusBase& status) {
  if (!is_ours_) throw std::logic_error("cannot set the status of remote unit " + name);
  if (!status.settable()) {
    throw InvalidStatusError("invalid status '" + status.name +
                             "': only active, blocked, maintenance and waiting can be set");
  }
  unwrap(model_.backend().status_set(status.name, status.message, /*is_app=*/false));
  status_ = status;
}

void Unit::set_workload_version(const std::string& version) {
  if (!is_ours_) throw std::logic_error("cannot set the workload version of remote unit " + name);
  unwrap(model_.backend().application_version_set(version));
}

Secret Unit::add_secret(const SecretContent& content, std::optional<std::string> label,
                        std::optional<std::string> description) {
  if (!is_ours_) throw std::logic_error("cannot add a secret to remote unit " + name);
  Secret::validate_content(content);
  SecretMetadata meta{label, std::move(description), std::nullopt, std::nullopt};
  auto id = unwrap(model_.backend().secret_add(content, meta, SecretOwner::kUnit));
  return Secret(model_, Secret::canonicalize_id(id, model_.uuid()), std::move(label), content,
                SecretOwner::kUnit);
}

// ---- ConfigData ----

const nlohmann::json& ConfigData::all() {
  if (!data_) {
    auto data = unwrap(model_.backend().config_get());
    if (!data.is_object()) throw ModelError("config-get did not print a JSON object");
    data_ = std::move(data);
  }
  return *data_;
}

bool ConfigData::contains(const std::string& key) {
  const auto& data = all();
  auto it = data.find(key);
  return it != data.end() && !it->is_null();
}

template <>
std::string ConfigData::convert<std::string>(const std::string& key, const nlohmann::json& v) {
  if (!v.is_string()) throw ModelError("config option '" + key + "' is not a string");
  return v.get<std::string>();
}
template <>
bool ConfigData::convert<bool>(const std::string& key, const nlohmann::json& v) {
  if (!v.is_boolean()) throw ModelError("config option '" + key + "' is not a boolean");
  return v.get<bool>();
}
template <>
long long ConfigData::convert<long long>(const std::string& key, const nlohmann::json& v) {
  if (!v.is_number_integer()) throw ModelError("config option '" + key + "' is not an integer");
  return v.get<long long>();
}
template <>
int ConfigData::convert<int>(const std::string& key, const nlohmann::json& v) {
  if (!v.is_number_integer()) throw ModelError("config option '" + key + "' is not an integer");
  return v.get<int>();
}
template <>
double ConfigData::convert<double>(const std::string& key, const nlohmann::json& v) {
  if (!v.is_number()) throw ModelError("config option '" + key + "' is not a number");
  return v.get<double>();
}

// ---- RelationMapping ----

const std::vector<Relation*>& RelationMapping::operator[](const std::string& endpoint) {
  auto it = cache_.find(endpoint);
  if (it != cache_.end()) return it->second;
  std::vector<Relation*> relations;
  for (int id : unwrap(model_.backend().relation_ids(endpoint))) {
    auto& relation = model_.relation_object(endpoint, id);
    if (relation.active()) relations.push_back(&relation);
  }
  return cache_.emplace(endpoint, std::move(relations)).first->second;
}

// ---- Model ----

Model::Model(Backend& backend, CharmMeta meta, std::string unit_name, std::string model_name,
             std::string model_uuid)
    : backend_(backend),
      meta_(std::move(meta)),
      name_(std::move(model_name)),
      uuid_(std::move(model_uuid)) {
  const std::string app_name = unit_name.substr(0, unit_name.find('/'));
  auto app = std::make_unique<Application>(*this, app_name, /*is_ours=*/true);
  app_ = app.get();
  apps_.emplace(app_name, std::move(app));
  auto unit = std::make_unique<Unit>(*this, unit_name, /*is_ours=*/true);
  unit_ = unit.get();
  units_.emplace(unit_name, std::move(unit));
}

bool Model::is_leader() {
  if (!leader_) leader_ = unwrap(backend_.is_leader());
  return *leader_;
}

Unit& Model::get_unit(const std::string& name) {
  auto it = units_.find(name);
  if (it != units_.end()) return *it->second;
  auto unit = std::make_unique<Unit>(*this, name, /*is_ours=*/false);
  return *units_.emplace(name, std::move(unit)).first->second;
}

Application& Model::get_app(const std::string& name) {
  auto it = apps_.find(name);
  if (it != apps_.end()) return *it->second;
  auto app = std::make_unique<Application>(*this, name, /*is_ours=*/false);
  return *apps_.emplace(name, std::move(app)).first->second;
}

Relation& Model::relation_object(const std::string& endpoint, int id, bool active) {
  auto it = relations_.find(id);
  if (it != relations_.end()) {
    if (!active) it->second->mark_broken();
    return *it->second;
  }
  auto relation = std::make_unique<Relation>(*this, endpoint, id, active);
  return *relations_.emplace(id, std::move(relation)).first->second;
}

Relation* Model::get_relation(const std::string& endpoint, std::optional<int> id) {
  if (meta_.relation(endpoint) == nullptr && !meta_.relations.empty()) {
    throw ModelError("charm has no endpoint named '" + endpoint + "' in its metadata");
  }
  if (id) {
    auto it = relations_.find(*id);
    if (it != relations_.end() && it->second->name == endpoint) return it->second.get();
    for (Relation* relation : relations[endpoint]) {
      if (relation->id == *id) return relation;
    }
    throw RelationNotFoundError("relation " + endpoint + ":" + std::to_string(*id) +
                                " not found (it may have been removed)");
  }
  const auto& list = relations[endpoint];
  if (list.empty()) return nullptr;
  if (list.size() > 1) {
    throw TooManyRelatedAppsError("endpoint '" + endpoint + "' has " + std::to_string(list.size()) +
                                  " relations; pass the relation id");
  }
  return list.front();
}

Secret Model::get_secret(std::optional<std::string> id, std::optional<std::string> label) {
  if (!id && !label) throw std::invalid_argument("get_secret needs an id or a label");
  if (id) id = Secret::canonicalize_id(*id, uuid_);
  auto content = unwrap(backend_.secret_get(id, label, /*refresh=*/false, /*peek=*/false));
  return Secret(*this, std::move(id), std::move(label), std::move(content));
}

}  // namespace ops
