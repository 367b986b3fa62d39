// Relation and its databags, as in Python ops: relation.data[unit_or_app] is a string->string
// mapping with Juju's access rules enforced by the Model (see shared/reference/
// juju-charm-contract.md §3):
//
//   bag                       read            write
//   own unit                  yes             yes
//   other unit                yes             never
//   own app (non-peer)        leader only     leader only
//   own app (peer)            every unit      leader only
//   remote app                every unit      never
//
// Violations raise RelationDataAccessError before any hook tool runs. Reads are lazy and cached
// for the rest of the process; writes update the cache. update() sends one relation-set with only
// the keys whose value differs; setting "" deletes a key.
//
// Example:
//   ops::Relation* rel = model.get_relation("cephfs-share");
//   auto name = rel->data[model.app()].get("name");      // leader only
//   rel->data[model.unit()].update({{"cache", json}});
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ops/backend.h"

namespace ops {

class Model;
class Unit;
class Application;
class Relation;

// One databag (the bag of one unit or one application in one relation).
class RelationDataContent {
 public:
  RelationDataContent(Model& model, Relation& relation, std::string owner_name, bool is_app);
  RelationDataContent(const RelationDataContent&) = delete;
  RelationDataContent& operator=(const RelationDataContent&) = delete;

  // All keys and values (loaded on first use).
  const Bag& items();
  std::optional<std::string> get(std::string_view key);
  // The value, or "" when absent (like Python's dict.get(key, "")).
  std::string value_or_empty(std::string_view key);
  bool contains(std::string_view key);

  // One relation-set with {key: value}; "" deletes. A no-op write still checks permission.
  void set(const std::string& key, const std::string& value);
  void erase(const std::string& key);
  // One relation-set with only the keys whose value differs (none: no call).
  void update(const Bag& values);

  const std::string& owner_name() const { return owner_name_; }
  bool is_app() const { return is_app_; }

 private:
  void check_readable();
  void check_writable();

  Model& model_;
  Relation& relation_;
  std::string owner_name_;
  bool is_app_;
  std::optional<Bag> cache_;
};

// relation.data: the bags of a relation, indexed by Unit or Application.
class RelationData {
 public:
  explicit RelationData(Model& model, Relation& relation) : model_(model), relation_(relation) {}
  RelationDataContent& operator[](const Unit& unit);
  RelationDataContent& operator[](const Application& app);

 private:
  RelationDataContent& bag(const std::string& name, bool is_app);
  Model& model_;
  Relation& relation_;
  std::map<std::pair<std::string, bool>, std::unique_ptr<RelationDataContent>> bags_;
};

class Relation {
 public:
  // Built by the Model; charms get references from model.relations / model.get_relation.
  Relation(Model& model, std::string endpoint, int id, bool active);

  const std::string name;  // the endpoint
  const int id;
  RelationData data;

  // The remote application, or nullptr when unknown (a dead relation).
  Application* app();
  // The remote units still in the relation (departed units excluded).
  const std::vector<Unit*>& units();
  bool active() const { return active_; }

  // Used by the dispatcher to give a broken relation no units, or a departing unit read access.
  void mark_broken();
  void set_remote_app(Application* app) {
    app_ = app;
    app_known_ = true;
  }
  std::string to_string() const;  // "<endpoint>:<id>"

 private:
  void load_units();

  Model& model_;
  bool active_;
  Application* app_ = nullptr;
  bool app_known_ = false;
  std::optional<std::vector<Unit*>> units_;
};

}  // namespace ops
