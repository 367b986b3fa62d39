// juju-sim at scale: settling a relation between a 1-unit provider and an N-unit requirer
// application of the C++ sample charm (examples/sample-charm), every hook a real charm process.
//
// Per N, outside the timing: a fresh model, `deploy provider --config name=bench`,
// `deploy requirer -n N`, `settle` (install ... start on every unit). Timed: `relate` +
// `settle`, as measured by settle itself (`settle --format json`). Reported:
//   - hooks run and hooks/s,
//   - wall-time share of juju-sim itself (hook selection, commits, bookkeeping) versus the charm
//     processes (fork to exit, hook tools included) and the hook tools' in-process time (with
//     --juju_sim_jobs > 1, charm_wall_share is the mean number of hooks running at once),
//   - CPU-time share (juju-sim vs charm processes with their hook tools), which does not depend
//     on other load on the machine.
// N = 1000 is its own benchmark (BM_SettleRelationLarge; minutes of setup): select it with
// --benchmark_filter=Large. Target (issue #4): < 60 s for N = 1000 on 2 cores.
// --juju_sim_jobs=J runs every settle (setup and timed) with `settle --jobs J` (default 1: serial):
// hooks of up to J different units at once, as Juju's independent unit agents do.
// Every run also appends one row per N (and J) to a CSV (--juju_sim_csv=PATH, default
// juju-sim-scaling.csv in the working directory; header written when the file is new), the input
// of bench/plot-juju-sim-scaling.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string csv_path = "juju-sim-scaling.csv";
std::string jobs = "1";

void append_csv(int requirers, const json& result) {
  const bool fresh = !fs::exists(csv_path);
  std::ofstream csv(csv_path, std::ios::app);
  if (fresh) {
    csv << "requirers,jobs,hooks,wall_s,hooks_per_s,sim_cpu_s,charm_cpu_s,sim_cpu_share,"
           "charm_wall_s,tool_inproc_s\n";
  }
  const double seconds = result["seconds"], hooks = result["hooks"];
  const double sim_cpu = result["sim-cpu-seconds"], charm_cpu = result["charm-cpu-seconds"];
  csv << requirers << ',' << jobs << ',' << hooks << ',' << seconds << ',' << hooks / seconds << ','
      << sim_cpu << ',' << charm_cpu << ',' << sim_cpu / (sim_cpu + charm_cpu) << ','
      << result["charm-seconds"].get<double>() << ',' << result["tool-seconds"].get<double>()
      << '\n';
}

// Runs juju-sim on `model` and returns its stdout; throws on a non-zero exit.
std::string juju_sim(const fs::path& model, const std::vector<std::string>& args) {
  std::string command = std::string(JUJU_SIM_BINARY) + " --model '" + model.string() + "'";
  for (const std::string& arg : args) command += " '" + arg + "'";
  command += " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run " + command);
  std::string out;
  std::array<char, 4096> buffer{};
  while (size_t n = fread(buffer.data(), 1, buffer.size(), pipe)) out.append(buffer.data(), n);
  if (pclose(pipe) != 0) throw std::runtime_error(command + " failed: " + out);
  return out;
}

void settle_relation(benchmark::State& state) {
  const int requirers = static_cast<int>(state.range(0));
  const fs::path root =
      fs::temp_directory_path() / ("juju-sim-bench-" + std::to_string(::getpid()));
  json last;
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove_all(root);
    const fs::path model = root / "model";
    juju_sim(model, {"init"});
    juju_sim(model, {"deploy", "provider", HELLO_CHARM, "--config", "name=bench"});
    juju_sim(model, {"deploy", "requirer", HELLO_CHARM, "-n", std::to_string(requirers)});
    juju_sim(model, {"settle", "--jobs", jobs});
    state.ResumeTiming();

    juju_sim(model, {"relate", "provider:greeting", "requirer:greeter"});
    last = json::parse(juju_sim(model, {"settle", "--jobs", jobs, "--format", "json"}));
    state.SetIterationTime(last["seconds"].get<double>());
    if (!last["quiescent"].get<bool>() || !last["units-in-error"].empty()) {
      state.SkipWithError("the model did not settle cleanly");
    }
  }
  fs::remove_all(root);
  if (last.is_null()) return;
  append_csv(requirers, last);
  const double seconds = last["seconds"], charm = last["charm-seconds"];
  const double sim_cpu = last["sim-cpu-seconds"], charm_cpu = last["charm-cpu-seconds"];
  state.counters["jobs"] = std::stod(jobs);
  state.counters["hooks"] = last["hooks"].get<double>();
  state.counters["hooks_per_s"] = last["hooks"].get<double>() / seconds;
  // charm wall time is summed over hooks: with --jobs J > 1 this is the mean number of charm
  // processes running at once, and juju-sim's own wall share is no longer "the rest".
  state.counters["charm_wall_share"] = charm / seconds;
  if (jobs == "1") state.counters["sim_wall_share"] = (seconds - charm) / seconds;
  state.counters["tool_inproc_share"] = last["tool-seconds"].get<double>() / seconds;
  state.counters["sim_cpu_share"] = sim_cpu / (sim_cpu + charm_cpu);
  state.counters["sim_cpu_s"] = sim_cpu;
  state.counters["charm_cpu_s"] = charm_cpu;
}

void BM_SettleRelation(benchmark::State& state) { settle_relation(state); }
void BM_SettleRelationLarge(benchmark::State& state) { settle_relation(state); }

BENCHMARK(BM_SettleRelation)
    ->Arg(10)
    ->Arg(100)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);
BENCHMARK(BM_SettleRelationLarge)
    ->Arg(1000)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

}  // namespace

int main(int argc, char** argv) {
  // Our own flags first; Google Benchmark rejects flags it does not know.
  std::vector<char*> args;
  const std::string csv_flag = "--juju_sim_csv=", jobs_flag = "--juju_sim_jobs=";
  for (int i = 0; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind(csv_flag, 0) == 0) {
      csv_path = arg.substr(csv_flag.size());
    } else if (arg.rfind(jobs_flag, 0) == 0) {
      jobs = arg.substr(jobs_flag.size());
      if (jobs.empty() || jobs.find_first_not_of("0123456789") != std::string::npos) {
        std::fprintf(stderr, "%s: expected a number of jobs\n", argv[i]);
        return 2;
      }
    } else {
      args.push_back(argv[i]);
    }
  }
  int count = static_cast<int>(args.size());
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
