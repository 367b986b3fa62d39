#include "sim_fixture.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string slurp(const std::string& path) {
  std::ifstream file(path);
  std::stringstream buffer;
  buffer << file.rdbuf();
  return buffer.str();
}

void write_file(const fs::path& path, const std::string& text, bool executable = false) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
  if (executable) chmod(path.c_str(), 0755);
}

}  // namespace

void SimTest::SetUp() {
  char pattern[] = "/tmp/juju-sim-test-XXXXXX";
  dir_ = mkdtemp(pattern);
  model_ = dir_ + "/model";
  ok({"init"});
}

void SimTest::TearDown() {
  if (!HasFailure()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

CliResult SimTest::sim(const std::vector<std::string>& args) {
  std::string command = fmt::format("{} --model {}", JUJU_SIM_BINARY, quote(model_));
  for (const auto& arg : args) command += " " + quote(arg);
  command += fmt::format(" >{0}/cli.out 2>{0}/cli.err </dev/null", dir_);
  int status = std::system(command.c_str());
  CliResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = slurp(dir_ + "/cli.out");
  result.err = slurp(dir_ + "/cli.err");
  return result;
}

std::string SimTest::ok(const std::vector<std::string>& args) {
  CliResult result = sim(args);
  EXPECT_EQ(result.exit_code, 0) << "juju-sim " << (args.empty() ? "" : args[0]) << ": "
                                 << result.err;
  return result.out;
}

std::string SimTest::write_charm(const std::string& name, const std::string& metadata,
                                 const std::map<std::string, std::string>& hooks,
                                 const std::string& config, const std::string& actions) {
  fs::path charm = fs::path(dir_) / "charms" / name;
  write_file(charm / "metadata.yaml", "name: " + name + "\n" + metadata);
  if (!config.empty()) write_file(charm / "config.yaml", config);
  if (!actions.empty()) write_file(charm / "actions.yaml", actions);
  write_file(charm / "dispatch",
             "#!/bin/sh\n"
             "name=\"${JUJU_DISPATCH_PATH#*/}\"\n"
             "if [ -f \"./on/$name\" ]; then . \"./on/$name\"; fi\n",
             true);
  for (const auto& [hook, body] : hooks) write_file(charm / "on" / hook, body);
  return charm.string();
}

json SimTest::status() { return json::parse(ok({"status", "--format", "json"})); }

json SimTest::trace(const std::string& unit) {
  std::vector<std::string> args = {"trace", "--format", "json"};
  if (!unit.empty()) {
    args.push_back("--unit");
    args.push_back(unit);
  }
  return json::parse(ok(args));
}

std::vector<std::string> SimTest::hooks_run(const std::string& unit) {
  std::vector<std::string> out;
  for (const auto& entry : trace(unit)) {
    if (entry["kind"] != "hook") continue;
    std::string line = entry["unit"].get<std::string>() + " " + entry["name"].get<std::string>();
    const json& env = entry["env"];
    if (env.value("JUJU_REMOTE_UNIT", "") != "")
      line += " " + env["JUJU_REMOTE_UNIT"].get<std::string>();
    if (env.value("JUJU_DEPARTING_UNIT", "") != "") {
      line += " departing=" + env["JUJU_DEPARTING_UNIT"].get<std::string>();
    }
    if (entry["exit"] != 0) line += fmt::format(" EXIT {}", entry["exit"].get<int>());
    out.push_back(line);
  }
  return out;
}

std::vector<json> SimTest::tool_calls(const std::string& unit, const std::string& tool) {
  std::vector<json> out;
  for (const auto& entry : trace(unit)) {
    if (entry["kind"] == "tool" && entry["name"] == tool) out.push_back(entry);
  }
  return out;
}

json SimTest::show_unit(const std::string& unit) {
  return json::parse(ok({"show-unit", unit}))[unit];
}
