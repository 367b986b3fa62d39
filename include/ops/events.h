// The Juju events a charm observes, named like Python ops. Each type carries what Juju's
// environment gives for that hook (docs/reference/juju-charm-contract.md §1.3) and snapshots
// itself so it can be deferred (§6.2).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ops/framework.h"
#include "ops/secret.h"
#include "ops/status.h"

namespace ops {

class Relation;
class Unit;
class Application;

// Lifecycle hooks without extra payload.
class HookEvent : public EventBase {};
class InstallEvent : public HookEvent {};
class StartEvent : public HookEvent {};
class StopEvent : public HookEvent {
 public:
  bool deferrable() const override { return false; }
};
class RemoveEvent : public HookEvent {
 public:
  bool deferrable() const override { return false; }
};
class ConfigChangedEvent : public HookEvent {};
class UpgradeCharmEvent : public HookEvent {};
class UpdateStatusEvent : public HookEvent {};
class LeaderElectedEvent : public HookEvent {};
class LeaderSettingsChangedEvent : public HookEvent {};

// <endpoint>-relation-* hooks. `unit` is null for created/broken and for application-bag changes.
class RelationEvent : public HookEvent {
 public:
  RelationEvent() = default;
  RelationEvent(Relation* relation, Application* app, Unit* unit)
      : relation(relation), app(app), unit(unit) {}
  Relation* relation = nullptr;
  Application* app = nullptr;
  Unit* unit = nullptr;

  nlohmann::json snapshot() const override;
  void restore(const nlohmann::json& snapshot) override;
};
class RelationCreatedEvent : public RelationEvent {
  using RelationEvent::RelationEvent;
};
class RelationJoinedEvent : public RelationEvent {
  using RelationEvent::RelationEvent;
};
class RelationChangedEvent : public RelationEvent {
  using RelationEvent::RelationEvent;
};
class RelationDepartedEvent : public RelationEvent {
 public:
  RelationDepartedEvent() = default;
  RelationDepartedEvent(Relation* relation, Application* app, Unit* unit, Unit* departing)
      : RelationEvent(relation, app, unit), departing_unit(departing) {}
  Unit* departing_unit = nullptr;
  nlohmann::json snapshot() const override;
  void restore(const nlohmann::json& snapshot) override;
};
class RelationBrokenEvent : public RelationEvent {
  using RelationEvent::RelationEvent;
};

// secret-* hooks. `secret` is built from JUJU_SECRET_ID / JUJU_SECRET_LABEL without a tool call.
class SecretEvent : public HookEvent {
 public:
  SecretEvent() = default;
  SecretEvent(std::string id, std::optional<std::string> label)
      : id(std::move(id)), label(std::move(label)) {}
  std::string id;
  std::optional<std::string> label;
  Secret secret() const;
  nlohmann::json snapshot() const override;
  void restore(const nlohmann::json& snapshot) override;
};
class SecretChangedEvent : public SecretEvent {
  using SecretEvent::SecretEvent;
};
class SecretRotateEvent : public SecretEvent {
 public:
  using SecretEvent::SecretEvent;
  bool deferrable() const override { return false; }
};
class SecretRevisionEvent : public SecretEvent {
 public:
  SecretRevisionEvent() = default;
  SecretRevisionEvent(std::string id, std::optional<std::string> label, int revision)
      : SecretEvent(std::move(id), std::move(label)), revision(revision) {}
  int revision = 0;
  nlohmann::json snapshot() const override;
  void restore(const nlohmann::json& snapshot) override;
};
class SecretRemoveEvent : public SecretRevisionEvent {
  using SecretRevisionEvent::SecretRevisionEvent;
};
class SecretExpiredEvent : public SecretRevisionEvent {
 public:
  using SecretRevisionEvent::SecretRevisionEvent;
  bool deferrable() const override { return false; }
};

// actions/<name>. params come from action-get (read once, on first use).
class ActionEvent : public EventBase {
 public:
  ActionEvent() = default;
  ActionEvent(std::string name, std::string id) : name(std::move(name)), id(std::move(id)) {}
  std::string name;
  std::string id;

  const nlohmann::json& params();
  // action-set; nested objects are flattened with '.', keys validated as Juju does
  // (std::invalid_argument on a bad or reserved key).
  void set_results(const nlohmann::json& results);
  void log(const std::string& message);
  void fail(const std::string& message = "");
  bool failed() const { return failed_; }
  bool deferrable() const override { return false; }

 private:
  std::optional<nlohmann::json> params_;
  bool failed_ = false;
};

// collect_unit_status / collect_app_status, emitted after every Juju event. Handlers add
// candidates; the highest-priority one is set (first added wins ties).
class CollectStatusEvent : public EventBase {
 public:
  void add_status(const StatusBase& status) { statuses.push_back(status); }
  std::vector<StatusBase> statuses;
  bool deferrable() const override { return false; }
};

}  // namespace ops
