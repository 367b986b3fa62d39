// ToolArgs: Juju-style (gnuflag) argument parsing for the fake hook tools.
//
// Contract: flags may come before, between or after positional arguments; `-x` and `--x` are
// the same flag; values as `--f v` or `--f=v`; boolean flags accept `--b`, `--b=true|false`
// (also Python's True/False and 1/0); a lone `-` is a positional; `--` ends flags. An unknown
// flag or a missing value throws SimError(2) with gnuflag's wording
// ("flag provided but not defined: -x").
#pragma once

#include <map>
#include <string>
#include <vector>

namespace juju_sim {

struct FlagSpec {
  std::vector<std::string> names;  // without dashes; the first is the canonical name
  bool takes_value = false;
};

class ToolArgs {
 public:
  ToolArgs(const std::vector<std::string>& argv, const std::vector<FlagSpec>& specs);

  bool has(const std::string& name) const { return values_.count(name) != 0; }
  // Boolean flags: true when given without value or with a true value.
  bool flag(const std::string& name) const;
  std::string value(const std::string& name, const std::string& fallback = "") const;
  const std::vector<std::string>& all(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }
  // Throws SimError(2) "unrecognized args: [...]" when more than `max` positionals were given.
  void max_positional(size_t max) const;

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
};

}  // namespace juju_sim
