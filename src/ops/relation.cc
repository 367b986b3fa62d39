#include "ops/relation.h"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "ops/errors.h"
#include "ops/model.h"

namespace ops {
namespace {

// Python's json.dumps(value) with default arguments, for the values nlohmann holds. Scalars are
// nlohmann's ensure_ascii form, which matches Python's for strings, integers and booleans.
std::string python_dumps(const nlohmann::json& value) {
  if (value.is_object()) {
    std::string out = "{";
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (it != value.begin()) out += ", ";
      out += nlohmann::json(it.key()).dump(-1, ' ', true) + ": " + python_dumps(it.value());
    }
    return out + "}";
  }
  if (value.is_array()) {
    std::string out = "[";
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (i > 0) out += ", ";
      out += python_dumps(value[i]);
    }
    return out + "]";
  }
  return value.dump(-1, ' ', true);
}

constexpr std::array<std::string_view, 3> kJujuUnitKeys = {"egress-subnets", "ingress-address",
                                                           "private-address"};

}  // namespace

// ---- RelationDataContent ----

RelationDataContent::RelationDataContent(Model& model, Relation& relation, std::string owner_name,
                                         bool is_app)
    : model_(model), relation_(relation), owner_name_(std::move(owner_name)), is_app_(is_app) {}

void RelationDataContent::check_readable() {
  if (!is_app_ || owner_name_ != model_.app().name) return;
  if (model_.meta().is_peer(relation_.name)) return;
  if (!model_.is_leader()) {
    throw RelationDataAccessError(model_.unit().name +
                                  " is not leader and cannot read its own application databag");
  }
}

void RelationDataContent::check_writable() {
  if (is_app_) {
    if (owner_name_ != model_.app().name) {
      throw RelationDataAccessError(model_.app().name +
                                    " cannot write the data of remote application " + owner_name_);
    }
    if (!model_.is_leader()) {
      throw RelationDataAccessError(model_.unit().name +
                                    " is not leader and cannot write application data.");
    }
    return;
  }
  if (owner_name_ != model_.unit().name) {
    throw RelationDataAccessError(model_.unit().name + " cannot write databag of " + owner_name_ +
                                  ": not the same unit.");
  }
}

const Bag& RelationDataContent::items() {
  if (!cache_) {
    check_readable();
    auto bag = model_.backend().relation_get(relation_.name, relation_.id, owner_name_, is_app_);
    if (!bag && bag.error().code == ErrorCode::kRelationNotFound) {
      cache_ = Bag{};  // a dead relation reads as empty, as in ops
    } else {
      cache_ = unwrap(std::move(bag));
    }
  }
  return *cache_;
}

std::optional<std::string> RelationDataContent::get(std::string_view key) {
  const auto& bag = items();
  auto it = bag.find(std::string(key));
  if (it == bag.end()) return std::nullopt;
  return it->second;
}

std::string RelationDataContent::value_or_empty(std::string_view key) {
  return get(key).value_or("");
}

bool RelationDataContent::contains(std::string_view key) { return get(key).has_value(); }

void RelationDataContent::set(const std::string& key, const std::string& value) {
  update(Bag{{key, value}});
}

void RelationDataContent::erase(const std::string& key) { set(key, ""); }

void RelationDataContent::update(const Bag& values) {
  check_writable();
  for (const auto& [key, value] : values) {
    if (key.empty()) throw RelationDataTypeError("relation data keys must not be empty");
  }
  Bag changes;
  for (const auto& [key, value] : values) {
    if (cache_) {
      auto it = cache_->find(key);
      const bool same =
          value.empty() ? it == cache_->end() : it != cache_->end() && it->second == value;
      if (same) continue;
    }
    changes.emplace(key, value);
  }
  if (changes.empty()) return;
  unwrap(model_.backend().relation_set(relation_.name, relation_.id, changes, is_app_));
  if (cache_) {
    for (const auto& [key, value] : changes) {
      if (value.empty()) {
        cache_->erase(key);
      } else {
        (*cache_)[key] = value;
      }
    }
  }
}

void RelationDataContent::save_fields(const nlohmann::json& fields) {
  if (!fields.is_object()) {
    throw std::invalid_argument("Relation::save: the value must convert to a JSON object, not " +
                                std::string(fields.type_name()));
  }
  Bag encoded;
  for (const auto& [key, value] : fields.items()) {
    try {
      encoded[key] = python_dumps(value);
    } catch (const nlohmann::json::exception&) {
      throw std::invalid_argument("Relation::save: field '" + key +
                                  "' holds a string that is not valid UTF-8");
    }
  }
  update(encoded);
}

Result<nlohmann::json> RelationDataContent::load_fields() {
  nlohmann::json fields = nlohmann::json::object();
  for (const auto& [key, text] : items()) {
    if (!is_app_ &&
        std::find(kJujuUnitKeys.begin(), kJujuUnitKeys.end(), key) != kJujuUnitKeys.end()) {
      continue;
    }
    auto value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) {
      return Error{ErrorCode::kInvalidData, "relation " + relation_.to_string() +
                                                ": the value of '" + key + "' in the databag of " +
                                                owner_name_ + " is not JSON"};
    }
    fields[key] = std::move(value);
  }
  return fields;
}

// ---- RelationData ----

RelationDataContent& RelationData::bag(const std::string& name, bool is_app) {
  auto key = std::make_pair(name, is_app);
  auto it = bags_.find(key);
  if (it != bags_.end()) return *it->second;
  auto content = std::make_unique<RelationDataContent>(model_, relation_, name, is_app);
  return *bags_.emplace(key, std::move(content)).first->second;
}

RelationDataContent& RelationData::operator[](const Unit& unit) { return bag(unit.name, false); }

RelationDataContent& RelationData::operator[](const Application& app) {
  return bag(app.name, true);
}

// ---- Relation ----

Relation::Relation(Model& model, std::string endpoint, int id, bool active)
    : name(std::move(endpoint)), id(id), data(model, *this), model_(model), active_(active) {}

Application* Relation::app() {
  if (!app_known_) {
    app_known_ = true;
    if (!active_) return app_;
    auto remote = model_.backend().relation_remote_app(name, id);
    if (remote) {
      if (!remote->empty()) app_ = &model_.get_app(*remote);
    } else if (remote.error().code != ErrorCode::kRelationNotFound) {
      throw_error(remote.error());
    }
  }
  return app_;
}

void Relation::load_units() {
  std::vector<Unit*> units;
  if (active_) {
    auto names = model_.backend().relation_list(name, id);
    if (names) {
      for (const auto& unit : *names) units.push_back(&model_.get_unit(unit));
    } else if (names.error().code == ErrorCode::kRelationNotFound) {
      active_ = false;
    } else {
      throw_error(names.error());
    }
  }
  units_ = std::move(units);
}

const std::vector<Unit*>& Relation::units() {
  if (!units_) load_units();
  return *units_;
}

void Relation::mark_broken() {
  active_ = false;
  units_ = std::vector<Unit*>{};
}

std::string Relation::to_string() const { return name + ":" + std::to_string(id); }

}  // namespace ops
