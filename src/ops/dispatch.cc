#include <cxxabi.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <set>
#include <stdexcept>
#include <typeinfo>

#include "ops/errors.h"
#include "ops/log.h"
#include "ops/main.h"
#include "ops/process_backend.h"

namespace ops {
namespace {

// Set in our own environment so that a charm that re-invokes dispatch does not run twice.
constexpr const char* kGuardVariable = "OPS_CPP_DISPATCH";
constexpr const char* kStateFile = ".ops-cpp-state.json";
// When set, the dispatcher writes {"wall_ns", "tool_ns", "tool_calls", "exit", "maxrss_kib"} to
// this file at the end (maxrss_kib: this process's own peak RSS, without the hook tools; see
// peak_rss_kib)
// (benchmarks use it to separate the framework's own time from the hook tools' time).
constexpr const char* kProfileVariable = "OPS_CPP_PROFILE_FILE";

const std::set<std::string, std::less<>> kLifecycleHooks = {
    "install",       "start",          "stop",
    "remove",        "config-changed", "upgrade-charm",
    "update-status", "leader-elected", "leader-settings-changed"};

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string type_name(const std::exception& e) {
  int status = 0;
  const char* mangled = typeid(e).name();
  std::unique_ptr<char, void (*)(void*)> demangled(
      abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
  return status == 0 && demangled ? demangled.get() : mangled;
}

// juju-log through the backend; falls back to stderr when the tool itself fails (never recurses).
class BackendLogSink : public LogSink {
 public:
  explicit BackendLogSink(Backend& backend) : backend_(backend) {}
  void write(LogLevel level, std::string_view message) override {
    if (!backend_.juju_log(to_string(level), message)) {
      std::fprintf(stderr, "%.*s %.*s\n", static_cast<int>(to_string(level).size()),
                   to_string(level).data(), static_cast<int>(message.size()), message.data());
    }
  }

 private:
  Backend& backend_;
};

std::optional<std::string> non_empty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

void emit_lifecycle(CharmEvents& on, const std::string& name) {
  if (name == "install")
    on.install.emit();
  else if (name == "start")
    on.start.emit();
  else if (name == "stop")
    on.stop.emit();
  else if (name == "remove")
    on.remove.emit();
  else if (name == "config-changed")
    on.config_changed.emit();
  else if (name == "upgrade-charm")
    on.upgrade_charm.emit();
  else if (name == "update-status")
    on.update_status.emit();
  else if (name == "leader-elected")
    on.leader_elected.emit();
  else if (name == "leader-settings-changed")
    on.leader_settings_changed.emit();
}

void emit_relation(CharmEvents& on, Model& model, const JujuContext& ctx,
                   const DispatchTarget& target) {
  if (!model.meta().relations.empty() && model.meta().relation(target.endpoint) == nullptr) {
    throw std::invalid_argument("hook " + target.name + " names endpoint '" + target.endpoint +
                                "', which the charm's metadata does not declare");
  }
  if (!ctx.relation_id) {
    throw std::invalid_argument("JUJU_RELATION_ID is missing or not '<endpoint>:<id>' for hook " +
                                target.name);
  }
  const bool broken = target.suffix == "broken";
  Relation& relation = model.relation_object(target.endpoint, *ctx.relation_id, !broken);
  Application* app = ctx.remote_app.empty() ? nullptr : &model.get_app(ctx.remote_app);
  if (app != nullptr) relation.set_remote_app(app);
  Unit* unit = ctx.remote_unit.empty() ? nullptr : &model.get_unit(ctx.remote_unit);
  if (target.suffix == "created") {
    on.relation_created(target.endpoint).emit(&relation, app, unit);
  } else if (target.suffix == "joined") {
    on.relation_joined(target.endpoint).emit(&relation, app, unit);
  } else if (target.suffix == "changed") {
    on.relation_changed(target.endpoint).emit(&relation, app, unit);
  } else if (target.suffix == "departed") {
    Unit* departing = ctx.departing_unit.empty() ? nullptr : &model.get_unit(ctx.departing_unit);
    on.relation_departed(target.endpoint).emit(&relation, app, unit, departing);
  } else {
    on.relation_broken(target.endpoint).emit(&relation, app, unit);
  }
}

void emit_secret(CharmEvents& on, const JujuContext& ctx, const DispatchTarget& target) {
  if (ctx.secret_id.empty()) {
    throw std::invalid_argument("JUJU_SECRET_ID is not set for hook " + target.name);
  }
  auto label = non_empty(ctx.secret_label);
  if (target.suffix == "changed") {
    on.secret_changed.emit(ctx.secret_id, label);
  } else if (target.suffix == "rotate") {
    on.secret_rotate.emit(ctx.secret_id, label);
  } else {
    if (!ctx.secret_revision) {
      throw std::invalid_argument("JUJU_SECRET_REVISION is not set for hook " + target.name);
    }
    if (target.suffix == "remove") {
      on.secret_remove.emit(ctx.secret_id, label, *ctx.secret_revision);
    } else {
      on.secret_expired.emit(ctx.secret_id, label, *ctx.secret_revision);
    }
  }
}

// The candidate with the highest priority, the first added on ties; nullptr when there is none.
const StatusBase* highest_priority(const std::vector<StatusBase>& statuses) {
  const StatusBase* best = nullptr;
  for (const auto& s : statuses) {
    if (best == nullptr || s.priority() > best->priority()) best = &s;
  }
  return best;
}

// collect_unit_status / collect_app_status: set the highest-priority candidate, if any.
void collect_status(Framework& framework, CharmBase& charm) {
  Model& model = framework.model();
  if (framework.has_observers(charm.on.collect_app_status) && model.is_leader()) {
    CollectStatusEvent event;
    framework.emit(charm.on.collect_app_status, event);
    if (const auto* best = highest_priority(event.statuses)) model.app().set_status(*best);
  }
  if (framework.has_observers(charm.on.collect_unit_status)) {
    CollectStatusEvent event;
    framework.emit(charm.on.collect_unit_status, event);
    if (const auto* best = highest_priority(event.statuses)) model.unit().set_status(*best);
  }
}

}  // namespace

Result<DispatchTarget> parse_dispatch_path(std::string_view path) {
  if (path.empty()) {
    return Error{ErrorCode::kInvalidArgument,
                 "JUJU_DISPATCH_PATH is not set: this program is a Juju charm and runs only "
                 "under a Juju agent (or juju-sim)"};
  }
  DispatchTarget target;
  if (path.rfind("actions/", 0) == 0 && path.size() > 8) {
    target.kind = DispatchTarget::Kind::kAction;
    target.name = std::string(path.substr(8));
    return target;
  }
  if (path.rfind("hooks/", 0) != 0 || path.size() == 6 ||
      path.find('/', 6) != std::string_view::npos) {
    return Error{ErrorCode::kInvalidArgument, "JUJU_DISPATCH_PATH '" + std::string(path) +
                                                  "' is not 'hooks/<hook>' or 'actions/<action>'"};
  }
  target.name = std::string(path.substr(6));
  const std::string& name = target.name;
  if (kLifecycleHooks.count(name) != 0) {
    target.kind = DispatchTarget::Kind::kLifecycle;
    return target;
  }
  for (const char* suffix : {"created", "joined", "changed", "departed", "broken"}) {
    const std::string marker = std::string("-relation-") + suffix;
    if (ends_with(name, marker) && name.size() > marker.size()) {
      target.kind = DispatchTarget::Kind::kRelation;
      target.endpoint = name.substr(0, name.size() - marker.size());
      target.suffix = suffix;
      return target;
    }
  }
  for (const char* suffix : {"changed", "rotate", "remove", "expired"}) {
    if (name == std::string("secret-") + suffix) {
      target.kind = DispatchTarget::Kind::kSecret;
      target.suffix = suffix;
      return target;
    }
  }
  target.kind = DispatchTarget::Kind::kIgnored;
  return target;
}

DispatchResult run_dispatch(const JujuContext& ctx, Backend& backend, const CharmMeta& meta,
                            StateDocument state, const CharmFactory& factory,
                            const std::function<void(Framework&)>& on_framework) {
  auto target = parse_dispatch_path(ctx.dispatch_path);
  if (!target) throw std::invalid_argument(target.error().message);
  if (ctx.unit_name.empty() || ctx.unit_name.find('/') == std::string::npos) {
    throw std::invalid_argument("JUJU_UNIT_NAME '" + ctx.unit_name + "' is not '<app>/<n>'");
  }
  if (target->kind == DispatchTarget::Kind::kAction && !meta.actions.empty() &&
      meta.actions.count(target->name) == 0) {
    throw std::invalid_argument("action '" + target->name +
                                "' is not declared in the charm's actions");
  }

  Model model(backend, meta, ctx.unit_name, ctx.model_name, ctx.model_uuid);
  Framework framework(model, std::move(state));
  if (on_framework) on_framework(framework);
  std::unique_ptr<CharmBase> charm = factory(framework);
  CharmEvents& on = charm->on;

  framework.reemit();

  DispatchResult result;
  switch (target->kind) {
    case DispatchTarget::Kind::kLifecycle:
      emit_lifecycle(on, target->name);
      break;
    case DispatchTarget::Kind::kRelation:
      emit_relation(on, model, ctx, *target);
      break;
    case DispatchTarget::Kind::kSecret:
      emit_secret(on, ctx, *target);
      break;
    case DispatchTarget::Kind::kAction: {
      auto& source = on.action(target->name);
      ActionEvent event(target->name, ctx.action_uuid);
      framework.emit(source, event);
      result.action_failed = event.failed();
      break;
    }
    case DispatchTarget::Kind::kIgnored:
      log::debug("Hook {} is not modelled by this runtime; nothing to do.", target->name);
      break;
  }
  collect_status(framework, *charm);
  result.state = framework.commit();
  return result;
}

namespace {

int dispatch_with(ProcessBackend& backend, const CharmFactory& factory) {
  const JujuContext ctx = JujuContext::from_environ();
  BackendLogSink sink(backend);
  const char* level = std::getenv("OPS_CPP_LOG_LEVEL");
  const bool debug = ctx.debug || (level != nullptr && std::string_view(level) == "DEBUG");
  set_log_sink(&sink, debug ? LogLevel::kDebug : LogLevel::kInfo);
  const bool is_action = ctx.dispatch_path.rfind("actions/", 0) == 0;

  auto fail = [&](const std::string& message) {
    log::error("{}", message);
    if (is_action) std::fprintf(stderr, "%s\n", message.c_str());
    set_log_sink(nullptr);
    return 1;
  };

  auto meta = CharmMeta::load(ctx.charm_dir);
  if (!meta) return fail("cannot load charm metadata: " + meta.error().message);
  JsonFileStateStore store(ctx.charm_dir + "/" + kStateFile);
  auto state = store.load();
  if (!state) return fail(state.error().message);
  const StateDocument before = *state;

  try {
    auto result = run_dispatch(ctx, backend, *meta, std::move(*state), factory);
    if (needs_save(before, result.state)) {
      if (auto saved = store.save(result.state); !saved) {
        return fail("cannot save charm state: " + saved.error().message);
      }
    }
  } catch (const std::exception& e) {
    return fail("Uncaught exception while in charm code: " + type_name(e) + ": " + e.what());
  }
  set_log_sink(nullptr);
  return 0;
}

// Peak RSS of this process's own address space (VmHWM), in KiB. Not getrusage's ru_maxrss:
// Linux keeps the peak of the address space replaced by execve in it, and a process spawned with
// posix_spawn (vfork-like: the child runs in its parent's address space until exec) or fork
// starts out with its parent's resident size, so ru_maxrss reports the spawner's size whenever
// that is larger (a Juju agent, a benchmark, a shell). ru_maxrss is the fallback without /proc.
long peak_rss_kib() {
  if (std::FILE* status = std::fopen("/proc/self/status", "re")) {
    char line[128];
    long kib = -1;
    while (kib < 0 && std::fgets(line, sizeof line, status) != nullptr) {
      if (std::string_view(line).rfind("VmHWM:", 0) == 0) kib = std::strtol(line + 6, nullptr, 10);
    }
    std::fclose(status);
    if (kib >= 0) return kib;
  }
  struct rusage usage {};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

void write_profile(const char* path, std::chrono::steady_clock::time_point start,
                   const ProcessBackend& backend, int exit_code) {
  const auto wall = std::chrono::steady_clock::now() - start;
  const long peak_rss = peak_rss_kib();
  std::ofstream out(path, std::ios::trunc);
  out << nlohmann::json{{"wall_ns", std::chrono::nanoseconds(wall).count()},
                        {"tool_ns", backend.tool_time().count()},
                        {"tool_calls", backend.tool_calls()},
                        {"exit", exit_code},
                        {"maxrss_kib", peak_rss}}
             .dump()
      << "\n";
}

}  // namespace

int dispatch_main(const CharmFactory& factory) {
  const auto start = std::chrono::steady_clock::now();
  if (std::getenv(kGuardVariable) != nullptr) return 0;
  ::setenv(kGuardVariable, "1", 1);
  ProcessBackend backend;
  const int exit_code = dispatch_with(backend, factory);
  if (const char* profile = std::getenv(kProfileVariable); profile != nullptr && *profile) {
    write_profile(profile, start, backend, exit_code);
  }
  return exit_code;
}

}  // namespace ops
