// run_tool: runs one hook tool the way a charm does (found on PATH, no shell), feeding `stdin`
// and capturing stdout, stderr and the exit status. Scratch files go to `scratch_dir`.
#pragma once

#include <string>
#include <vector>

namespace juju_sim::golden {

struct ToolResult {
  int exit_code = 0;
  std::string stdout_text;
  std::string stderr_text;
};

// Returns exit_code 127 with a message on stderr when the tool cannot be started.
ToolResult run_tool(const std::string& tool, const std::vector<std::string>& args,
                    const std::string& stdin_text, const std::string& scratch_dir);

}  // namespace juju_sim::golden
