// libFuzzer target over the stored-state file, <charm dir>/.ops-cpp-state.json
// (ops/state_store.h). Each input is written as the file and loaded by JsonFileStateStore, and
// also parsed as JSON and given to StateDocument::from_json. Checks, besides crashes and
// sanitizer reports (an escaping exception is one: a hook must fail with a clear kCorruptState):
//  - load() fails only with kCorruptState, naming the file;
//  - a document that loads saves and loads back to the same document (round trip);
//  - load() and from_json() agree.
// Seed corpus: fuzz/corpus/state_file/ (state files written by the sample charm and the charms).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "ops/state_store.h"

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

std::string work_dir;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp");
  pattern += "/state-file-fuzz-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  work_dir = pattern;
  std::atexit([] {
    std::remove((work_dir + "/.ops-cpp-state.json").c_str());
    ::rmdir(work_dir.c_str());
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string path = work_dir + "/.ops-cpp-state.json";
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(input.data(), static_cast<std::streamsize>(input.size()));
    check(file.good());
  }
  ops::JsonFileStateStore store(path);
  auto loaded = store.load();

  auto json = nlohmann::json::parse(input, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    check(!loaded);
  } else {
    auto direct = ops::StateDocument::from_json(json);
    check(direct.ok() == loaded.ok());
    if (direct) check(*direct == *loaded);
    if (!direct) check(direct.error().code == ops::ErrorCode::kCorruptState);
  }
  if (!loaded) {
    check(loaded.error().code == ops::ErrorCode::kCorruptState);
    check(loaded.error().message.find(path) != std::string::npos);
    return 0;
  }
  check(store.save(*loaded).ok());
  auto again = store.load();
  check(again.ok() && *again == *loaded);
  auto from_json = ops::StateDocument::from_json(loaded->to_json());
  check(from_json.ok() && *from_json == *loaded);
  return 0;
}
