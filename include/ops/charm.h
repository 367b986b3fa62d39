// CharmBase and CharmEvents: what a charm derives from, as in Python ops.
//
// Example:
//   class SampleCharm : public ops::CharmBase {
//    public:
//     explicit SampleCharm(ops::Framework& framework) : CharmBase(framework) {
//       framework.observe(on.install, this, &SampleCharm::on_install);
//       framework.observe(on.relation_changed("db"), this, &SampleCharm::on_db_changed);
//     }
//     void on_install(ops::InstallEvent&) { unit().set_status(ops::ActiveStatus()); }
//     void on_db_changed(ops::RelationChangedEvent& event) { ... }
//   };
//   int main(int argc, char** argv) { return ops::main<SampleCharm>(argc, argv); }
#pragma once

#include <string>
#include <string_view>

#include "ops/events.h"
#include "ops/framework.h"
#include "ops/model.h"

namespace ops {

class CharmEvents : public ObjectEvents {
 public:
  explicit CharmEvents(Object& charm) : ObjectEvents(charm) {}

  BoundEvent<InstallEvent>& install = define<InstallEvent>("install");
  BoundEvent<StartEvent>& start = define<StartEvent>("start");
  BoundEvent<StopEvent>& stop = define<StopEvent>("stop");
  BoundEvent<RemoveEvent>& remove = define<RemoveEvent>("remove");
  BoundEvent<ConfigChangedEvent>& config_changed = define<ConfigChangedEvent>("config_changed");
  BoundEvent<UpgradeCharmEvent>& upgrade_charm = define<UpgradeCharmEvent>("upgrade_charm");
  BoundEvent<UpdateStatusEvent>& update_status = define<UpdateStatusEvent>("update_status");
  BoundEvent<LeaderElectedEvent>& leader_elected = define<LeaderElectedEvent>("leader_elected");
  BoundEvent<LeaderSettingsChangedEvent>& leader_settings_changed =
      define<LeaderSettingsChangedEvent>("leader_settings_changed");
  BoundEvent<SecretChangedEvent>& secret_changed = define<SecretChangedEvent>("secret_changed");
  BoundEvent<SecretRotateEvent>& secret_rotate = define<SecretRotateEvent>("secret_rotate");
  BoundEvent<SecretRemoveEvent>& secret_remove = define<SecretRemoveEvent>("secret_remove");
  BoundEvent<SecretExpiredEvent>& secret_expired = define<SecretExpiredEvent>("secret_expired");
  BoundEvent<CollectStatusEvent>& collect_unit_status =
      define<CollectStatusEvent>("collect_unit_status");
  BoundEvent<CollectStatusEvent>& collect_app_status =
      define<CollectStatusEvent>("collect_app_status");

  // Relation events of an endpoint; kind "<endpoint with - as _>_relation_<x>", as in ops.
  BoundEvent<RelationCreatedEvent>& relation_created(std::string_view endpoint);
  BoundEvent<RelationJoinedEvent>& relation_joined(std::string_view endpoint);
  BoundEvent<RelationChangedEvent>& relation_changed(std::string_view endpoint);
  BoundEvent<RelationDepartedEvent>& relation_departed(std::string_view endpoint);
  BoundEvent<RelationBrokenEvent>& relation_broken(std::string_view endpoint);
  // The event of an action; kind "<name with - as _>_action".
  BoundEvent<ActionEvent>& action(std::string_view name);

  // "cephfs-share" + "_relation_changed" -> "cephfs_share_relation_changed"
  static std::string event_kind(std::string_view name, std::string_view suffix);
};

class CharmBase : public Object {
 public:
  explicit CharmBase(Framework& framework, std::string handle_key = "charm")
      : Object(framework, std::move(handle_key)), on(*this) {}

  CharmEvents on;

  Model& model() const;
  Unit& unit() const;
  Application& app() const;
  ConfigData& config() const;
  const CharmMeta& meta() const;
};

}  // namespace ops
