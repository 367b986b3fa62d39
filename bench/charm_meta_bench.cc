// CharmMeta::load, the first thing every hook does, on cephfs-server-proxy's packed layout
// (metadata.yaml, config.yaml, actions.yaml and .ops-cpp-meta.json exactly as scripts/pack-charms
// writes them into the .charm):
//   - compiled: the fresh .ops-cpp-meta.json is read (no YAML parsing),
//   - yaml: no compiled file, the YAML files are parsed,
//   - stale: the compiled file no longer matches config.yaml, so it is read, rejected, and the
//     YAML is parsed (the worst case).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "ops/charm_meta.h"

namespace {

namespace fs = std::filesystem;

// Packs the proxy into a temporary directory and unpacks it into <root>/{compiled,yaml,stale}.
struct PackedCharm {
  fs::path root;

  PackedCharm() {
    std::string pattern = (fs::temp_directory_path() / "charm-meta-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    root = pattern;
    const fs::path out = root / "out";
    const std::string pack = "'" PACK_CHARMS "' --build-dir '" BUILD_DIR "' --out-dir '" +
                             out.string() + "' cephfs-server-proxy >/dev/null";
    const std::string unpack = "python3 -m zipfile -e '" +
                               (out / "cephfs-server-proxy_ubuntu-24.04-amd64.charm").string() +
                               "' '" + (root / "compiled").string() + "'";
    if (std::system(pack.c_str()) != 0 || std::system(unpack.c_str()) != 0) std::abort();
    fs::copy(root / "compiled", root / "yaml", fs::copy_options::recursive);
    fs::remove(root / "yaml" / std::string(ops::CharmMeta::kCompiledFile));
    fs::copy(root / "compiled", root / "stale", fs::copy_options::recursive);
    std::ofstream(root / "stale" / "config.yaml", std::ios::app) << "\n";
    if (!ops::CharmMeta::load_compiled((root / "compiled").string()).ok()) std::abort();
  }
  ~PackedCharm() { fs::remove_all(root); }
};

const PackedCharm& packed() {
  static const PackedCharm charm;
  return charm;
}

void load(benchmark::State& state, const char* layout) {
  const std::string dir = (packed().root / layout).string();
  for (auto _ : state) {
    auto meta = ops::CharmMeta::load(dir);
    if (!meta) state.SkipWithError(meta.error().message.c_str());
    benchmark::DoNotOptimize(meta);
  }
}

BENCHMARK_CAPTURE(load, compiled, "compiled")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(load, yaml, "yaml")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(load, stale, "stale")->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
