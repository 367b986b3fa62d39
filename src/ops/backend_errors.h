// Internal to the ops library: how ProcessBackend turns a hook-tool failure into an ops::Error.
//
// Classification follows Python ops' _ModelBackend._wrap_hookcmd (contract §2.3), on the
// lower-cased stderr:
//   tool `relation-*` / `network-*` and "relation not found"        -> kRelationNotFound
//   tool `secret-*` and "not found"                                  -> kSecretNotFound
//   "permission denied", "access denied", "not the leader",
//   "cannot write relation settings"                                 -> kPermissionDenied
//   anything else                                                    -> kModelError
// ops itself raises ModelError for the permission texts (after logging a security event); we give
// them their own code so the model can say what to do ("only the leader may ...").
//
// Messages name the tool and never carry what was sent to it: stdout is never quoted, and the
// caller passes the values it sent (secret content, relation data) so they are redacted from
// stderr should a tool ever echo them.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "ops/result.h"

namespace ops::internal {

// Classifies a tool that exited non-zero (exit_code < 0: killed by a signal). Message:
// "<tool> failed (exit N): <stderr trimmed>", stderr cut to a few KiB, each of `sensitive`
// replaced by "<redacted>". Codes as ops does (contract §2.3: relation not found, secret not
// found, permission denied), plus kInvalidArgument for a secret-* tool that exits 2 (Juju's
// code for a refused argument, e.g. a malformed secret id).
Error classify_tool_failure(std::string_view tool, int exit_code, std::string_view stderr_text,
                            const std::vector<std::string>& sensitive = {});

// kInvalidOutput: "<tool> printed <what>". Never include the output itself in `what`.
Error invalid_output(std::string_view tool, std::string_view what);

// kToolNotFound: "<tool>: not found on PATH; is this running under Juju?"
Error tool_not_found(std::string_view tool);

// kTimeout: "<tool> did not finish within <N>ms and was killed".
Error tool_timeout(std::string_view tool, std::chrono::milliseconds timeout);

}  // namespace ops::internal
