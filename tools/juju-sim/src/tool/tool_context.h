// ToolContext: what one hook-tool invocation knows — the model database, the running hook's
// context (unit, relation, remote unit, action) and the output it produces.
//
// Contract: load_tool_context() reads JUJUSIM_STATE_DB (juju-sim's own variable, deliberately not
// JUJU_-prefixed so a hook's JUJU_* environment is exactly Juju's) and JUJU_CONTEXT_ID, and
// throws SimError(1) if there is no running hook with that id (tools only work while their hook
// runs, as in Juju).
// Tools write their normal output to `out`; errors are thrown as SimError and printed by main.
// format_output() renders a value for --format json|yaml|smart (smart: strings raw, booleans
// True/False, lists one item per line, maps as YAML), like Juju's cmd formatters.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model_store.h"
#include "sqlite_database.h"
#include "tool/tool_args.h"

namespace juju_sim {

struct ToolContext {
  std::unique_ptr<Database> db;
  std::string tool;
  std::string context_id;
  std::string hook;
  std::string kind;  // install, relation-joined, action, ...
  UnitInfo unit;
  std::optional<std::int64_t> relation_id;
  std::string remote_unit, remote_app, departing;
  std::optional<std::int64_t> action_id;
  std::string stdin_text;  // filled when a tool reads `--file -`
  std::string out;

  // Reads stdin once (for `--file -`).
  const std::string& read_stdin();
  // The text a `--file PATH` argument names: stdin for "-", else the file. Throws SimError(2)
  // `cannot read settings file "<path>"` when it cannot be opened.
  std::string read_file_argument(const std::string& path);
};

ToolContext load_tool_context(const std::string& tool);

// Adds `--format` (and `-o`/`--output`, ignored) to a flag list.
std::vector<FlagSpec> with_format(std::vector<FlagSpec> specs);
// Renders `value` per the --format flag (default smart); throws SimError(2) on unknown format.
std::string format_output(const nlohmann::json& value, const ToolArgs& args);

// Resolves `-r` (`<endpoint>:<id>` or `<id>`) or the hook's own relation. Throws SimError(2)
// `invalid value "<v>" for option -r: relation not found` when unknown to this unit.
RelationInfo resolve_relation(ToolContext& ctx, const std::string& value);

// The tool entry points; each parses its own argv.
using ToolFunction = void (*)(ToolContext&, const std::vector<std::string>&);
ToolFunction find_tool(const std::string& name);

}  // namespace juju_sim
