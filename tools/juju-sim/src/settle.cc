// settle: runs queued hooks, one per unit per round, until nothing is left to do.
#include <fmt/format.h>

#include "hook_selector.h"
#include "model_store.h"
#include "operations.h"
#include "sim_error.h"

namespace juju_sim {

SettleResult settle(Database& db, const ModelPaths& paths, const RunOptions& options, int max_hooks,
                    const HookProgress& progress) {
  ensure_tools_dir(paths);
  SettleResult result;
  while (result.hooks_run < max_hooks) {
    bool ran = false;
    for (const UnitInfo& listed : all_units(db)) {
      if (result.hooks_run >= max_hooks) break;
      auto unit = find_unit(db, listed.name);  // an earlier hook may have removed it
      if (!unit) continue;
      auto hook = next_hook(db, *unit);
      if (!hook) continue;
      HookOutcome outcome = run_hook(db, paths, *hook, options);
      ++result.hooks_run;
      ran = true;
      if (progress) progress(result.hooks_run, *hook, outcome);
    }
    if (!ran) {
      result.quiescent = true;
      break;
    }
  }
  for (const UnitInfo& unit : all_units(db)) {
    if (unit.error_hook) result.units_in_error.push_back(unit.name);
  }
  return result;
}

}  // namespace juju_sim
