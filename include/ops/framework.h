// Framework: event emission, observation, deferral and persistence, with the semantics of Python
// ops (docs/reference/juju-charm-contract.md §6.2):
//
//  - framework.observe(event, observer, &Observer::method) registers a handler. Handlers of one
//    event run in registration order.
//  - Emitting an event records one "notice" per observer, skipping a notice identical to one
//    already queued (same observer, method, event kind and snapshot). An observer that calls
//    event.defer() keeps its notice; the others are dropped.
//  - At the start of the next dispatch, reemit() replays every queued notice in order, each only to
//    the observer that deferred it, before the new Juju event. Notices whose event kind or observer
//    is no longer registered are dropped.
//  - Custom events emitted inside a handler run synchronously through the same mechanism.
//  - Actions, stop, remove, secret-rotate, secret-expired and collect-status cannot be deferred
//    (defer() throws std::logic_error).
//
// Observer identity: a notice names the observer by its handle path plus "<kind>/<n>", n being the
// index of that handler among the observer's handlers for that event kind (usually 0). Register
// handlers in a fixed order (in the constructor) so that a deferred event reaches the same
// handler in the next process.
//
// State (notices, event snapshots, StoredState data, event counter) lives in a StateDocument that a
// StateStore loads at start and saves once, at commit, only after every handler succeeded.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "ops/state_store.h"

namespace ops {

class Framework;
class Model;

// Base of everything that has a handle path (charms, libraries, event emitters), like ops.Object.
class Object {
 public:
  // A root object: handle path = key (e.g. "charm").
  Object(Framework& framework, std::string key);
  // A child object: handle path = <parent path>/<kind>[<key>], or <parent path>/<kind> if key
  // is empty.
  Object(Object& parent, std::string_view kind, std::string_view key);
  virtual ~Object() = default;
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;

  Framework& framework() const { return *framework_; }
  const std::string& handle_path() const { return handle_path_; }

 private:
  Framework* framework_;
  std::string handle_path_;
};

class EventBase {
 public:
  virtual ~EventBase() = default;

  // Keep this event queued for this observer; it is re-emitted at the start of the next dispatch.
  void defer();
  bool deferred() const { return deferred_; }
  const std::string& handle_path() const { return handle_path_; }
  // The kind, e.g. "config_changed" or "mount_share".
  const std::string& kind() const { return kind_; }
  Framework& framework() const;
  Model& model() const;

  // What a deferred event needs to be rebuilt; plain JSON.
  virtual nlohmann::json snapshot() const { return nlohmann::json::object(); }
  virtual void restore(const nlohmann::json& snapshot) { (void)snapshot; }
  virtual bool deferrable() const { return true; }

 private:
  friend class Framework;
  Framework* framework_ = nullptr;
  std::string handle_path_;
  std::string kind_;
  bool deferred_ = false;
};

// Type-erased part of BoundEvent, used by the framework to rebuild deferred events.
class EventSource {
 public:
  EventSource(Framework& framework, std::string emitter_path, std::string kind)
      : framework_(framework), emitter_path_(std::move(emitter_path)), kind_(std::move(kind)) {}
  virtual ~EventSource() = default;
  const std::string& emitter_path() const { return emitter_path_; }
  const std::string& kind() const { return kind_; }
  // A default-constructed event of the right type, to be filled by restore().
  virtual std::unique_ptr<EventBase> create() const = 0;

 protected:
  Framework& framework_;

 private:
  std::string emitter_path_;
  std::string kind_;
};

// An event of a given type bound to its emitter: charm.on.install, requires.on.mount_share.
template <class E>
class BoundEvent : public EventSource {
  static_assert(std::is_base_of_v<EventBase, E>, "events derive from ops::EventBase");

 public:
  using EventSource::EventSource;
  // Builds E from args and emits it (handlers run before emit returns).
  template <class... Args>
  void emit(Args&&... args);
  std::unique_ptr<EventBase> create() const override { return std::make_unique<E>(); }
};

// The set of events an object emits (its "on"). Subclasses define their events as members:
//   class MyEvents : public ops::ObjectEvents {
//    public:
//     using ObjectEvents::ObjectEvents;
//     ops::BoundEvent<MountShareEvent>& mount_share = define<MountShareEvent>("mount_share");
//   };
class ObjectEvents {
 public:
  // Emitter path = <parent path>/on
  explicit ObjectEvents(Object& parent);
  virtual ~ObjectEvents() = default;
  ObjectEvents(const ObjectEvents&) = delete;
  ObjectEvents& operator=(const ObjectEvents&) = delete;

