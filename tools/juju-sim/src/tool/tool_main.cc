// juju-sim-tool: every fake hook tool in one binary, chosen by basename(argv[0]).
//
// Prints the tool's output on stdout; on failure prints `ERROR <message>` on stderr and exits
// 2 for flag/argument errors or 1 for run-time errors, like Juju's jujuc commands.
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "sim_error.h"
#include "tool/tool_context.h"
#include "tool/tool_trace.h"

int main(int argc, char** argv) {
  auto started = std::chrono::steady_clock::now();
  std::string name = argv[0];
  if (auto slash = name.rfind('/'); slash != std::string::npos) name = name.substr(slash + 1);
  std::vector<std::string> args(argv + 1, argv + argc);
  juju_sim::ToolFunction tool = juju_sim::find_tool(name);
  if (tool == nullptr) {
    std::cerr << "ERROR unknown hook tool \"" << name << "\"\n";
    return 2;
  }
  std::optional<juju_sim::ToolContext> ctx;
  int exit_code = 0;
  std::string error;
  try {
    // First, so that a call the tool rejects is in the log too.
    juju_sim::record_raw_argv(argc, argv);
    ctx.emplace(juju_sim::load_tool_context(name));
    tool(*ctx, args);
  } catch (const juju_sim::SimError& e) {
    exit_code = e.exit_code();
    error = std::string("ERROR ") + e.what() + "\n";
  } catch (const std::exception& e) {
    exit_code = 1;
    error = std::string("ERROR ") + e.what() + "\n";
  }
  if (exit_code == 0) std::cout << ctx->out;
  std::cerr << error;
  if (ctx && ctx->db) {
    juju_sim::record_tool_call(*ctx, args, exit_code, exit_code == 0 ? ctx->out : "", error,
                               std::chrono::steady_clock::now() - started);
  }
  return exit_code;
}
