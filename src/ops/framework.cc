#include "ops/framework.h"

#include <algorithm>
#include <stdexcept>

#include "ops/log.h"

namespace ops {
namespace {

// "charm/on/config_changed[17]" -> {"charm/on", "config_changed"}
std::pair<std::string, std::string> split_event_path(const std::string& path) {
  auto slash = path.rfind('/');
  auto bracket = path.rfind('[');
  if (slash == std::string::npos || bracket == std::string::npos || bracket < slash) return {};
  return {path.substr(0, slash), path.substr(slash + 1, bracket - slash - 1)};
}

}  // namespace

Object::Object(Framework& framework, std::string key)
    : framework_(&framework), handle_path_(std::move(key)) {}

Object::Object(Object& parent, std::string_view kind, std::string_view key)
    : framework_(&parent.framework()), handle_path_(parent.handle_path()) {
  handle_path_.append("/").append(kind);
  if (!key.empty()) handle_path_.append("[").append(key).append("]");
}

void EventBase::defer() {
  if (!deferrable()) {
    throw std::logic_error("cannot defer " + kind_ + " events");
  }
  deferred_ = true;
}

Framework& EventBase::framework() const {
  if (framework_ == nullptr) throw std::logic_error("event is not bound to a framework");
  return *framework_;
}

Model& EventBase::model() const { return framework().model(); }

ObjectEvents::ObjectEvents(Object& parent)
    : framework_(parent.framework()), path_(parent.handle_path() + "/on") {}

Framework::Framework(Model& model, StateDocument state) : model_(model), state_(std::move(state)) {}

void Framework::register_source(EventSource& source) {
  sources_[{source.emitter_path(), source.kind()}] = &source;
}

void Framework::register_stored_state(const std::string& handle,
                                      std::function<nlohmann::json()> dump) {
  stored_states_.emplace_back(handle, std::move(dump));
}

void Framework::add_observer(EventSource& source, const std::string& observer_path,
                             std::function<void(EventBase&)> call) {
  int index = 0;
  for (const auto& o : observers_) {
    if (o.emitter_path == source.emitter_path() && o.kind == source.kind() &&
        o.observer_path == observer_path) {
      ++index;
    }
  }
  observers_.push_back({source.emitter_path(), source.kind(), observer_path,
                        source.kind() + "/" + std::to_string(index), std::move(call)});
}

const Framework::Observer* Framework::find_observer(const std::string& emitter_path,
                                                    const std::string& kind,
                                                    const std::string& observer_path,
                                                    const std::string& method) const {
  for (const auto& o : observers_) {
    if (o.emitter_path == emitter_path && o.kind == kind && o.observer_path == observer_path &&
        o.method == method) {
      return &o;
    }
  }
  return nullptr;
}

void Framework::call_observer(const Observer& observer, EventBase& event, const Notice& notice) {
  event.deferred_ = false;
  observer.call(event);
  if (!event.deferred_) {
    auto it = std::find(state_.notices.begin(), state_.notices.end(), notice);
    if (it != state_.notices.end()) state_.notices.erase(it);
  } else {
    log::debug("Deferring {}.", event.handle_path());
  }
}

void Framework::drop_unreferenced_snapshot(const std::string& event_path) {
  for (const auto& n : state_.notices) {
    if (n.event_path == event_path) return;
  }
  state_.snapshots.erase(event_path);
}

bool Framework::has_observers(const EventSource& source) const {
  for (const auto& o : observers_) {
    if (o.emitter_path == source.emitter_path() && o.kind == source.kind()) return true;
  }
  return false;
}

void Framework::emit(EventSource& source, EventBase& event_ref) {
  EventBase* event = &event_ref;
  ++state_.event_count;
  event->framework_ = this;
  event->kind_ = source.kind();
  event->handle_path_ =
      source.emitter_path() + "/" + source.kind() + "[" + std::to_string(state_.event_count) + "]";
  if (emit_listener_) emit_listener_(*event, source);

  std::vector<const Observer*> targets;
  for (const auto& o : observers_) {
    if (o.emitter_path == source.emitter_path() && o.kind == source.kind()) targets.push_back(&o);
  }
  if (targets.empty()) return;

  // Not-deferrable events are never persisted; they simply run.
  if (!event->deferrable()) {
    for (const auto* o : targets) o->call(*event);
    return;
  }

  const nlohmann::json snapshot = event->snapshot();
  std::vector<std::pair<const Observer*, Notice>> fresh;
  for (const auto* o : targets) {
    bool duplicate = false;
    for (const auto& n : state_.notices) {
      if (n.observer_path != o->observer_path || n.method != o->method) continue;
      auto [emitter, kind] = split_event_path(n.event_path);
      if (emitter != source.emitter_path() || kind != source.kind()) continue;
      auto snap = state_.snapshots.find(n.event_path);
      if (snap != state_.snapshots.end() && *snap == snapshot) {
        duplicate = true;
        break;
      }
    }
    if (duplicate) {
      log::debug("Skipping {} for {}: an identical event is already deferred.",
                 event->handle_path(), o->observer_path);
      continue;
    }
    Notice notice{event->handle_path(), o->observer_path, o->method};
    state_.notices.push_back(notice);
    fresh.emplace_back(o, notice);
  }
  if (fresh.empty()) return;
  state_.snapshots[event->handle_path()] = snapshot;
  for (const auto& [observer, notice] : fresh) call_observer(*observer, *event, notice);
  drop_unreferenced_snapshot(event->handle_path());
}

void Framework::reemit() {
  // Work on a copy: handlers may defer again (keeping the notice) or emit new events.
  const std::vector<Notice> queued = state_.notices;
  for (const auto& notice : queued) {
    if (std::find(state_.notices.begin(), state_.notices.end(), notice) == state_.notices.end()) {
      continue;
    }
    auto [emitter, kind] = split_event_path(notice.event_path);
    auto source_it = sources_.find({emitter, kind});
    const Observer* observer =
        source_it == sources_.end()
            ? nullptr
            : find_observer(emitter, kind, notice.observer_path, notice.method);
    auto snap = state_.snapshots.find(notice.event_path);
    if (observer == nullptr || snap == state_.snapshots.end()) {
      log::debug("Dropping deferred {}: no such event kind or observer any more.",
                 notice.event_path);
      state_.notices.erase(std::find(state_.notices.begin(), state_.notices.end(), notice));
      drop_unreferenced_snapshot(notice.event_path);
      continue;
    }
    auto event = source_it->second->create();
    event->framework_ = this;
    event->kind_ = kind;
    event->handle_path_ = notice.event_path;
    event->restore(*snap);
    log::debug("Re-emitting deferred event {}.", notice.event_path);
    if (emit_listener_) emit_listener_(*event, *source_it->second);
    call_observer(*observer, *event, notice);
    drop_unreferenced_snapshot(notice.event_path);
  }
}

const StateDocument& Framework::commit() {
  for (const auto& [handle, dump] : stored_states_) state_.snapshots[handle] = dump();
  return state_;
}

}  // namespace ops
