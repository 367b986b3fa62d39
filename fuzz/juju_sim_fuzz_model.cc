#include "juju_sim_fuzz_model.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "operations.h"
#include "schema.h"
#include "sim_error.h"
#include "sqlite_database.h"

int juju_sim_cli_main(int argc, char** argv);  // cli_main.cc's main, renamed

// Small fake stacks for ASan's detect_stack_use_after_return (on by default): every C++ throw
// makes ASan scan the whole fake stack at the next instrumented call (FakeStack::GC), and
// juju-sim and its libraries throw often on bad input. Frames that do not fit in the smaller fake
// stack fall back to the real stack; all other checks are unchanged. ASAN_OPTIONS overrides it.
extern "C" const char* __asan_default_options() { return "max_uar_stack_size_log=16"; }

namespace juju_sim_fuzz {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kCharmcraft = R"(name: fuzz
summary: a charm for the juju-sim fuzz targets
provides:
  out:
    interface: data
requires:
  in:
    interface: data
    limit: 1
peers:
  cluster:
    interface: cluster
config:
  options:
    greeting: {type: string, default: hello}
    count: {type: int, default: 3}
    ratio: {type: float}
    enabled: {type: boolean, default: true}
actions:
  greet:
    params:
      who: {type: string, default: world}
)";

void write_file(const fs::path& path, std::string_view text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!file) std::abort();
}

std::string read_file(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

struct Model {
  std::string dir;
  std::string state;

  Model() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp");
    pattern += "/juju-sim-fuzz-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    // As juju-sim spells the model directory (Cli::open), so open_error() names the same file.
    dir = fs::absolute(pattern).lexically_normal().string();
    const fs::path charm = fs::path(dir) / "charm-src";
    fs::create_directories(charm);
    write_file(charm / "charmcraft.yaml", kCharmcraft);
    write_file(charm / "dispatch", "#!/bin/sh\nexit 0\n");
    fs::permissions(charm / "dispatch", fs::perms::owner_all);

    const fs::path model = fs::path(dir) / "model";
    fs::create_directories(model);
    juju_sim::ModelPaths paths{model.string()};
    {
      juju_sim::Database db(paths.db(), true);
      juju_sim::Transaction tx(db);
      juju_sim::init_model(db, "fuzz", "5f2f1a0e-7d3c-4b8e-9a61-0c2d4e6f8a1b");
      juju_sim::deploy(db, paths, {"alpha", charm.string(), 2, {{"greeting", "hi"}}});
      juju_sim::deploy(db, paths, {"beta", charm.string(), 1, {}});
      juju_sim::relate(db, paths, "alpha:out", "beta:in");
      tx.commit();
    }
    {
      // Small pages keep the seed small (tens of KiB); WAL returns when juju-sim opens it.
      juju_sim::Database db(paths.db(), false);
      db.exec("PRAGMA journal_mode = DELETE; PRAGMA page_size = 512; VACUUM;");
    }
    state = read_file(paths.db());
    ::setenv("JUJU_SIM_MODEL", model.c_str(), 1);
    ::setenv("JUJU_SIM_TOOL", "/bin/false", 1);  // never run, but never searched for either
  }
  ~Model() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

Model& model() {
  static Model instance;
  return instance;
}

}  // namespace

const std::string& model_dir() { return model().dir; }
const std::string& template_state() { return model().state; }

void write_state(std::string_view bytes) {
  const std::string db = model().dir + "/model/state.db";
  for (const char* suffix : {"-wal", "-shm", "-journal"}) ::unlink((db + suffix).c_str());
  write_file(db, bytes);
}

std::optional<std::string> open_error() {
  juju_sim::ModelPaths paths{model().dir + "/model"};
  try {
    juju_sim::Database db(paths.db(), false);
    juju_sim::check_schema(db);
  } catch (const juju_sim::SimError& error) {
    return error.what();
  }
  return std::nullopt;
}

CliResult run_cli(const std::vector<std::string>& args) {
  model();
  std::vector<std::string> storage = {"juju-sim"};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : storage) argv.push_back(arg.data());
  argv.push_back(nullptr);

  std::ostringstream out, err;
  auto* saved_out = std::cout.rdbuf(out.rdbuf());
  auto* saved_err = std::cerr.rdbuf(err.rdbuf());
  CliResult result;
  result.exit_code = juju_sim_cli_main(static_cast<int>(storage.size()), argv.data());
  std::cout.rdbuf(saved_out);
  std::cerr.rdbuf(saved_err);
  result.out = out.str();
  result.err = err.str();
  return result;
}

bool is_safe_cli(const std::vector<std::string>& args) {
  static const std::string_view kUnsafe[] = {"init", "deploy", "add-unit", "run", "settle"};
  for (const std::string& arg : args) {
    for (std::string_view command : kUnsafe) {
      if (!arg.empty() && command.starts_with(arg)) return false;
    }
    if (arg.starts_with("-m") || arg.starts_with("--m")) return false;
    if (arg.find("model") != std::string::npos) return false;
  }
  return true;
}

}  // namespace juju_sim_fuzz
