// record_tool_call: appends one hook-tool call to the model's trace.
//
// Contract: never stores secret content. Secret content arguments of secret-add/secret-set are
// kept only as `key#file=<path>` (the path, never the file) or rewritten to `key=<redacted>`;
// the stdout of secret-get is replaced by `<redacted>`. Failing to write the trace never changes
// the tool's result.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "tool/tool_context.h"

namespace juju_sim {

// `duration` is the tool's in-process time, recorded for the settle timing report.
void record_tool_call(ToolContext& ctx, const std::vector<std::string>& argv, int exit_code,
                      const std::string& stdout_text, const std::string& stderr_text,
                      std::chrono::nanoseconds duration);

}  // namespace juju_sim
