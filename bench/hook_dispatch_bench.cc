// Hook dispatch cost of a C++ charm: runs the sample charm binary (examples/sample-charm) as Juju
// would for one `greeter-relation-changed` hook, against minimal fake hook tools, and reports
//   - wall time of the whole process (spawn to exit), p50 / p99,
//   - the framework's own share: wall time minus the time spent waiting for hook tools, measured
//     inside the charm (OPS_CPP_PROFILE_FILE) and from outside (includes exec and start-up),
//   - peak RSS of the charm process (wait4 rusage),
//   - hook-tool calls made.
// Targets (issue #2): overhead <= 1 ms, peak RSS <= 4 MiB.
#include <benchmark/benchmark.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

extern char** environ;  // NOLINT: POSIX

namespace {

namespace fs = std::filesystem;

void write_tool(const fs::path& dir, const std::string& name, const std::string& body) {
  const fs::path path = dir / name;
  std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
  fs::permissions(path, fs::perms::owner_all);
}

// A charm directory and a tools directory for one greeter-relation-changed hook.
struct Fixture {
  fs::path root;
  fs::path charm;
  fs::path tools;
  fs::path profile;

  Fixture() {
    root = fs::temp_directory_path() / ("hook-bench-" + std::to_string(::getpid()));
    fs::remove_all(root);
    charm = root / "charm";
    tools = root / "tools";
    profile = root / "profile.json";
    fs::create_directories(charm);
    fs::create_directories(tools);
    // The metadata files of a packed charm, the compiled .ops-cpp-meta.json included.
    fs::copy_file(HELLO_CHARM_DIR "/charmcraft.yaml", charm / "charmcraft.yaml");
    fs::copy_file(HELLO_CHARM_DIR "/.ops-cpp-meta.json", charm / ".ops-cpp-meta.json");
    fs::copy_file(HELLO_DISPATCH, charm / "dispatch");
    write_tool(tools, "relation-get",
               "case \"$*\" in *--app*) echo '{\"greeting\": \"hello from bench\"}';; "
               "*) echo '{}';; esac");
    write_tool(tools, "relation-set", "cat >/dev/null");
    write_tool(tools, "relation-ids", "echo '[\"greeter:1\"]'");
    write_tool(tools, "relation-list", "echo '[\"provider/0\"]'");
    write_tool(tools, "status-set", ":");
    write_tool(tools, "juju-log", ":");
    write_tool(tools, "is-leader", "echo true");
    write_tool(tools, "config-get", "echo '{\"greeting\": \"hello\", \"name\": \"bench\"}'");
  }
  ~Fixture() { fs::remove_all(root); }
};

struct Sample {
  double wall_ms;
  double inside_overhead_ms;
  double outside_overhead_ms;
  long peak_rss_kib;
  int tool_calls;
};

Sample run_hook(const Fixture& f) {
  // A fresh state file each run, so every run does the same work.
  fs::remove(f.charm / ".ops-cpp-state.json");
  std::vector<std::string> env = {
      "PATH=" + f.tools.string() + ":/usr/bin:/bin",
      "JUJU_CHARM_DIR=" + f.charm.string(),
      "JUJU_DISPATCH_PATH=hooks/greeter-relation-changed",
      "JUJU_HOOK_NAME=greeter-relation-changed",
      "JUJU_UNIT_NAME=requirer/0",
      "JUJU_MODEL_NAME=bench",
      "JUJU_MODEL_UUID=00000000-0000-4000-8000-000000000000",
      "JUJU_VERSION=3.4.6",
      "JUJU_RELATION=greeter",
      "JUJU_RELATION_ID=greeter:1",
      "JUJU_REMOTE_APP=provider",
      "JUJU_REMOTE_UNIT=provider/0",
      "OPS_CPP_PROFILE_FILE=" + f.profile.string(),
  };
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string path = (f.charm / "dispatch").string();
  char* argv[] = {path.data(), nullptr};

  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  if (posix_spawn(&pid, path.c_str(), nullptr, nullptr, argv, envp.data()) != 0) {
    throw std::runtime_error("cannot spawn " + path);
  }
  int status = 0;
  struct rusage usage {};
  ::wait4(pid, &status, 0, &usage);
  const auto wall = std::chrono::steady_clock::now() - start;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("hook failed");

  std::ifstream in(f.profile);
  auto profile = nlohmann::json::parse(in);
  const double tool_ms = profile["tool_ns"].get<double>() / 1e6;
  Sample s{};
  s.wall_ms = std::chrono::duration<double, std::milli>(wall).count();
  s.inside_overhead_ms = profile["wall_ns"].get<double>() / 1e6 - tool_ms;
  s.outside_overhead_ms = s.wall_ms - tool_ms;
  s.peak_rss_kib = usage.ru_maxrss;
  s.tool_calls = profile["tool_calls"].get<int>();
  return s;
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
  return values[index];
}

void BM_RelationChangedDispatch(benchmark::State& state) {
  Fixture fixture;
  std::vector<double> wall, inside, outside;
  long peak_rss = 0;
  int calls = 0;
  for (auto _ : state) {
    Sample s = run_hook(fixture);
    state.SetIterationTime(s.wall_ms / 1e3);
    wall.push_back(s.wall_ms);
    inside.push_back(s.inside_overhead_ms);
    outside.push_back(s.outside_overhead_ms);
    peak_rss = std::max(peak_rss, s.peak_rss_kib);
    calls = s.tool_calls;
  }
  state.counters["wall_p50_ms"] = percentile(wall, 0.50);
  state.counters["wall_p99_ms"] = percentile(wall, 0.99);
  state.counters["overhead_in_p50_ms"] = percentile(inside, 0.50);
  state.counters["overhead_in_p99_ms"] = percentile(inside, 0.99);
  state.counters["overhead_out_p50_ms"] = percentile(outside, 0.50);
  state.counters["overhead_out_p99_ms"] = percentile(outside, 0.99);
  state.counters["peak_rss_kib"] = static_cast<double>(peak_rss);
  state.counters["tool_calls"] = calls;
}
BENCHMARK(BM_RelationChangedDispatch)
    ->Iterations(300)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
