#include "tool/tool_trace.h"

#include <nlohmann/json.hpp>

#include "sim_error.h"

namespace juju_sim {

void record_tool_call(ToolContext& ctx, const std::vector<std::string>& argv, int exit_code,
                      const std::string& stdout_text, const std::string& stderr_text,
                      std::chrono::nanoseconds duration) {
  bool content_tool = ctx.tool == "secret-add" || ctx.tool == "secret-set";
  nlohmann::json args = nlohmann::json::array();
  for (const std::string& arg : argv) {
    auto eq = arg.find('=');
    bool content = content_tool && !arg.empty() && arg[0] != '-' && eq != std::string::npos &&
                   arg.substr(0, eq).find("#file") == std::string::npos;
    args.push_back(content ? arg.substr(0, eq) + "=<redacted>" : arg);
  }
  std::string out = stdout_text;
  if (ctx.tool == "secret-get" && !out.empty()) out = "<redacted>";
  try {
    ctx.db
        ->prepare(
            "INSERT INTO trace(context_id, unit, kind, name, argv, stdin, stdout, stderr, "
            "exit, duration_us) VALUES (?, ?, 'tool', ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, ctx.context_id)
        .bind(2, ctx.unit.name)
        .bind(3, ctx.tool)
        .bind(4, args.dump())
        .bind(5, ctx.stdin_text)
        .bind(6, out)
        .bind(7, stderr_text)
        .bind(8, exit_code)
        .bind(9, static_cast<std::int64_t>(
                     std::chrono::duration_cast<std::chrono::microseconds>(duration).count()))
        .run();
  } catch (const SimError&) {
    // The trace is diagnostic only.
  }
}

}  // namespace juju_sim
