// The dispatch entry point: ops::main<MyCharm>(argc, argv) is the whole main() of a charm binary.
//
// It reads the JUJU_* environment, loads the charm's metadata from JUJU_CHARM_DIR, maps
// JUJU_DISPATCH_PATH to an event, constructs the charm, re-emits deferred events (in order), emits
// the event, runs collect-status, and commits stored state (.ops-cpp-state.json) — in that order,
// as Python ops does (docs/reference/juju-charm-contract.md §1.5). The state file is rewritten
// only when stored state or deferred events changed (ops::needs_save), not for the event counter.
//
// This is the one place where charm-line exceptions are caught: the error is logged through
// juju-log ("Uncaught exception while in charm code: ..."), nothing is committed, and the exit code
// is 1 so Juju retries the hook. Exit codes:
//   0  success (also: nothing observes the event, or nested dispatch)
//   1  the charm or a hook tool failed; or a bad environment (unknown dispatch path, missing
//      metadata, corrupt state file) — the message names what is wrong and what to do.
#pragma once

#include <functional>
#include <memory>

#include "ops/backend.h"
#include "ops/charm.h"
#include "ops/juju_context.h"
#include "ops/state_store.h"

namespace ops {

using CharmFactory = std::function<std::unique_ptr<CharmBase>(Framework&)>;

// What Juju event the dispatch path names.
struct DispatchTarget {
  enum class Kind {
    kLifecycle,  // install, start, ..., leader-elected
    kRelation,   // <endpoint>-relation-<x>
    kSecret,     // secret-<x>
    kAction,     // actions/<name>
    kIgnored,    // a hook the runtime knows but does not model (storage, pebble, metrics...)
  };
  Kind kind = Kind::kIgnored;
  std::string name;      // hook name or action name, e.g. "config-changed", "mount-info"
  std::string endpoint;  // relation endpoint
  std::string suffix;    // "changed", "joined", ... for relation and secret hooks
};

// Parses "hooks/<name>" or "actions/<name>"; kInvalidArgument for anything else.
Result<DispatchTarget> parse_dispatch_path(std::string_view dispatch_path);

// Runs one dispatch with the given pieces and throws whatever the charm throws. Used by main() and
// by the testing Context. Returns the committed state document.
struct DispatchResult {
  StateDocument state;
  bool action_failed = false;
};
DispatchResult run_dispatch(const JujuContext& context, Backend& backend, const CharmMeta& meta,
                            StateDocument state, const CharmFactory& factory,
                            const std::function<void(Framework&)>& on_framework = {});

// The complete entry point: real environment, ProcessBackend, JSON state file. Returns the exit
// code.
int dispatch_main(const CharmFactory& factory);

template <class Charm>
int main(int /*argc*/, char** /*argv*/) {
  return dispatch_main([](Framework& framework) -> std::unique_ptr<CharmBase> {
    return std::make_unique<Charm>(framework);
  });
}

}  // namespace ops
