// settle: runs queued hooks, one per unit per round, until nothing is left to do.
//
// Concurrency (--jobs N): like Juju's independent unit agents, up to N hooks of DIFFERENT units
// run at once; a unit's own hooks run one at a time, in order. This process is the scheduler and
// the only one that commits hooks: it selects a unit's next hook from committed state, starts the
// process, and when a process exits commits (or discards) that hook's staged writes in one
// transaction; a commit that gives other units work (a bag change, a queued hook) wakes them and
// they pick it up in a later selection, as in serial mode. Hook tools of running hooks write only
// their own staged ops, statuses, logs and trace rows (WAL + busy timeout; see
// sqlite_database.h). With N = 1 the order is exactly the serial round robin. With N > 1 the
// interleaving of different units (and so the global order of trace rows, and which remote units
// a relation hook sees first) depends on timing; every trace row names its hook context, and the
// rows of one unit are in that unit's order.
//
// Checking every unit in every round costs O(units) per round, which dominates with hundreds of
// units. Instead settle keeps a wake set: a unit is checked in a round only if something its next
// hook depends on changed since it was last found idle. TEMP triggers on this connection (every
// write that can give a unit work is made by juju-sim itself; hook tools only stage theirs)
// record in `wakeups` the units to re-check: the other side of a relation when a bag, a unit's
// scope or a relation's life changes; a unit whose life, error or queue changes.
#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <limits>
#include <list>
#include <map>
#include <set>

#include "hook_selector.h"
#include "model_store.h"
#include "operations.h"
#include "sim_error.h"

namespace juju_sim {
namespace {

// The units related to `unit_expr` over relation `relation_expr` that may see its changes:
// units of the other application, or every other unit for a peer relation.
std::string observers_sql(const std::string& relation_expr, const std::string& app_expr) {
  return fmt::format(
      "INSERT INTO wakeups(unit) SELECT ru.unit FROM main.relation_units ru "
      "JOIN main.units u ON u.name = ru.unit JOIN main.relations r ON r.id = ru.relation_id "
      "WHERE ru.relation_id = {} AND (r.app1 = r.app2 OR u.app != {});",
      relation_expr, app_expr);
}

void install_wake_triggers(Database& db) {
  const std::string bag_owner_app =
      "(CASE WHEN instr(new.owner, '/') > 0 THEN substr(new.owner, 1, instr(new.owner, '/') - 1) "
      "ELSE new.owner END)";
  auto unit_app = [](const char* row) {
    return fmt::format("(SELECT app FROM main.units WHERE name = {}.unit)", row);
  };
  std::string sql = "CREATE TEMP TABLE IF NOT EXISTS wakeups(unit TEXT NOT NULL);";
  sql += "CREATE TEMP TRIGGER IF NOT EXISTS wake_bag_insert AFTER INSERT ON main.bags BEGIN " +
         observers_sql("new.relation_id", bag_owner_app) + " END;";
  sql += "CREATE TEMP TRIGGER IF NOT EXISTS wake_bag_update AFTER UPDATE ON main.bags BEGIN " +
         observers_sql("new.relation_id", bag_owner_app) + " END;";
  // changed_pending and app_seen are the unit's own bookkeeping: only scope changes matter to
  // the other side.
  for (const char* event : {"INSERT", "UPDATE OF in_scope, broken"}) {
    sql += fmt::format(
        "CREATE TEMP TRIGGER IF NOT EXISTS wake_scope_{0} AFTER {1} ON main.relation_units "
        "BEGIN INSERT INTO wakeups(unit) VALUES (new.unit); {2} END;",
        event[0] == 'I' ? "insert" : "update", event,
        observers_sql("new.relation_id", unit_app("new")));
  }
  sql +=
      "CREATE TEMP TRIGGER IF NOT EXISTS wake_scope_DELETE AFTER DELETE ON main.relation_units "
      "BEGIN " +
      observers_sql("old.relation_id",
                    fmt::format("substr(old.unit, 1, instr(old.unit, '/') - 1)")) +
      " END;";
  sql +=
      "CREATE TEMP TRIGGER IF NOT EXISTS wake_relation AFTER UPDATE ON main.relations BEGIN "
      "INSERT INTO wakeups(unit) SELECT unit FROM main.relation_units WHERE relation_id = new.id; "
      "END;";
  sql +=
      "CREATE TEMP TRIGGER IF NOT EXISTS wake_unit_insert AFTER INSERT ON main.units BEGIN "
      "INSERT INTO wakeups(unit) VALUES (new.name); END;";
  sql +=
      "CREATE TEMP TRIGGER IF NOT EXISTS wake_unit_self AFTER UPDATE OF error_hook, started, "
      "installed, stopped ON main.units BEGIN INSERT INTO wakeups(unit) VALUES (new.name); END;";
  sql +=
      "CREATE TEMP TRIGGER IF NOT EXISTS wake_unit_life AFTER UPDATE OF life, principal "
      "ON main.units BEGIN INSERT INTO wakeups(unit) VALUES (new.name); "
      "INSERT INTO wakeups(unit) SELECT ru2.unit FROM main.relation_units ru1 "
      "JOIN main.relation_units ru2 ON ru2.relation_id = ru1.relation_id "
      "WHERE ru1.unit = new.name; END;";
  sql +=
      "CREATE TEMP TRIGGER IF NOT EXISTS wake_queue AFTER INSERT ON main.hook_queue BEGIN "
      "INSERT INTO wakeups(unit) VALUES (new.unit); END;";
  db.exec(sql);
}

std::chrono::nanoseconds cpu_time(int who) {
  rusage usage{};
  getrusage(who, &usage);
  auto of = [](const timeval& tv) {
    return std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec);
  };
  return of(usage.ru_utime) + of(usage.ru_stime);
}

using WakeSet = std::map<std::int64_t, std::string>;  // seq -> unit, visited in seq order

void drain_wakeups(Database& db, WakeSet& wake) {
  auto s = db.prepare(
      "SELECT DISTINCT u.seq, u.name FROM temp.wakeups w JOIN main.units u ON u.name = w.unit");
  while (s.step()) wake.emplace(s.integer(0), s.text(1));
  db.exec("DELETE FROM temp.wakeups");
}

}  // namespace

