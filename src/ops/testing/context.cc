#include "ops/testing/context.h"

#include <cxxabi.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <typeinfo>
#include <utility>

#include "ops/framework.h"
#include "ops/juju_context.h"
#include "ops/log.h"
#include "ops/state_store.h"

namespace ops::testing {
namespace {

using Type = Event::Type;

bool is_relation_event(Type type) {
  return type == Type::kRelationCreated || type == Type::kRelationJoined ||
         type == Type::kRelationChanged || type == Type::kRelationDeparted ||
         type == Type::kRelationBroken;
}

bool is_secret_event(Type type) {
  return type == Type::kSecretChanged || type == Type::kSecretRemove ||
         type == Type::kSecretExpired || type == Type::kSecretRotate;
}

std::string underscores(std::string_view name) {
  std::string out(name);
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

std::string demangle(const char* mangled) {
  int status = 0;
  char* demangled = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  if (status != 0 || demangled == nullptr) return mangled;
  std::string out(demangled);
  std::free(
      demangled);  // NOLINT(cppcoreguidelines-no-malloc): __cxa_demangle allocates with malloc
  return out;
}

// "charm/on/config_changed[12]" -> 12; no "[n]" suffix -> nullopt.
std::optional<long long> handle_index(std::string_view handle) {
  if (!handle.ends_with(']')) return std::nullopt;
  auto open = handle.rfind('[');
  if (open == std::string_view::npos) return std::nullopt;
  auto digits = handle.substr(open + 1, handle.size() - open - 2);
  if (digits.empty() ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoll(std::string(digits));
}

constexpr std::string_view kStoredStateMarker = "/StoredStateData[";

ops::StateDocument to_document(const State& state) {
  ops::StateDocument doc;
  for (const auto& entry : state.stored_states) {
    doc.snapshots[entry.owner_path + std::string(kStoredStateMarker) + entry.name + "]"] =
        entry.content;
  }
  long long highest = 0;
  for (const auto& deferred : state.deferred) {
    highest = std::max(highest, handle_index(deferred.handle_path).value_or(0));
  }
  for (const auto& deferred : state.deferred) {
    std::string handle = deferred.handle_path;
    if (!handle_index(handle)) handle += fmt::format("[{}]", ++highest);
    doc.notices.push_back(ops::Notice{handle, deferred.observer_path, deferred.method});
    doc.snapshots[handle] = deferred.snapshot;
  }
  doc.event_count = highest;  // the framework numbers the next event highest + 1
  return doc;
}

void from_document(const ops::StateDocument& doc, State& state) {
  state.stored_states.clear();
  state.deferred.clear();
  if (doc.snapshots.is_object()) {
    for (const auto& [key, content] : doc.snapshots.items()) {
      auto marker = key.rfind(kStoredStateMarker);
      if (marker == std::string::npos || !key.ends_with(']')) continue;
      auto name_start = marker + kStoredStateMarker.size();
      state.stored_states.push_back(StoredStateEntry{
          key.substr(0, marker), key.substr(name_start, key.size() - name_start - 1), content});
    }
  }
  for (const auto& notice : doc.notices) {
    nlohmann::json snapshot = nlohmann::json::object();
    if (doc.snapshots.is_object() && doc.snapshots.contains(notice.event_path)) {
      snapshot = doc.snapshots[notice.event_path];
    }
    state.deferred.push_back(
        DeferredEvent{notice.event_path, notice.observer_path, notice.method, snapshot});
  }
}

int juju_major_version(const std::string& version) {
  try {
    return std::stoi(version);
  } catch (const std::exception&) {
    return 0;
  }
}

// Sends ops::log lines to juju-log through the backend, as the real entry point does, and restores
// the previous sink when the run ends.
class ScopedBackendLogSink : public ops::LogSink {
 public:
  ScopedBackendLogSink(ops::Backend& backend, bool debug) : backend_(backend) {
    previous_ = ops::set_log_sink(this, debug ? ops::LogLevel::kDebug : ops::LogLevel::kInfo);
  }
  ~ScopedBackendLogSink() override { ops::set_log_sink(previous_); }
  ScopedBackendLogSink(const ScopedBackendLogSink&) = delete;
  ScopedBackendLogSink& operator=(const ScopedBackendLogSink&) = delete;

  void write(ops::LogLevel level, std::string_view message) override {
    // A juju-log failure is recorded in the call log like any other; it must not recurse.
    (void)backend_.juju_log(ops::to_string(level), message);
  }

 private:
  ops::Backend& backend_;
  ops::LogSink* previous_ = nullptr;
};

bool config_value_fits(const std::string& type, const nlohmann::json& value) {
  if (type == "string" || type == "secret") return value.is_string();
  if (type == "int") return value.is_number_integer();
  if (type == "float") return value.is_number();
  if (type == "boolean") return value.is_boolean();
  return true;
}

}  // namespace

// --- Event ---

std::string Event::hook_name() const {
  switch (type) {
    case Type::kInstall:
      return "install";
    case Type::kStart:
      return "start";
    case Type::kStop:
      return "stop";
    case Type::kRemove:
      return "remove";
    case Type::kConfigChanged:
      return "config-changed";
    case Type::kUpdateStatus:
      return "update-status";
    case Type::kUpgradeCharm:
      return "upgrade-charm";
    case Type::kLeaderElected:
      return "leader-elected";
    case Type::kLeaderSettingsChanged:
      return "leader-settings-changed";
    case Type::kSecretChanged:
      return "secret-changed";
    case Type::kSecretRemove:
      return "secret-remove";
    case Type::kSecretExpired:
      return "secret-expired";
    case Type::kSecretRotate:
      return "secret-rotate";
    case Type::kAction:
      return action_name;
    case Type::kRelationCreated:
    case Type::kRelationJoined:
    case Type::kRelationChanged:
    case Type::kRelationDeparted:
    case Type::kRelationBroken:
      break;
  }
  std::string endpoint = relation ? relation->endpoint : std::string("<no relation>");
  switch (type) {
    case Type::kRelationCreated:
      return endpoint + "-relation-created";
    case Type::kRelationJoined:
      return endpoint + "-relation-joined";
    case Type::kRelationChanged:
      return endpoint + "-relation-changed";
    case Type::kRelationDeparted:
      return endpoint + "-relation-departed";
    default:
      return endpoint + "-relation-broken";
  }
}

std::string Event::dispatch_path() const {
  return (type == Type::kAction ? "actions/" : "hooks/") + hook_name();
}

std::string Event::kind() const {
  if (type == Type::kAction) return underscores(action_name) + "_action";
  return underscores(hook_name());
}

DeferredEvent Event::deferred(std::string observer_path, std::string method) const {
  DeferredEvent out;
  out.handle_path = "charm/on/" + kind();
  out.observer_path = std::move(observer_path);
  out.method = method.empty() ? kind() + "/0" : std::move(method);
  if (relation) {
    // Keys as RelationEvent::snapshot writes them; absent units are left out, not null.
    out.snapshot = {{"relation_name", relation->endpoint},
                    {"relation_id", relation->id},
                    {"app_name", relation->remote_app_name}};
    if (remote_unit && type != Type::kRelationCreated && type != Type::kRelationBroken) {
      out.snapshot["unit_name"] = fmt::format("{}/{}", relation->remote_app_name, *remote_unit);
    }
    if (type == Type::kRelationDeparted && departing_unit && *departing_unit != kThisUnit) {
      out.snapshot["departing_unit"] =
          fmt::format("{}/{}", relation->remote_app_name, *departing_unit);
    }
  } else if (secret) {
    out.snapshot = {{"id", secret->id}, {"label", nullptr}};
    if (secret->label) out.snapshot["label"] = *secret->label;
    if (secret_revision) out.snapshot["revision"] = *secret_revision;
  } else if (type == Type::kAction) {
    out.snapshot = {{"id", action_id}};
  }
  return out;
}

// --- EventFactory ---

Event EventFactory::relation_created(const Relation& relation) const {
  return {.type = Type::kRelationCreated, .relation = relation};
}
Event EventFactory::relation_joined(const Relation& relation, int remote_unit) const {
  return {.type = Type::kRelationJoined, .relation = relation, .remote_unit = remote_unit};
}
Event EventFactory::relation_changed(const Relation& relation,
                                     std::optional<int> remote_unit) const {
  return {.type = Type::kRelationChanged, .relation = relation, .remote_unit = remote_unit};
}
Event EventFactory::relation_departed(const Relation& relation, int remote_unit,
                                      std::optional<int> departing_unit) const {
  return {.type = Type::kRelationDeparted,
          .relation = relation,
          .remote_unit = remote_unit,
          .departing_unit = departing_unit.value_or(remote_unit)};
}
Event EventFactory::relation_broken(const Relation& relation) const {
  return {.type = Type::kRelationBroken, .relation = relation};
}
Event EventFactory::secret_changed(const Secret& secret) const {
  return {.type = Type::kSecretChanged, .secret = secret};
}
Event EventFactory::secret_remove(const Secret& secret, int revision) const {
  return {.type = Type::kSecretRemove, .secret = secret, .secret_revision = revision};
}
Event EventFactory::secret_expired(const Secret& secret, int revision) const {
  return {.type = Type::kSecretExpired, .secret = secret, .secret_revision = revision};
}
Event EventFactory::secret_rotate(const Secret& secret) const {
  return {.type = Type::kSecretRotate, .secret = secret};
}
Event EventFactory::action(std::string name, nlohmann::json params, std::string id) const {
  return {.type = Type::kAction,
          .action_name = std::move(name),
          .action_params = std::move(params),
          .action_id = std::move(id)};
}

// --- ContextBase ---

ContextBase::ContextBase(ops::CharmMeta meta, ContextOptions options, ops::CharmFactory factory)
    : meta_(std::move(meta)), options_(std::move(options)), factory_(std::move(factory)) {
  app_name_ = options_.app_name.empty() ? meta_.name : options_.app_name;
}

std::string ContextBase::unit_name() const {
  return fmt::format("{}/{}", app_name_, options_.unit_id);
}

int ContextBase::count_tool_calls(std::string_view tool) const {
  return static_cast<int>(std::count_if(tool_calls.begin(), tool_calls.end(),
                                        [&](const ToolCall& c) { return c.tool == tool; }));
}

namespace {

const Relation* find_state_relation(const State& state, int id) {
  for (const auto& relation : state.relations) {
    if (relation.id == id) return &relation;
  }
  return nullptr;
}

const Secret* find_state_secret(const State& state, const Secret& wanted) {
  for (const auto& secret : state.secrets) {
    if (secret.has_id(wanted.id)) return &secret;
  }
  if (wanted.id.empty() && wanted.label) {
    for (const auto& secret : state.secrets) {
      if (secret.label == wanted.label) return &secret;
    }
  }
  return nullptr;
}

[[noreturn]] void inconsistent(const std::string& message) {
  throw InconsistentScenarioError(message);
}

}  // namespace

void ContextBase::check_consistency(const Event& event, const State& state) const {
  // Relations.
  std::set<int> relation_ids;
  for (const auto& relation : state.relations) {
    if (!relation_ids.insert(relation.id).second) {
      inconsistent(fmt::format(
          "two relations have id {}; give each Relation in the State a distinct .id", relation.id));
    }
    const ops::RelationMeta* declared = meta_.relation(relation.endpoint);
    if (declared == nullptr) {
      inconsistent(
          fmt::format("relation {} uses endpoint '{}', which the metadata of '{}' does "
                      "not declare",
                      relation.id, relation.endpoint, meta_.name));
    }
    if (!relation.interface_name.empty() && relation.interface_name != declared->interface_name) {
      inconsistent(fmt::format("relation {} has interface '{}' but endpoint '{}' declares '{}'",
                               relation.id, relation.interface_name, relation.endpoint,
                               declared->interface_name));
    }
    bool peer = declared->role == ops::RelationRole::kPeers;
    if (relation.peer && !peer) {
      inconsistent(fmt::format("relation {} is marked peer but endpoint '{}' is not under peers:",
                               relation.id, relation.endpoint));
    }
    if (peer) {
      if (!relation.remote_app_data.empty()) {
        inconsistent(
            fmt::format("peer relation {} ('{}'): the application bag is "
                        "local_app_data; leave remote_app_data empty",
                        relation.id, relation.endpoint));
      }
      auto own = relation.remote_units_data.find(options_.unit_id);
      if (own != relation.remote_units_data.end() && !own->second.empty()) {
        inconsistent(
            fmt::format("peer relation {} ('{}') lists the local unit {} in "
                        "remote_units_data; put its bag in local_unit_data",
                        relation.id, relation.endpoint, options_.unit_id));
      }
    }
    if (declared->container_scope && relation.remote_units_data.size() != 1) {
      inconsistent(
          fmt::format("container-scoped relation {} ('{}') must have exactly one remote "
                      "unit, it has {}",
                      relation.id, relation.endpoint, relation.remote_units_data.size()));
    }
  }

  // Secrets.
  std::set<std::string> secret_ids;
  std::set<std::string> labels;
  for (const auto& secret : state.secrets) {
    if (secret.id.empty()) {
      inconsistent(
          "a Secret in the State has no id; set .id, e.g. \"secret:"
          "cr8vcqgpc9t8oet2fdlg\"");
    }
    if (!secret_ids.insert(std::string(Secret::unique_identifier(secret.id))).second) {
      inconsistent(fmt::format("two secrets have id {}", secret.id));
    }
    if (secret.label && !labels.insert(*secret.label).second) {
      inconsistent(
          fmt::format("two secrets have label '{}'; labels are unique per unit", *secret.label));
    }
    if (secret.owner != "app" && secret.owner != "unit" && !secret.owner.empty()) {
      inconsistent(
          fmt::format("secret {} has owner '{}'; use \"app\", \"unit\" or \"\" "
                      "(granted to us)",
                      secret.id, secret.owner));
    }
    if (secret.tracked_revision < 0 ||
        secret.effective_latest_revision() < secret.tracked_revision) {
      inconsistent(fmt::format("secret {}: tracked revision {} and latest revision {} do not fit",
                               secret.id, secret.tracked_revision,
                               secret.effective_latest_revision()));
    }
  }

  // Config.
  if (!state.config.is_object()) inconsistent("State.config must be a JSON object");
  for (const auto& [name, value] : state.config.items()) {
    auto it = meta_.config.find(name);
    if (it == meta_.config.end()) {
      inconsistent(fmt::format("config option '{}' is not declared in the metadata", name));
    }
    if (!config_value_fits(it->second.type, value)) {
      inconsistent(fmt::format("config option '{}' is declared as {} but the State gives {}", name,
                               it->second.type, value.dump()));
    }
  }

  // The event.
  if (is_relation_event(event.type)) {
    if (!event.relation) inconsistent("relation event without a relation");
    const Relation* relation = find_state_relation(state, event.relation->id);
    if (relation == nullptr) {
      inconsistent(fmt::format("{} is for relation {}, which is not in the State",
                               event.hook_name(), event.relation->id));
    }
    if (relation->endpoint != event.relation->endpoint) {
      inconsistent(fmt::format(
          "{} names relation {} on endpoint '{}', but in the State that "
          "relation is on '{}'",
          event.hook_name(), relation->id, event.relation->endpoint, relation->endpoint));
    }
    auto has_unit = [&](int unit_id) {
      return relation->remote_units_data.contains(unit_id) &&
             !(meta_.is_peer(relation->endpoint) && unit_id == options_.unit_id);
    };
    if (event.remote_unit && !has_unit(*event.remote_unit)) {
      inconsistent(fmt::format("{}: remote unit {} is not in remote_units_data of relation {}",
                               event.hook_name(), *event.remote_unit, relation->id));
    }
    if (event.departing_unit && *event.departing_unit != kThisUnit &&
        !has_unit(*event.departing_unit)) {
      inconsistent(fmt::format("{}: departing unit {} is not in remote_units_data of relation {}",
                               event.hook_name(), *event.departing_unit, relation->id));
    }
  }
  if (is_secret_event(event.type)) {
    if (!event.secret) inconsistent("secret event without a secret");
    if (juju_major_version(options_.juju_version) < 3) {
      inconsistent(fmt::format("{} needs Juju 3 (juju_version is {})", event.hook_name(),
                               options_.juju_version));
    }
    const Secret* secret = find_state_secret(state, *event.secret);
    if (secret == nullptr) {
      inconsistent(fmt::format(
          "{} is for secret '{}', which is not in the State", event.hook_name(),
          event.secret->id.empty() ? event.secret->label.value_or("") : event.secret->id));
    }
    bool owned = !secret->owner.empty();
    if (event.type == Type::kSecretChanged && owned) {
      inconsistent(
          fmt::format("secret-changed fires on observers only; secret {} is owned by "
                      "this {}",
                      secret->id, secret->owner));
    }
    if (event.type != Type::kSecretChanged) {
      if (!owned) {
        inconsistent(fmt::format("{} fires on the owner only; secret {} is not owned here",
                                 event.hook_name(), secret->id));
      }
      if (secret->owner == "app" && !state.leader) {
        inconsistent(
            fmt::format("{} of an application secret fires on the leader only; set "
                        "State.leader",
                        event.hook_name()));
      }
    }
  }
  if (event.type == Type::kAction) {
    if (!meta_.actions.contains(event.action_name)) {
      inconsistent(fmt::format("action '{}' is not declared in the metadata", event.action_name));
    }
    if (!event.action_params.is_object()) inconsistent("action params must be a JSON object");
  }
}

std::map<std::string, std::string> ContextBase::juju_environment(const Event& event,
                                                                 const State& state) const {
  const std::string unit = unit_name();
  const std::string agent_dir =
      fmt::format("/var/lib/juju/agents/unit-{}-{}", app_name_, options_.unit_id);
  const std::string charm_dir =
      options_.charm_dir.empty() ? agent_dir + "/charm" : options_.charm_dir;
  const bool is_action = event.type == Type::kAction;

  std::string principal;
  if (meta_.subordinate) {
    for (const auto& relation : state.relations) {
      const ops::RelationMeta* declared = meta_.relation(relation.endpoint);
      if (declared != nullptr && declared->container_scope && !relation.remote_units_data.empty()) {
        principal = fmt::format("{}/{}", relation.remote_app_name,
                                relation.remote_units_data.begin()->first);
        break;
      }
    }
  }

  std::map<std::string, std::string> env{
      {"JUJU_CHARM_DIR", charm_dir},
      {"CHARM_DIR", charm_dir},
      {"JUJU_CONTEXT_ID", fmt::format("{}-{}-1", unit, event.hook_name())},
      {"JUJU_HOOK_NAME", is_action ? "" : event.hook_name()},
      {"JUJU_AGENT_SOCKET_ADDRESS", "@" + agent_dir + "/agent.socket"},
      {"JUJU_AGENT_SOCKET_NETWORK", "unix"},
      {"JUJU_UNIT_NAME", unit},
      {"JUJU_MODEL_UUID", state.model_uuid},
      {"JUJU_MODEL_NAME", state.model_name},
      {"JUJU_API_ADDRESSES", "192.0.2.1:17070"},
      {"JUJU_MACHINE_ID", options_.machine_id},
      {"JUJU_PRINCIPAL_UNIT", principal},
      {"JUJU_AVAILABILITY_ZONE", ""},
      {"JUJU_VERSION", options_.juju_version},
      {"CLOUD_API_VERSION", ""},
      {"JUJU_CHARM_HTTP_PROXY", ""},
      {"JUJU_CHARM_HTTPS_PROXY", ""},
      {"JUJU_CHARM_FTP_PROXY", ""},
      {"JUJU_CHARM_NO_PROXY", ""},
      {"JUJU_DISPATCH_PATH", event.dispatch_path()},
  };
  if (options_.juju_debug) env["JUJU_DEBUG"] = "1";

  if (is_relation_event(event.type) && event.relation) {
    const Relation* relation = find_state_relation(state, event.relation->id);
    const Relation& rel = relation != nullptr ? *relation : *event.relation;
    std::string remote_app = meta_.is_peer(rel.endpoint) ? app_name_ : rel.remote_app_name;
    env["JUJU_RELATION"] = rel.endpoint;
    env["JUJU_RELATION_ID"] = fmt::format("{}:{}", rel.endpoint, rel.id);
    env["JUJU_REMOTE_APP"] = remote_app;
    bool unit_event = event.type == Type::kRelationJoined || event.type == Type::kRelationChanged ||
                      event.type == Type::kRelationDeparted;
    env["JUJU_REMOTE_UNIT"] =
        unit_event && event.remote_unit ? fmt::format("{}/{}", remote_app, *event.remote_unit) : "";
    if (event.type == Type::kRelationDeparted && event.departing_unit) {
      env["JUJU_DEPARTING_UNIT"] = *event.departing_unit == kThisUnit
                                       ? unit
                                       : fmt::format("{}/{}", remote_app, *event.departing_unit);
    }
  }
  if (is_secret_event(event.type) && event.secret) {
    const Secret* secret = find_state_secret(state, *event.secret);
    const Secret& s = secret != nullptr ? *secret : *event.secret;
    env["JUJU_SECRET_ID"] = s.id;
    env["JUJU_SECRET_LABEL"] = s.label.value_or("");
    if ((event.type == Type::kSecretRemove || event.type == Type::kSecretExpired) &&
        event.secret_revision) {
      env["JUJU_SECRET_REVISION"] = std::to_string(*event.secret_revision);
    }
  }
  if (is_action) {
    env["JUJU_ACTION_NAME"] = event.action_name;
    env["JUJU_ACTION_UUID"] = event.action_id;
    env["JUJU_ACTION_TAG"] = "action-" + event.action_id;
  }
  return env;
}

State ContextBase::run(const Event& event, const State& state) {
  return run_with(event, state, factory_);
}

State ContextBase::run_with(const Event& event, const State& state,
                            const ops::CharmFactory& factory) {
  emitted_events.clear();
  juju_log.clear();
  unit_status_history.clear();
  app_status_history.clear();
  workload_version_history.clear();
  action_results = nlohmann::json::object();
  action_logs.clear();
  removed_secret_revisions.clear();
  tool_calls.clear();

  check_consistency(event, state);
  const ops::JujuContext context = ops::JujuContext::from_map(juju_environment(event, state));

  InMemoryBackendOptions backend_options;
  backend_options.juju_revision_reporting = options_.juju_revision_reporting;
  backend_options.secret_set_skips_identical_content = options_.secret_set_skips_identical_content;
  if (event.type == Type::kRelationBroken) backend_options.broken_relation_id = event.relation->id;
  if (event.type == Type::kRelationDeparted) {
    backend_options.departed_relation_id = event.relation->id;
    const Relation& relation = state.get_relation(event.relation->id);
    int departing = event.departing_unit.value_or(event.remote_unit.value_or(0));
    if (departing != kThisUnit) {
      std::string remote_app =
          meta_.is_peer(relation.endpoint) ? app_name_ : relation.remote_app_name;
      backend_options.departing_unit = fmt::format("{}/{}", remote_app, departing);
    }
  }
  if (event.type == Type::kAction) {
    backend_options.action_name = event.action_name;
    backend_options.action_params = event.action_params;
  }
  InMemoryBackend backend(state, meta_, unit_name(), std::move(backend_options));

  auto collect = [&] {
    juju_log = backend.juju_log_lines();
    unit_status_history = backend.unit_status_history();
    app_status_history = backend.app_status_history();
    workload_version_history = backend.workload_version_history();
    action_results = backend.action_results();
    action_logs = backend.action_logs();
    removed_secret_revisions = backend.removed_secret_revisions();
    tool_calls = backend.calls();
  };
  auto on_framework = [this](ops::Framework& framework) {
    framework.set_emit_listener([this](const ops::EventBase& emitted, const ops::EventSource&) {
      const std::string& kind = emitted.kind();
      if (kind == "collect_unit_status" || kind == "collect_app_status") return;
      emitted_events.push_back(kind);
    });
  };

  std::unique_ptr<ops::Backend> wrapped =
      options_.wrap_backend ? options_.wrap_backend(backend) : nullptr;
  ops::Backend& charm_backend = wrapped ? *wrapped : backend;

  ScopedBackendLogSink sink(charm_backend, context.debug);
  ops::DispatchResult result;
  try {
    result =
        ops::run_dispatch(context, charm_backend, meta_, to_document(state), factory, on_framework);
  } catch (const std::exception& e) {
    collect();
    throw UncaughtCharmError(demangle(typeid(e).name()), e.what(), std::current_exception());
  } catch (...) {
    collect();
    throw UncaughtCharmError("unknown exception", "a non-std::exception was thrown",
                             std::current_exception());
  }
  collect();

  State out = backend.finish();
  from_document(result.state, out);
  if (result.action_failed || backend.action_failure()) {
    throw ActionFailed(backend.action_failure().value_or(""), std::move(out));
  }
  return out;
}

}  // namespace ops::testing
