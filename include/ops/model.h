// Model: the charm's view of its Juju model, as in Python ops. It owns the Unit, Application and
// Relation objects (stable addresses for the life of the process), caches what it reads (leadership
// once per hook, config once, relation lists once), and is the one place where Juju's access rules
// are enforced before a hook tool runs.
//
// Example:
//   ops::Model& m = charm.model();
//   if (m.unit().is_leader()) m.app().set_status(ops::ActiveStatus());
//   for (ops::Relation* r : m.relations["cephfs-share"]) { ... }
//   auto mountpoint = m.config().get<std::string>("mountpoint");
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ops/backend.h"
#include "ops/charm_meta.h"
#include "ops/relation.h"
#include "ops/secret.h"
#include "ops/status.h"

namespace ops {

class Model;

class Application {
 public:
  Application(Model& model, std::string name, bool is_ours)
      : name(std::move(name)), model_(model), is_ours_(is_ours) {}
  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;

  const std::string name;

  // Application status: leader only (std::logic_error otherwise), like ops' RuntimeError.
  StatusBase status();
  void set_status(const StatusBase& status);
  // secret-add --owner application
  Secret add_secret(const SecretContent& content, std::optional<std::string> label = std::nullopt,
                    std::optional<std::string> description = std::nullopt,
                    std::optional<std::string> expire = std::nullopt,
                    std::optional<std::string> rotate = std::nullopt);
  bool is_ours() const { return is_ours_; }

 private:
  Model& model_;
  bool is_ours_;
  std::optional<StatusBase> status_;
};

class Unit {
 public:
  Unit(Model& model, std::string name, bool is_ours)
      : name(std::move(name)), model_(model), is_ours_(is_ours) {}
  Unit(const Unit&) = delete;
  Unit& operator=(const Unit&) = delete;

  const std::string name;

  Application& app();
  // Leadership of this (our own) unit; cached for the hook. std::logic_error for other units.
  bool is_leader();
  StatusBase status();
  void set_status(const StatusBase& status);
  void set_workload_version(const std::string& version);
  // secret-add --owner unit
  Secret add_secret(const SecretContent& content, std::optional<std::string> label = std::nullopt,
                    std::optional<std::string> description = std::nullopt);
  bool is_ours() const { return is_ours_; }

 private:
  Model& model_;
  bool is_ours_;
  std::optional<StatusBase> status_;
};

// The charm's configuration (config-get once per process), typed access with defaults applied by
// Juju. get<T> throws ModelError naming the option when the value has another type.
class ConfigData {
 public:
  explicit ConfigData(Model& model) : model_(model) {}
  const nlohmann::json& all();
  bool contains(const std::string& key);
  template <class T>
  std::optional<T> get(const std::string& key) {
    const auto& data = all();
    auto it = data.find(key);
    if (it == data.end() || it->is_null()) return std::nullopt;
    return convert<T>(key, *it);
  }

 private:
  template <class T>
  static T convert(const std::string& key, const nlohmann::json& value);
  Model& model_;
  std::optional<nlohmann::json> data_;
};

// The types get<T> supports.
template <>
std::string ConfigData::convert<std::string>(const std::string& key, const nlohmann::json& v);
template <>
bool ConfigData::convert<bool>(const std::string& key, const nlohmann::json& v);
template <>
int ConfigData::convert<int>(const std::string& key, const nlohmann::json& v);
template <>
long long ConfigData::convert<long long>(const std::string& key, const nlohmann::json& v);
template <>
double ConfigData::convert<double>(const std::string& key, const nlohmann::json& v);

// model.relations[endpoint]: the relations of an endpoint, active ones only.
class RelationMapping {
 public:
  explicit RelationMapping(Model& model) : model_(model) {}
  const std::vector<Relation*>& operator[](const std::string& endpoint);

 private:
  Model& model_;
  std::map<std::string, std::vector<Relation*>> cache_;
};

class Model {
 public:
  Model(Backend& backend, CharmMeta meta, std::string unit_name, std::string model_name = "",
        std::string model_uuid = "");
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  Unit& unit() { return *unit_; }
  Application& app() { return *app_; }
  const std::string& name() const { return name_; }
  const std::string& uuid() const { return uuid_; }
  const CharmMeta& meta() const { return meta_; }
  ConfigData& config() { return config_; }
  RelationMapping relations{*this};

  // The relation with that id, or the only relation of the endpoint when id is empty.
  // Throws TooManyRelatedAppsError (several, no id), RelationNotFoundError (unknown id); returns
  // nullptr when the endpoint has no relation and no id was given.
  Relation* get_relation(const std::string& endpoint, std::optional<int> id = std::nullopt);
  Unit& get_unit(const std::string& name);
  Application& get_app(const std::string& name);

  // model.get_secret(id=..., label=...): reads the content once (secret-get) and caches it.
  Secret get_secret(std::optional<std::string> id, std::optional<std::string> label = std::nullopt);

  Backend& backend() { return backend_; }
  bool is_leader();  // cached for the process (one is-leader per hook)

  // Relation object for (endpoint,id), created on first use. `active` false for broken relations.
  Relation& relation_object(const std::string& endpoint, int id, bool active = true);

 private:
  Backend& backend_;
  CharmMeta meta_;
  std::string name_;
  std::string uuid_;
  std::map<std::string, std::unique_ptr<Unit>> units_;
  std::map<std::string, std::unique_ptr<Application>> apps_;
  std::map<int, std::unique_ptr<Relation>> relations_;
  Unit* unit_;
  Application* app_;
  ConfigData config_{*this};
  std::optional<bool> leader_;
};

}  // namespace ops
