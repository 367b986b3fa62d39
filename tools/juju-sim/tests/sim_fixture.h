// SimTest: a fixture that owns a temporary juju-sim model and writes small /bin/sh charms.
//
// A charm written by write_charm() has a `dispatch` that runs `on/<JUJU_HOOK_NAME>` (or
// `on/<action>` for actions) when the test provided one, and otherwise exits 0. Tests drive the
// real `juju-sim` binary (sim()) and read results back through its JSON output.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

struct CliResult {
  int exit_code = 0;
  std::string out;
  std::string err;
};

class SimTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Runs `juju-sim --model <model> args...`.
  CliResult sim(const std::vector<std::string>& args);
  // Runs and expects exit 0.
  std::string ok(const std::vector<std::string>& args);

  // Writes a charm directory; `hooks` maps a hook/action name to a shell script body.
  std::string write_charm(const std::string& name, const std::string& metadata,
                          const std::map<std::string, std::string>& hooks,
                          const std::string& config = "", const std::string& actions = "");

  nlohmann::json status();
  nlohmann::json trace(const std::string& unit = "");
  // "unit hook [remote] [departing]" for every hook run, in order (optionally of one unit).
  std::vector<std::string> hooks_run(const std::string& unit = "");
  // Tool calls made by `unit` during its hooks named `hook`.
  std::vector<nlohmann::json> tool_calls(const std::string& unit, const std::string& tool);
  nlohmann::json show_unit(const std::string& unit);

  std::string dir_;
  std::string model_;
};
