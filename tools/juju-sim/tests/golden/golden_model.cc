#include "golden/golden_model.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <regex>

namespace juju_sim::golden {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// JSON strings, numbers and booleans are valid YAML scalars. `section`: provides, requires or
// peers; the traces' role of a peer endpoint is "peer".
std::string endpoints_yaml(const json& endpoints, const std::string& section) {
  const std::string role = section == "peers" ? "peer" : section;
  std::string out;
  for (const auto& [name, spec] : endpoints.items()) {
    if (spec["role"] != role) continue;
    out += fmt::format("  {}:\n    interface: {}\n", name, spec["interface"].dump());
    if (spec.contains("scope")) out += fmt::format("    scope: {}\n", spec["scope"].dump());
    if (spec.contains("limit") && !spec["limit"].is_null()) {
      out += fmt::format("    limit: {}\n", spec["limit"].dump());
    }
  }
  return out.empty() ? "" : section + ":\n" + out;
}

std::string config_yaml(const json& options) {
  std::string out = "options:\n";
  for (const auto& [name, spec] : options.items()) {
    out += fmt::format("  {}:\n", name);
    for (const char* field : {"type", "default", "description"}) {
      if (spec.contains(field)) out += fmt::format("    {}: {}\n", field, spec[field].dump());
    }
  }
  return out;
}

}  // namespace

std::map<std::string, std::string> write_puppet_charms(const json& golden,
                                                       const std::string& charms_dir,
                                                       const std::string& puppet_binary,
                                                       const std::string& golden_path,
                                                       const std::string& shared_dir) {
  std::map<std::string, std::string> out;
  for (const auto& [app, declared] : golden["applications"].items()) {
    const std::string charm = declared["charm"];
    const json& recorded = golden["final_state"]["apps"].value(app, json::object());
    const json endpoints = recorded.value("endpoints", declared["endpoints"]);
    fs::path dir = fs::path(charms_dir) / charm;
    out[app] = dir.string();
    if (fs::exists(dir)) continue;
    fs::create_directories(dir);
    std::ofstream(dir / "metadata.yaml")
        << "name: " << charm << "\nsummary: puppet of " << charm
        << "\ndescription: replays a golden trace\n"
        << endpoints_yaml(endpoints, "provides") << endpoints_yaml(endpoints, "requires")
        << endpoints_yaml(endpoints, "peers");
    std::ofstream(dir / "config.yaml")
        << config_yaml(recorded.value("config_options", json::object()));
    std::ofstream(dir / "puppet.json") << json{{"golden", golden_path}, {"shared", shared_dir}};
    fs::copy_file(puppet_binary, dir / "dispatch");
    chmod((dir / "dispatch").c_str(), 0755);
  }
  return out;
}

std::string hook_line(const std::string& hook, const json& env, int exit_code) {
  std::string line = hook;
  if (env.value("JUJU_REMOTE_UNIT", "") != "") {
    line += " remote=" + env["JUJU_REMOTE_UNIT"].get<std::string>();
  }
  if (env.value("JUJU_DEPARTING_UNIT", "") != "") {
    line += " departing=" + env["JUJU_DEPARTING_UNIT"].get<std::string>();
  }
  if (exit_code != 0) line += fmt::format(" exit={}", exit_code);
  return line;
}

json comparable_env(const json& env, const std::string& model_dir) {
  json out = json::object();
  for (const auto& [key, value] : env.items()) {
    std::string text = value.get<std::string>();
    if (key == "JUJU_CONTEXT_ID") {
      std::string prefix = env.value("JUJU_UNIT_NAME", "") + "-" + env.value("JUJU_HOOK_NAME", "");
      static const std::regex counter("^-[0-9]+$");
      bool shaped =
          text.rfind(prefix, 0) == 0 && std::regex_match(text.substr(prefix.size()), counter);
      text = shaped ? "<id>" : "malformed: " + text;
    }
    if (!model_dir.empty() && text.rfind(model_dir, 0) == 0) {
      text = "<model>" + text.substr(model_dir.size());
    }
    out[key] = text;
  }
  return out;
}

}  // namespace juju_sim::golden
