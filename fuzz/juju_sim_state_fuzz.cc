// libFuzzer target over juju-sim's state file: each input is written as the model's state.db and
// juju-sim's read-only commands run on it in-process (status --format json, status, trace,
// secrets, show-unit, show-relation, config). A corrupt or garbage file must give a clear error,
// never a crash. Besides crashes and sanitizer reports it checks for every input and command:
//  - the exit code is 0 or 2 (a bad state file is bad input), or 1 for a run-time failure;
//  - a failure prints one "ERROR ..." line.
// With JUJU_SIM_FUZZ_STRICT=1 it also fails on an error that is not clear (a raw library
// exception text such as "[json.exception..." or "bad conversion"); docs/reliability.md lists
// what that finds.
// Each command first opens the model (cli_main.cc's Cli::open), so a file that cannot be opened
// fails all seven the same way: when the first command failed with exactly the error opening the
// file gives (juju_sim_fuzz::open_error), the other six are not run.
// Seed corpus: fuzz/corpus/juju_sim_state/ (small real models; fuzz/seed_corpus.py).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "juju_sim_fuzz_model.h"

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

bool strict() {
  static const bool value = [] {
    const char* env = std::getenv("JUJU_SIM_FUZZ_STRICT");
    return env != nullptr && std::string_view(env) == "1";
  }();
  return value;
}

bool unclear(const std::string& err) {
  for (std::string_view raw :
       {"json.exception", "bad conversion", "std::", "basic_string", "yaml-cpp", "bad_alloc"}) {
    if (err.find(raw) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // JUJU_SIM_FUZZ_WRITE_SEED=<file>: write the template model's state.db there and exit.
  if (const char* seed = std::getenv("JUJU_SIM_FUZZ_WRITE_SEED")) {
    const std::string& state = juju_sim_fuzz::template_state();
    std::FILE* file = std::fopen(seed, "wb");
    if (file == nullptr || std::fwrite(state.data(), 1, state.size(), file) != state.size()) {
      std::abort();
    }
    std::fclose(file);
    std::exit(0);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<std::vector<std::string>> kCommands = {{"status", "--format", "json"},
                                                                  {"status"},
                                                                  {"trace", "--format", "json"},
                                                                  {"secrets"},
                                                                  {"show-unit", "alpha/0"},
                                                                  {"show-relation", "0"},
                                                                  {"config", "alpha"}};
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const auto& command : kCommands) {
    juju_sim_fuzz::write_state(input);
    const auto result = juju_sim_fuzz::run_cli(command);
    check(result.exit_code == 0 || result.exit_code == 1 || result.exit_code == 2);
    if (result.exit_code != 0) {
      check(result.err.starts_with("ERROR "));
      if (strict() && unclear(result.err)) {
        std::fprintf(stderr, "unclear error for `%s`: %s", command[0].c_str(), result.err.c_str());
        __builtin_trap();
      }
    }
    if (&command == &kCommands.front() && result.exit_code == 2) {
      juju_sim_fuzz::write_state(input);
      const std::optional<std::string> open_error = juju_sim_fuzz::open_error();
      if (open_error && result.err == "ERROR " + *open_error + "\n") break;
    }
  }
  return 0;
}
