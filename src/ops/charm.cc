#include "ops/charm.h"

#include <algorithm>

namespace ops {

std::string CharmEvents::event_kind(std::string_view name, std::string_view suffix) {
  std::string kind(name);
  std::replace(kind.begin(), kind.end(), '-', '_');
  return kind + std::string(suffix);
}

BoundEvent<RelationCreatedEvent>& CharmEvents::relation_created(std::string_view endpoint) {
  return define<RelationCreatedEvent>(event_kind(endpoint, "_relation_created"));
}
BoundEvent<RelationJoinedEvent>& CharmEvents::relation_joined(std::string_view endpoint) {
  return define<RelationJoinedEvent>(event_kind(endpoint, "_relation_joined"));
}
BoundEvent<RelationChangedEvent>& CharmEvents::relation_changed(std::string_view endpoint) {
  return define<RelationChangedEvent>(event_kind(endpoint, "_relation_changed"));
}
BoundEvent<RelationDepartedEvent>& CharmEvents::relation_departed(std::string_view endpoint) {
  return define<RelationDepartedEvent>(event_kind(endpoint, "_relation_departed"));
}
BoundEvent<RelationBrokenEvent>& CharmEvents::relation_broken(std::string_view endpoint) {
  return define<RelationBrokenEvent>(event_kind(endpoint, "_relation_broken"));
}
BoundEvent<ActionEvent>& CharmEvents::action(std::string_view name) {
  return define<ActionEvent>(event_kind(name, "_action"));
}

Model& CharmBase::model() const { return framework().model(); }
Unit& CharmBase::unit() const { return model().unit(); }
Application& CharmBase::app() const { return model().app(); }
ConfigData& CharmBase::config() const { return model().config(); }
const CharmMeta& CharmBase::meta() const { return model().meta(); }

}  // namespace ops
