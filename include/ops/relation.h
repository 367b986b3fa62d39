// Relation and its databags, as in Python ops: relation.data[unit_or_app] is a string->string
// mapping with Juju's access rules enforced by the Model (see docs/reference/
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
//
// Typed databags (Relation::save / Relation::load, as in Python ops >= 2.23): one key per field,
// each value JSON-encoded as Python's json.dumps encodes it (ensure_ascii, ", " / ": "
// separators), e.g. {"mountpoint": "\"/srv\"", "read_only": "false"}. T converts with nlohmann's
// to_json / from_json (NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE or hand-written); its JSON form must be
// an object whose members are the fields. Objects nested in a field keep nlohmann's sorted key
// order (Python keeps insertion order); scalars, strings and lists are Python's bytes.
//   relation->save(MountInfo{...}, model.app());             // leader, one relation-set
//   ops::Result<MountInfo> info = relation->load<MountInfo>(*relation->app());
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ops/backend.h"
#include "ops/result.h"

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

  // The two halves of Relation::save / load, for callers without a C++ type.
  // save_fields: `fields` must be a JSON object; update() with each member as key ->
  // json.dumps(value). std::invalid_argument when it is not an object or holds a string that is
  // not UTF-8 (nothing written); access errors as update().
  void save_fields(const nlohmann::json& fields);
  // Every key whose value is JSON, decoded, as one object. Juju's own unit keys (ingress-address,
  // egress-subnets, private-address) are left out. kInvalidData naming the first other key whose
  // value is not JSON (the value is not shown). Access errors throw as items().
  Result<nlohmann::json> load_fields();

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

namespace detail {
// Relation::load's conversion: nlohmann's exceptions (missing field, wrong type) as kInvalidData.
template <class T>
Result<T> fields_to(Result<nlohmann::json> fields, const std::string& relation) {
  if (!fields) return fields.error();
  try {
    return fields->template get<T>();
  } catch (const nlohmann::json::exception& e) {
    return Error{ErrorCode::kInvalidData,
                 "relation " + relation + ": the databag does not hold the fields: " + e.what()};
  }
}
}  // namespace detail

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

  // Typed databag (see the file comment): writes every field of `object` to the bag of `dst`.
  template <class T>
  void save(const T& object, const Application& dst) {
    data[dst].save_fields(nlohmann::json(object));
  }
  template <class T>
  void save(const T& object, const Unit& dst) {
    data[dst].save_fields(nlohmann::json(object));
  }
  // Reads a T from the bag of `src`: kInvalidData when a value is not JSON or T's from_json
  // rejects the fields (a missing field or a wrong type); the message names no value.
  template <class T>
  Result<T> load(const Application& src) {
    return detail::fields_to<T>(data[src].load_fields(), to_string());
  }
  template <class T>
  Result<T> load(const Unit& src) {
    return detail::fields_to<T>(data[src].load_fields(), to_string());
  }

 private:
  void load_units();

  Model& model_;
  bool active_;
  Application* app_ = nullptr;
  bool app_known_ = false;
  std::optional<std::vector<Unit*>> units_;
};

}  // namespace ops
