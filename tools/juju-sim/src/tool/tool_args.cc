#include "tool/tool_args.h"

#include <fmt/format.h>

#include "sim_error.h"

namespace juju_sim {

ToolArgs::ToolArgs(const std::vector<std::string>& argv, const std::vector<FlagSpec>& specs) {
  bool flags_done = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (flags_done || arg.size() < 2 || arg[0] != '-') {
      positional_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    std::string body = arg.substr(arg[1] == '-' ? 2 : 1);
    std::string inline_value;
    bool has_inline = false;
    if (auto eq = body.find('='); eq != std::string::npos) {
      inline_value = body.substr(eq + 1);
      body = body.substr(0, eq);
      has_inline = true;
    }
    const FlagSpec* spec = nullptr;
    for (const auto& candidate : specs) {
      for (const auto& name : candidate.names) {
        if (name == body) spec = &candidate;
      }
    }
    if (spec == nullptr) throw usage_error(fmt::format("flag provided but not defined: -{}", body));
    const std::string& key = spec->names.front();
    if (spec->takes_value) {
      if (has_inline) {
        values_[key].push_back(inline_value);
      } else if (i + 1 < argv.size()) {
        values_[key].push_back(argv[++i]);
      } else {
        throw usage_error(fmt::format("flag needs an argument: -{}", body));
      }
    } else {
      values_[key].push_back(has_inline ? inline_value : "true");
    }
  }
}

bool ToolArgs::flag(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return false;
  const std::string& value = it->second.back();
  if (value == "true" || value == "True" || value == "1") return true;
  if (value == "false" || value == "False" || value == "0") return false;
  throw usage_error(fmt::format("invalid boolean value \"{}\" for -{}", value, name));
}

std::string ToolArgs::value(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second.back();
}

const std::vector<std::string>& ToolArgs::all(const std::string& name) const {
  static const std::vector<std::string> empty;
  auto it = values_.find(name);
  return it == values_.end() ? empty : it->second;
}

void ToolArgs::max_positional(size_t max) const {
  if (positional_.size() <= max) return;
  std::string extra;
  for (size_t i = max; i < positional_.size(); ++i) {
    extra += (extra.empty() ? "\"" : " \"") + positional_[i] + "\"";
  }
  throw usage_error(fmt::format("unrecognized args: [{}]", extra));
}

}  // namespace juju_sim
