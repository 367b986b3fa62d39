#include "ops/stored_state.h"

namespace ops {

StoredState::StoredState(Object& owner, std::string name)
    : handle_(owner.handle_path() + "/StoredStateData[" + std::move(name) + "]") {
  auto& framework = owner.framework();
  const auto& snapshots = framework.state().snapshots;
  if (auto it = snapshots.find(handle_); it != snapshots.end() && it->is_object()) data_ = *it;
  framework.register_stored_state(handle_, [this] { return data_; });
}

void StoredState::set_default(const std::string& key, nlohmann::json value) {
  if (!data_.contains(key)) data_[key] = std::move(value);
}

}  // namespace ops