SettleResult settle(Database& db, const ModelPaths& paths, const RunOptions& options, int max_hooks,
                    const HookProgress& progress, int jobs) {
  auto started = std::chrono::steady_clock::now();
  auto sim_cpu = cpu_time(RUSAGE_SELF), charm_cpu = cpu_time(RUSAGE_CHILDREN);
  ensure_tools_dir(paths);
  std::int64_t trace_start = db.query_int("SELECT MAX(id) FROM trace", 0);
  install_wake_triggers(db);
  db.exec("DELETE FROM temp.wakeups");
  WakeSet wake;
  for (const UnitInfo& unit : all_units(db)) wake.emplace(unit.seq, unit.name);
  jobs = std::max(jobs, 1);

  SettleResult result;
  // Round robin over the wake set in unit order: `cursor` is the seq of the unit last picked, and
  // the next pick is the first idle unit after it (wrapping around). With one job this is the
  // serial order: one hook per unit per round, each unit seeing the previous units' commits.
  std::int64_t cursor = std::numeric_limits<std::int64_t>::min();
  std::set<std::int64_t> busy;     // units with a hook running (seq)
  std::list<RunningHook> running;  // in start order
  int started_hooks = 0;
  auto pick = [&]() {
    auto it = wake.upper_bound(cursor);
    for (size_t n = 0; n < wake.size(); ++n, ++it) {
      if (it == wake.end()) it = wake.begin();
      if (!busy.count(it->first)) return it;
    }
    return wake.end();
  };
  while (true) {
    while (static_cast<int>(running.size()) < jobs && started_hooks < max_hooks) {
      auto it = pick();
      if (it == wake.end()) break;
      cursor = it->first;
      auto unit = find_unit(db, it->second);  // a hook may have removed it
      auto hook = unit ? next_hook(db, *unit) : std::nullopt;
      if (!hook) {
        wake.erase(it);
        continue;
      }
      running.push_back(start_hook(db, paths, *hook, options));
      busy.insert(cursor);
      ++started_hooks;
    }
    if (running.empty()) break;
    std::vector<CharmProcess*> processes;
    for (RunningHook& hook : running) processes.push_back(&hook.process);
    wait_for_charm_processes(processes);
    for (auto it = running.begin(); it != running.end();) {
      auto exited = poll_charm_process(it->process);
      if (!exited) {
        ++it;
        continue;
      }
      // Commits are made here, one at a time, on this connection: the single writer of the
      // bookkeeping, whose triggers wake the units that the commit gives work to.
      HookOutcome outcome = finish_hook(db, *it, *exited, options);
      ++result.hooks_run;
      result.charm_time += outcome.charm_time;
      if (progress) progress(result.hooks_run, it->hook, outcome);
      busy.erase(it->unit.seq);
      drain_wakeups(db, wake);
      it = running.erase(it);
    }
  }
  result.quiescent = wake.empty();
  auto tools = db.prepare("SELECT SUM(duration_us) FROM trace WHERE id > ? AND kind = 'tool'");
  tools.bind(1, trace_start);
  if (tools.step()) result.tool_time = std::chrono::microseconds(tools.integer(0));
  result.total_time = std::chrono::steady_clock::now() - started;
  result.sim_cpu = cpu_time(RUSAGE_SELF) - sim_cpu;
  result.charm_cpu = cpu_time(RUSAGE_CHILDREN) - charm_cpu;
  for (const UnitInfo& unit : all_units(db)) {
    if (unit.error_hook) result.units_in_error.push_back(unit.name);
  }
  return result;
}

}  // namespace juju_sim
