// juju-sim: the command line of the simulator (see operations.h for what each command does).
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "charm_metadata.h"
#include "hook_runner.h"
#include "model_store.h"
#include "operations.h"
#include "reports.h"
#include "schema.h"
#include "sim_error.h"
#include "user_secret_commands.h"

namespace juju_sim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::map<std::string, std::string> parse_key_values(const std::vector<std::string>& items) {
  std::map<std::string, std::string> out;
  for (const std::string& item : items) {
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw usage_error(fmt::format("expected key=value, got \"{}\"", item));
    }
    out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

struct Cli {
  std::string model_dir;
  double lock_timeout = 5;  // seconds to wait for another process's write lock
  std::unique_ptr<Database> db;
  ModelPaths paths;

  Database& open() {
    if (model_dir.empty()) {
      if (const char* env = std::getenv("JUJU_SIM_MODEL")) model_dir = env;
    }
    if (model_dir.empty()) throw usage_error("no model: pass --model DIR or set JUJU_SIM_MODEL");
    paths.dir = fs::absolute(model_dir).lexically_normal().string();
    if (!fs::exists(paths.db())) {
      throw usage_error(fmt::format("{} is not a juju-sim model: run `juju-sim --model {} init`",
                                    paths.dir, model_dir));
    }
    db = std::make_unique<Database>(paths.db(), false);
    db->set_busy_timeout(std::chrono::milliseconds(static_cast<long long>(lock_timeout * 1000)));
    check_schema(*db);
    return *db;
  }
};

void print_json(const json& value) { std::cout << value.dump(2) << "\n"; }

int run_cli(int argc, char** argv) {
  Cli cli;
  CLI::App app{"juju-sim: a process-level simulator of one Juju model"};
  app.require_subcommand(1);
  app.add_option("-m,--model", cli.model_dir, "model directory (default: $JUJU_SIM_MODEL)");
  app.add_option("--lock-timeout", cli.lock_timeout,
                 "seconds to wait while another process writes the model state");
  int exit_code = 0;

  std::string model_name = "test-model";
  std::string model_uuid = "b1f9a3c2-5d4e-4f60-8a7b-9c0d1e2f3a4b";
  auto* init = app.add_subcommand("init", "create an empty model in the model directory");
  init->add_option("--name", model_name, "model name");
  init->add_option("--uuid", model_uuid, "model UUID");
  init->callback([&] {
    if (cli.model_dir.empty()) {
      if (const char* env = std::getenv("JUJU_SIM_MODEL")) cli.model_dir = env;
    }
    if (cli.model_dir.empty()) throw usage_error("no model: pass --model DIR");
    fs::create_directories(cli.model_dir);
    std::string path = cli.model_dir + "/state.db";
    if (fs::exists(path)) throw usage_error(fmt::format("{} already holds a model", cli.model_dir));
    Database db(path, true);
    Transaction tx(db);
    init_model(db, model_name, model_uuid);
    tx.commit();
    // The state will hold secret content: owner-only (SQLite gives -wal/-shm files this mode).
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  });

  DeployRequest deploy_request;
  std::vector<std::string> deploy_config;
  auto* deploy_cmd = app.add_subcommand("deploy", "deploy a charm directory or .charm");
  deploy_cmd->add_option("app", deploy_request.app, "application name")->required();
  deploy_cmd->add_option("charm", deploy_request.charm, "charm directory or .charm file")
      ->required();
  deploy_cmd->add_option("-n,--num-units", deploy_request.units, "number of units");
  deploy_cmd->add_option("--config", deploy_config, "config key=value")->take_all();
  deploy_cmd->callback([&] {
    Database& db = cli.open();
    deploy_request.charm = fs::absolute(deploy_request.charm).string();
    deploy_request.config = parse_key_values(deploy_config);
    Transaction tx(db);
    deploy(db, cli.paths, deploy_request);
    tx.commit();
  });

  std::string app_name;
  int add_count = 1;
  auto* add_unit = app.add_subcommand("add-unit", "add units to an application");
  add_unit->add_option("app", app_name)->required();
  add_unit->add_option("-n,--num-units", add_count);
  add_unit->callback([&] {
    Database& db = cli.open();
    Transaction tx(db);
    for (const auto& name : add_units(db, cli.paths, app_name, add_count))
      std::cout << name << "\n";
    tx.commit();
  });

  std::string unit_name;
  auto* remove_unit_cmd = app.add_subcommand("remove-unit", "remove a unit (hooks run on settle)");
  remove_unit_cmd->add_option("unit", unit_name)->required();
  remove_unit_cmd->callback([&] {
    Database& db = cli.open();
    Transaction tx(db);
    remove_unit(db, unit_name);
    tx.commit();
  });

  std::string end_a, end_b;
  auto* relate_cmd = app.add_subcommand("relate", "relate two applications (app[:endpoint])");
  relate_cmd->alias("integrate");
  relate_cmd->add_option("a", end_a)->required();
  relate_cmd->add_option("b", end_b)->required();
  relate_cmd->callback([&] {
    Database& db = cli.open();
    Transaction tx(db);
    std::int64_t id = relate(db, cli.paths, end_a, end_b);
    tx.commit();
    std::cout << id << "\n";
  });

  auto* remove_relation_cmd =
      app.add_subcommand("remove-relation", "remove a relation (by id or by its two ends)");
  remove_relation_cmd->add_option("a", end_a)->required();
  remove_relation_cmd->add_option("b", end_b);
  remove_relation_cmd->callback([&] {
    Database& db = cli.open();
    Transaction tx(db);
    remove_relation(db, end_a, end_b);
    tx.commit();
  });

  std::vector<std::string> config_values;
  auto* config_cmd = app.add_subcommand("config", "show or set application config");
  config_cmd->add_option("app", app_name)->required();
  config_cmd->add_option("values", config_values, "key=value");
  config_cmd->callback([&] {
    Database& db = cli.open();
    if (config_values.empty()) {
      json options = app_json(db, app_name, "config_options");
      json values = app_json(db, app_name, "config");
      json out = json::object();
      for (const auto& [key, spec] : options.items()) {
        if (values.contains(key)) {
          out[key] = values[key];
        } else if (spec.contains("default")) {
          out[key] = spec["default"];
        }
      }
      print_json(out);
      return;
    }
    Transaction tx(db);
    set_config(db, app_name, parse_key_values(config_values));
    tx.commit();
  });

  auto* leader_cmd = app.add_subcommand("set-leader", "make a unit the leader of its application");
  leader_cmd->add_option("unit", unit_name)->required();
  leader_cmd->callback([&] {
    Database& db = cli.open();
    Transaction tx(db);
    set_leader(db, unit_name);
    tx.commit();
  });

  RunOptions run_options;
  double timeout_seconds = 300;
  std::string action_name;
  std::vector<std::string> action_params;
  auto* run_cmd = app.add_subcommand("run", "run an action on a unit and print its results");
  run_cmd->add_option("unit", unit_name)->required();
  run_cmd->add_option("action", action_name)->required();
  run_cmd->add_option("params", action_params, "key=value (values parsed as YAML)");
  run_cmd->add_option("--timeout", timeout_seconds, "seconds before the action is killed");
  run_cmd->callback([&] {
    Database& db = cli.open();
    UnitInfo unit = require_unit(db, unit_name);
    json actions = app_json(db, unit.app, "actions");
    if (!actions.contains(action_name)) {
      throw usage_error(
          fmt::format("action \"{}\" not defined on unit \"{}\"", action_name, unit_name));
    }
    json params = json::object();
    if (actions[action_name].is_object() && actions[action_name].contains("params")) {
      for (const auto& [key, spec] : actions[action_name]["params"].items()) {
        if (spec.is_object() && spec.contains("default")) params[key] = spec["default"];
      }
    }
    for (const auto& [key, value] : parse_key_values(action_params)) {
      // `who=` is the empty string (a YAML null would fail the action's string schema).
      params[key] = value.empty() ? json("") : yaml_text_to_json(value);
    }
    ensure_tools_dir(cli.paths);
    run_options.timeout = std::chrono::milliseconds(static_cast<long long>(timeout_seconds * 1000));
    ActionOutcome outcome = run_action(db, cli.paths, unit_name, action_name, params, run_options);
    print_json({{"id", outcome.id},
                {"status", outcome.status},
                {"message", outcome.message},
                {"results", outcome.results},
                {"stdout", outcome.stdout_text},
                {"stderr", outcome.stderr_text},
                {"return-code", outcome.exit_code}});
    if (outcome.status != "completed") exit_code = 1;
  });

  auto* secrets_cmd =
      app.add_subcommand("secrets", "list charm and user secrets (never their content)");
  secrets_cmd->callback([&] { print_json(secrets_report(cli.open())); });
  add_user_secret_commands(app, [&]() -> Database& { return cli.db ? *cli.db : cli.open(); });

  std::string format = "tabular";
  auto* status_cmd = app.add_subcommand("status", "show the model like `juju status`");
  status_cmd->add_option("--format", format)->check(CLI::IsMember({"tabular", "json"}));
  status_cmd->callback([&] {
    json status = status_report(cli.open());
    if (format == "json") {
      print_json(status);
    } else {
      std::cout << status_text(status);
    }
  });

  auto* show_unit_cmd = app.add_subcommand("show-unit", "relation data of a unit, as JSON");
  show_unit_cmd->add_option("unit", unit_name)->required();
  show_unit_cmd->callback([&] { print_json(show_unit_report(cli.open(), unit_name)); });

  std::int64_t relation_id = 0;
  auto* show_relation_cmd =
      app.add_subcommand("show-relation", "a relation's bags and units in scope, as JSON");
  show_relation_cmd->add_option("id", relation_id)->required();
  show_relation_cmd->callback([&] { print_json(show_relation_report(cli.open(), relation_id)); });

  std::string trace_format = "text";
  std::string trace_unit;
  auto* trace_cmd = app.add_subcommand("trace", "every hook and hook-tool call so far");
  trace_cmd->add_option("--unit", trace_unit);
  trace_cmd->add_option("--format", trace_format)->check(CLI::IsMember({"text", "json"}));
  trace_cmd->callback([&] {
    json trace = trace_report(cli.open(), trace_unit);
    if (trace_format == "json") {
      print_json(trace);
    } else {
      std::cout << trace_text(trace);
    }
  });

  int max_hooks = 100000;
  auto* settle_cmd = app.add_subcommand("settle", "run queued hooks until nothing is left");
  settle_cmd->add_option("--max-hooks", max_hooks, "stop after this many hooks");
  settle_cmd->add_option("--hook-timeout", timeout_seconds, "seconds before a hook is killed");
  settle_cmd->add_option("--max-attempts", run_options.max_attempts,
                         "attempts of a failing hook before the unit is put in error");
  int jobs = 1;
  settle_cmd
      ->add_option("-j,--jobs", jobs,
                   "hooks of different units run at once (0: one per CPU; 1: serial and "
                   "deterministic)")
      ->check(CLI::Range(0, 1024));
  std::string settle_format = "text";
  settle_cmd->add_option("--format", settle_format, "text, or json with timings")
      ->check(CLI::IsMember({"text", "json"}));
  settle_cmd->callback([&] {
    Database& db = cli.open();
    run_options.timeout = std::chrono::milliseconds(static_cast<long long>(timeout_seconds * 1000));
    bool tty = isatty(STDERR_FILENO) != 0;
    auto progress = [&](int n, const HookSpec& hook, const HookOutcome& outcome) {
      if (tty) {
        std::cerr << fmt::format("\r\033[K[{}] {} {}{}", n, hook.unit, hook.hook,
                                 outcome.ok ? "" : " FAILED")
                  << std::flush;
      }
    };
    if (jobs == 0) jobs = static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
    SettleResult result = settle(db, cli.paths, run_options, max_hooks, progress, jobs);
    if (tty) std::cerr << "\r\033[K";
    auto seconds = [](std::chrono::nanoseconds time) {
      return std::chrono::duration<double>(time).count();
    };
    if (settle_format == "json") {
      print_json({{"hooks", result.hooks_run},
                  {"jobs", jobs},
                  {"quiescent", result.quiescent},
                  {"units-in-error", result.units_in_error},
                  {"seconds", seconds(result.total_time)},
                  {"charm-seconds", seconds(result.charm_time)},
                  {"tool-seconds", seconds(result.tool_time)},
                  {"sim-cpu-seconds", seconds(result.sim_cpu)},
                  {"charm-cpu-seconds", seconds(result.charm_cpu)}});
    } else {
      std::cout << fmt::format(
          "ran {} hooks in {:.2f} s (charm processes {:.2f} s, of which hook tools {:.2f} s)\n",
          result.hooks_run, seconds(result.total_time), seconds(result.charm_time),
          seconds(result.tool_time));
    }
    for (const auto& unit : result.units_in_error) {
      UnitInfo info = require_unit(db, unit);
      std::cerr << fmt::format("ERROR unit {} is in error: hook failed: \"{}\"\n", unit,
                               info.error_hook.value_or(""));
      exit_code = 1;
    }
    if (!result.quiescent) {
      std::cerr << fmt::format("ERROR the model did not settle after {} hooks\n", max_hooks);
      exit_code = 1;
    }
  });

  auto* resolve_cmd = app.add_subcommand("resolve", "clear a unit's error so its hook is retried");
  resolve_cmd->alias("resolved");
  resolve_cmd->add_option("unit", unit_name)->required();
  resolve_cmd->callback([&] {
    Database& db = cli.open();
    require_unit(db, unit_name);
    db.prepare("UPDATE units SET error_hook = NULL, attempts = 0 WHERE name = ?")
        .bind(1, unit_name)
        .run();
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  return exit_code;
}

}  // namespace
}  // namespace juju_sim

int main(int argc, char** argv) {
  try {
    return juju_sim::run_cli(argc, argv);
  } catch (const juju_sim::SimError& error) {
    std::cerr << "ERROR " << error.what() << "\n";
    return error.exit_code();
  } catch (const nlohmann::json::exception& error) {
    // JSON kept in the state file (bags, config, staged writes) that does not parse or has the
    // wrong type: the file was damaged or written by something else.
    std::cerr << "ERROR the model state holds data juju-sim did not write (damaged state.db?): "
              << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "ERROR " << error.what() << "\n";
    return 2;
  }
}