  const std::string& path() const { return path_; }
  Framework& framework() const { return framework_; }

 protected:
  // Defines (or returns the already defined) event of that kind. A kind is bound to one type;
  // asking for it with another type throws std::logic_error.
  template <class E>
  BoundEvent<E>& define(const std::string& kind);

 private:
  Framework& framework_;
  std::string path_;
  std::map<std::string, std::unique_ptr<EventSource>> sources_;
};

class Framework {
 public:
  // The framework does not own the model or the store; both must outlive it.
  Framework(Model& model, StateDocument state);
  Framework(const Framework&) = delete;
  Framework& operator=(const Framework&) = delete;

  Model& model() const { return model_; }

  // framework.observe(charm.on.install, this, &MyCharm::on_install). The method may take the
  // event type or any base of it.
  template <class E, class O, class Arg>
  void observe(BoundEvent<E>& event, O* observer, void (O::*method)(Arg&)) {
    static_assert(std::is_base_of_v<Object, O>, "observers derive from ops::Object");
    static_assert(std::is_base_of_v<Arg, E>, "handler must take the event type or a base of it");
    add_observer(event, observer->handle_path(),
                 [observer, method](EventBase& e) { (observer->*method)(static_cast<E&>(e)); });
  }
  // A callable handler owned by `owner` (for tests and small charms).
  template <class E>
  void observe(BoundEvent<E>& event, Object& owner, std::function<void(E&)> handler) {
    add_observer(event, owner.handle_path(),
                 [handler = std::move(handler)](EventBase& e) { handler(static_cast<E&>(e)); });
  }

  // Replays queued notices (see file comment). Called by the dispatcher before the Juju event.
  void reemit();
  // Emits an event from a source; used by BoundEvent::emit.
  void emit(EventSource& source, std::unique_ptr<EventBase> event) { emit(source, *event); }
  // Emits an event the caller keeps (the dispatcher reads collect-status results from it).
  void emit(EventSource& source, EventBase& event);
  // Whether any handler observes this event.
  bool has_observers(const EventSource& source) const;

  // Saves stored-state data into the document and returns it (for the StateStore to persist).
  const StateDocument& commit();
  const StateDocument& state() const { return state_; }
  StateDocument& mutable_state() { return state_; }

  // Called for every emitted event (kind, emitter path) before its handlers; tests record with it.
  void set_emit_listener(std::function<void(const EventBase&, const EventSource&)> listener) {
    emit_listener_ = std::move(listener);
  }

  // Registry used by ObjectEvents and StoredState.
  void register_source(EventSource& source);
  void register_stored_state(const std::string& handle, std::function<nlohmann::json()> dump);

 private:
  struct Observer {
    std::string emitter_path;
    std::string kind;
    std::string observer_path;
    std::string method;
    std::function<void(EventBase&)> call;
  };

  void add_observer(EventSource& source, const std::string& observer_path,
                    std::function<void(EventBase&)> call);
  const Observer* find_observer(const std::string& emitter_path, const std::string& kind,
                                const std::string& observer_path, const std::string& method) const;
  void call_observer(const Observer& observer, EventBase& event, const Notice& notice);
  void drop_unreferenced_snapshot(const std::string& event_path);

  Model& model_;
  StateDocument state_;
  std::vector<Observer> observers_;
  std::map<std::pair<std::string, std::string>, EventSource*> sources_;
  std::vector<std::pair<std::string, std::function<nlohmann::json()>>> stored_states_;
  std::function<void(const EventBase&, const EventSource&)> emit_listener_;
};

template <class E>
template <class... Args>
void BoundEvent<E>::emit(Args&&... args) {
  framework_.emit(*this, std::make_unique<E>(std::forward<Args>(args)...));
}

template <class E>
BoundEvent<E>& ObjectEvents::define(const std::string& kind) {
  auto it = sources_.find(kind);
  if (it == sources_.end()) {
    auto source = std::make_unique<BoundEvent<E>>(framework_, path_, kind);
    auto* raw = source.get();
    sources_.emplace(kind, std::move(source));
    framework_.register_source(*raw);
    return *raw;
  }
  auto* typed = dynamic_cast<BoundEvent<E>*>(it->second.get());
  if (typed == nullptr) throw std::logic_error("event kind '" + kind + "' bound to another type");
  return *typed;
}

}  // namespace ops
