// libFuzzer target over charm metadata, the YAML a charm ships (ops/charm_meta.h): each input is
// read as charmcraft.yaml, and, split at form feeds ('\f') into up to three parts, as
// metadata.yaml + config.yaml + actions.yaml. With juju-sim built (JUJU_SIM_FUZZ), the same text
// also goes through juju-sim's own reader (charm_metadata.h: load_charm_metadata on a directory
// holding it as charmcraft.yaml, and yaml_text_to_json on inputs of up to 256 bytes: its real
// inputs are `juju-sim run` parameter values, and on a longer text it is the same YAML parse and
// conversion, with the same errors, as load_charm_metadata's). Besides crashes and sanitizer
// reports (an escaping exception is one), it checks for every input:
//  - ops fails only with kInvalidArgument, naming the file it could not read;
//  - juju-sim fails only with an exception its main reports (SimError with exit code 2, or,
//    unless JUJU_SIM_FUZZ_STRICT=1, another std::exception);
//  - what parses is consistent: peers are found by is_peer, every relation by relation().
// Seed corpus: fuzz/corpus/charm_meta/ (the charms' and the sample charm's charmcraft.yaml).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "ops/charm_meta.h"

#ifdef JUJU_SIM_FUZZ
#include "charm_metadata.h"
#include "sim_error.h"
#endif

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

void check_meta(const ops::Result<ops::CharmMeta>& meta, std::string_view file) {
  if (!meta) {
    check(meta.error().code == ops::ErrorCode::kInvalidArgument);
    check(meta.error().message.find(file) != std::string::npos);
    return;
  }
  for (const auto& [endpoint, relation] : meta->relations) {
    check(meta->relation(endpoint) == &relation);
    check(meta->is_peer(endpoint) == (relation.role == ops::RelationRole::kPeers));
  }
}

#ifdef JUJU_SIM_FUZZ
std::string charm_dir;

// juju-sim's main turns any other std::exception into "ERROR <what()>" and exit 2, so that is no
// crash; but the text is a library's (e.g. "[json.exception.type_error.302] ..."), not a clear
// error. JUJU_SIM_FUZZ_STRICT=1 fails on it (docs/reliability.md lists what that finds).
template <typename F>
void expect_sim_error_only(F&& f) {
  static const bool strict = [] {
    const char* env = std::getenv("JUJU_SIM_FUZZ_STRICT");
    return env != nullptr && std::string_view(env) == "1";
  }();
  try {
    f();
  } catch (const juju_sim::SimError& error) {
    check(error.exit_code() == 2);
  } catch (const std::exception& error) {
    if (strict) {
      std::fprintf(stderr, "unclear juju-sim error: %s\n", error.what());
      __builtin_trap();
    }
  }
}
#endif

}  // namespace

// Small fake stacks for ASan's detect_stack_use_after_return (on by default): every C++ throw
// makes ASan scan the whole fake stack at the next instrumented call (FakeStack::GC), and
// juju-sim's YAML reader throws twice per string scalar (stoll, stod). Frames that do not fit in
// the smaller fake stack fall back to the real stack; all other checks are unchanged.
// ASAN_OPTIONS overrides it.
extern "C" const char* __asan_default_options() { return "max_uar_stack_size_log=16"; }

extern "C" int LLVMFuzzerInitialize(int*, char***) {
#ifdef JUJU_SIM_FUZZ
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp");
  pattern += "/charm-meta-fuzz-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  charm_dir = pattern;
  std::atexit([] {
    std::remove((charm_dir + "/charmcraft.yaml").c_str());
    ::rmdir(charm_dir.c_str());
  });
#endif
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_meta(ops::CharmMeta::from_charmcraft_yaml(input), "charmcraft.yaml");

  std::vector<std::string_view> parts;
  std::string_view rest = input;
  while (parts.size() < 2 && rest.find('\f') != std::string_view::npos) {
    parts.push_back(rest.substr(0, rest.find('\f')));
    rest.remove_prefix(parts.back().size() + 1);
  }
  parts.push_back(rest);
  parts.resize(3);
  auto split = ops::CharmMeta::from_yaml(parts[0], parts[1], parts[2]);
  if (!split) {
    check(split.error().code == ops::ErrorCode::kInvalidArgument);
    const std::string& message = split.error().message;
    check(message.starts_with("metadata.yaml") || message.starts_with("config.yaml") ||
          message.starts_with("actions.yaml") || message.starts_with("charm metadata"));
  } else {
    check_meta(split, "");
  }

#ifdef JUJU_SIM_FUZZ
  {
    std::ofstream file(charm_dir + "/charmcraft.yaml", std::ios::binary | std::ios::trunc);
    file.write(input.data(), static_cast<std::streamsize>(input.size()));
    check(file.good());
  }
  expect_sim_error_only([&] {
    auto meta = juju_sim::load_charm_metadata(charm_dir);
    check(meta.endpoints.contains("juju-info"));
  });
  if (input.size() <= 256) {
    expect_sim_error_only([&] { juju_sim::yaml_text_to_json(std::string(input)); });
  }
#endif
  return 0;
}
