#include "model_paths.h"

#include <filesystem>

#include "sim_error.h"
#include "tool/tool_names.h"

namespace juju_sim {

namespace fs = std::filesystem;

std::string ModelPaths::unit_dir(const std::string& unit) const {
  std::string flat = unit;
  for (char& c : flat) {
    if (c == '/') c = '-';
  }
  return dir + "/units/" + flat;
}

void ensure_tools_dir(const ModelPaths& paths) {
  fs::path tool;
  if (const char* from_env = std::getenv("JUJU_SIM_TOOL"); from_env && *from_env) {
    tool = from_env;
  } else {
    tool = fs::read_symlink("/proc/self/exe").parent_path() / "juju-sim-tool";
  }
  if (!fs::exists(tool)) {
    throw usage_error("cannot find the juju-sim-tool binary at " + tool.string() +
                      "; set JUJU_SIM_TOOL");
  }
  fs::path dir = paths.tools_dir();
  fs::create_directories(dir);
  for (const std::string& name : hook_tool_names()) {
    fs::path link = dir / name;
    std::error_code ec;
    if (fs::is_symlink(link, ec) && fs::read_symlink(link, ec) == tool) continue;
    fs::remove(link, ec);
    fs::create_symlink(tool, link);
  }
}

}  // namespace juju_sim
