// CharmMetadata: what juju-sim needs from a charm directory, read the way Juju reads it.
//
// Contract: load_charm_metadata(dir) reads metadata.yaml (or, when absent, charmcraft.yaml),
// config.yaml (or charmcraft.yaml `config:`) and actions.yaml (or charmcraft.yaml `actions:`).
// Endpoints come from provides/requires/peers, in the long form ({interface, scope, limit}) or
// the short form (`endpoint: interface`); every charm also gets the implicit `juju-info`
// provides endpoint. Throws SimError(2) naming the file on missing name or invalid YAML.
// The result is stored as JSON in the apps table:
//   endpoints: {"<ep>": {"role": "provides|requires|peers", "interface": "...",
//               "scope": "global|container", "limit": <int or null>}}
//   config_options: {"<opt>": {"type": "string|int|float|boolean|secret", "default": <value>}}
//   actions: {"<action>": {"params": {"<p>": {"default": <value>, ...}}}}
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace juju_sim {

struct CharmMetadata {
  std::string name;
  bool subordinate = false;
  nlohmann::json endpoints = nlohmann::json::object();
  nlohmann::json config_options = nlohmann::json::object();
  nlohmann::json actions = nlohmann::json::object();
};

CharmMetadata load_charm_metadata(const std::string& charm_dir);

// Converts a config value given as text (`juju config app k=v`) to the option's type; throws
// SimError(2) when the option is unknown or the text is not of that type.
nlohmann::json parse_config_value(const nlohmann::json& options, const std::string& key,
                                  const std::string& text);

// Converts YAML to JSON (scalars: int, float, bool, null, else string).
nlohmann::json yaml_text_to_json(const std::string& text);

}  // namespace juju_sim
