// record_tool_call: appends one hook-tool call to the model's trace.
// record_raw_argv: appends one hook-tool argv, unredacted, to an opt-in log for secret scans.
//
// Contract of the trace: never stores secret content. Secret content arguments of
// secret-add/secret-set are kept only as `key#file=<path>` (the path, never the file) or rewritten
// to `key=<redacted>`; the stdout of secret-get is replaced by `<redacted>`. Failing to write the
// trace never changes the tool's result.
//
// The trace is for humans, and its redaction would hide a key that a charm put on a tool's
// command line (visible to every local user in `ps`). A scan for such keys reads the raw argv log
// instead: when juju-sim runs with JUJU_SIM_RAW_ARGV_LOG=<file> in its environment, it passes the
// absolute path to hooks as JUJUSIM_RAW_ARGV_LOG (kAgentRawArgvLogVariable), and every tool
// appends, before it parses anything, one JSON line with its exact argv:
//   {"unit":"client/0","context":"client-0-install-3","argv":["/m/tools/secret-set","a","b=c"]}
// The file is created with mode 0600 (O_NOFOLLOW) and each line is one append write(2), so
// concurrent tools (settle --jobs N) never interleave. Only tests use it; it holds whatever the
// charms passed, keys included, so it is never on by default. A log that cannot be written (or an
// existing one that is not a 0600 regular file of this user) fails the tool with exit 1: a scan
// must not silently miss calls.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "tool/tool_context.h"

namespace juju_sim {

// juju-sim's own environment variable (the opt-in) and the one it sets for hooks.
inline constexpr const char* kRawArgvLogVariable = "JUJU_SIM_RAW_ARGV_LOG";
inline constexpr const char* kAgentRawArgvLogVariable = "JUJUSIM_RAW_ARGV_LOG";

// `duration` is the tool's in-process time, recorded for the settle timing report.
void record_tool_call(ToolContext& ctx, const std::vector<std::string>& argv, int exit_code,
                      const std::string& stdout_text, const std::string& stderr_text,
                      std::chrono::nanoseconds duration);

// Appends argv (argv[0] included) to the file named by JUJUSIM_RAW_ARGV_LOG; does nothing when it
// is unset or empty. Throws SimError(1) naming the file when it cannot be written.
void record_raw_argv(int argc, char** argv);

}  // namespace juju_sim
