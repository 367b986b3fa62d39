// The puppet charm of the golden replay test: a charm whose every hook re-enacts the reference
// charm's hook recorded in a golden trace.
//
// Run as the N-th hook of unit U, it finds U's N-th hook in the golden trace. When the hook name
// matches, it replays the hook's tool calls (all but juju-log) against juju-sim's hook tools —
// relation-set with the recorded stdin, secret-add with the recorded file contents, secret-get
// (which pins revisions), status-set, and the reads — with golden secret ids translated to the
// ones juju-sim handed out, and exits with the recorded exit status. Every difference (another
// hook than recorded, a tool exit status, stdout or stderr other than recorded, with addresses
// masked) is appended to <shared>/mismatches.log for the test to report.
//
// Configuration: <JUJU_CHARM_DIR>/puppet.json {"golden": <trace file>, "shared": <dir>}.
#include <fmt/format.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "golden/golden_text.h"
#include "golden/tool_invocation.h"

namespace {

namespace fs = std::filesystem;
using juju_sim::golden::mask_addresses;
using juju_sim::golden::SecretIdMap;
using nlohmann::json;

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

json read_json(const fs::path& path) {
  std::ifstream file(path);
  return json::parse(file);
}

class Replay {
 public:
  Replay(const json& config, std::string unit, int index)
      : shared_(config["shared"].get<std::string>()),
        ids_(shared_ + "/secret-ids.json"),
        unit_(std::move(unit)),
        index_(index) {}

  void mismatch(const std::string& what) {
    std::ofstream(shared_ + "/mismatches.log", std::ios::app)
        << fmt::format("{} hook #{} ({}): {}\n", unit_, index_, env("JUJU_HOOK_NAME"), what);
  }

  // Writes `key#file=<tmp>/name` contents into `scratch` and points the argument there.
  std::string file_argument(const std::string& arg, const json& files, const std::string& scratch) {
    static const std::regex pattern("^([^#=]+)#file=<tmp>/(.+)$");
    std::smatch match;
    if (!std::regex_match(arg, match, pattern)) return ids_.to_actual(arg);
    const std::string key = match[1];
    const std::string path = scratch + "/" + match[2].str();
    std::ofstream(path, std::ios::trunc) << files.value(key, "");
    return key + "#file=" + path;
  }

  void replay(const json& call, const std::string& scratch) {
    const std::string tool = call["tool"];
    std::vector<std::string> args;
    for (const json& arg : call["argv"]) {
      args.push_back(
          file_argument(arg.get<std::string>(), call.value("files", json::object()), scratch));
    }
    auto result =
        juju_sim::golden::run_tool(tool, args, ids_.to_actual(call.value("stdin", "")), scratch);
    const std::string golden_out = call.value("stdout", "");
    if (tool == "secret-add" && result.exit_code == 0) {
      ids_.learn(juju_sim::golden::secret_id_of(golden_out),
                 juju_sim::golden::secret_id_of(result.stdout_text));
      ids_.save();
    }
    std::string argv_text = json(call["argv"]).dump();
    if (result.exit_code != call["exit"].get<int>()) {
      mismatch(fmt::format("{} {}: exit {} expected, got {} ({})", tool, argv_text,
                           call["exit"].get<int>(), result.exit_code, result.stderr_text));
      return;
    }
    auto seen = [&](const std::string& text) { return mask_addresses(ids_.to_golden(text)); };
    if (seen(result.stdout_text) != mask_addresses(golden_out)) {
      mismatch(fmt::format("{} {}: stdout {} expected, got {}", tool, argv_text,
                           json(mask_addresses(golden_out)).dump(),
                           json(seen(result.stdout_text)).dump()));
    }
    if (seen(result.stderr_text) != mask_addresses(call.value("stderr", ""))) {
      mismatch(fmt::format("{} {}: stderr {} expected, got {}", tool, argv_text,
                           json(call.value("stderr", "")).dump(), json(result.stderr_text).dump()));
    }
  }

 private:
  std::string shared_;
  SecretIdMap ids_;
  std::string unit_;
  int index_;
};

int run() {
  const fs::path charm_dir = env("JUJU_CHARM_DIR");
  const json config = read_json(charm_dir / "puppet.json");
  const std::string unit = env("JUJU_UNIT_NAME");

  // The hook counter survives between hooks in the unit's charm directory, like stored state.
  const fs::path counter = charm_dir / ".puppet-hooks-run";
  int index = 0;
  if (std::ifstream in(counter); in) in >> index;
  std::ofstream(counter, std::ios::trunc) << index + 1;

  Replay replay(config, unit, index);
  json expected;
  int seen = 0;
  const json golden = read_json(config["golden"].get<std::string>());
  for (const json& hook : golden["hooks"]) {
    if (hook["unit"] != unit) continue;
    if (seen++ == index) expected = hook;
  }
  if (expected.is_null()) {
    replay.mismatch("the reference ran no such hook");
    return 0;
  }
  if (expected["hook"] != env("JUJU_HOOK_NAME")) {
    replay.mismatch(fmt::format("the reference ran {} here", expected["hook"].get<std::string>()));
    return 0;
  }
  std::string scratch_template = (charm_dir / "../puppet-XXXXXX").string();
  const std::string scratch = mkdtemp(scratch_template.data());
  for (const json& call : expected["tool_calls"]) {
    if (call["tool"] != "juju-log") replay.replay(call, scratch);
  }
  fs::remove_all(scratch);
  return expected["exit"].get<int>();
}

}  // namespace

int main() {
  try {
    return run();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "puppet charm: %s\n", error.what());
    return 99;
  }
}
