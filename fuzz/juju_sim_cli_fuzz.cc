// libFuzzer target over juju-sim's command line (tools/juju-sim/src/cli_main.cc, in-process):
// each input is split at newlines into at most 16 arguments and run as `juju-sim <args>` against
// a small model (juju_sim_fuzz_model.h), whose state is restored before every run. Commands that
// would start processes or write outside the model (init, deploy, add-unit, run, settle,
// --model) are skipped. Besides crashes and sanitizer reports it checks for every input:
//  - the exit code is 0, 1 (run-time failure) or 2 (usage error);
//  - a failure says why on stderr.
// Seed corpus: fuzz/corpus/juju_sim_cli/ (one command line per file).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "juju_sim_fuzz_model.h"

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> args;
  while (!input.empty() && args.size() < 16) {
    const auto newline = input.find('\n');
    args.emplace_back(input.substr(0, newline));
    input.remove_prefix(newline == std::string_view::npos ? input.size() : newline + 1);
  }
  if (!juju_sim_fuzz::is_safe_cli(args)) return -1;  // not added to the corpus

  juju_sim_fuzz::write_state(juju_sim_fuzz::template_state());
  const auto result = juju_sim_fuzz::run_cli(args);
  check(result.exit_code == 0 || result.exit_code == 1 || result.exit_code == 2);
  if (result.exit_code != 0) check(!result.err.empty());
  return 0;
}
