// StoredState: data a charm or library keeps between hooks, like Python ops' StoredState. The
// values are JSON; they are saved in the framework's state document (snapshot key
// "<owner path>/StoredStateData[<name>]") when the dispatch commits, i.e. only if every handler
// succeeded.
//
// Example:
//   class MyCharm : public ops::CharmBase {
//     ops::StoredState stored_{*this};
//     ...
//     stored_.set_default("mounted", false);
//     if (!stored_["mounted"].get<bool>()) ...
//     stored_["mounted"] = true;
//   };
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "ops/framework.h"

namespace ops {

class StoredState {
 public:
  explicit StoredState(Object& owner, std::string name = "_stored");
  StoredState(const StoredState&) = delete;
  StoredState& operator=(const StoredState&) = delete;

  // Sets key to value unless it is already present.
  void set_default(const std::string& key, nlohmann::json value);
  nlohmann::json& operator[](const std::string& key) { return data_[key]; }
  bool contains(const std::string& key) const { return data_.contains(key); }
  const nlohmann::json& data() const { return data_; }
  const std::string& handle() const { return handle_; }

 private:
  std::string handle_;
  nlohmann::json data_ = nlohmann::json::object();
};

}  // namespace ops
