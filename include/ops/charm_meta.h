// CharmMeta: what a charm declares about itself (charmcraft.yaml, or the metadata.yaml /
// config.yaml / actions.yaml trio that charmcraft generates inside a .charm).
//
// Used by the Model for access rules (peer relations), by the dispatcher to validate events, and by
// the testing Context to build a consistent model. Parsing is done with yaml-cpp.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "ops/result.h"

namespace ops {

enum class RelationRole { kProvides, kRequires, kPeers };

struct RelationMeta {
  std::string endpoint{};
  RelationRole role = RelationRole::kRequires;
  std::string interface_name{};
  std::optional<int> limit{};
  bool container_scope = false;  // scope: container
  bool optional = false;
};

struct ConfigOptionMeta {
  std::string type;              // string, int, float, boolean, secret
  nlohmann::json default_value;  // null when there is no default
  std::string description;
};

struct ActionMeta {
  std::string description{};
  nlohmann::json params = nlohmann::json::object();  // JSON-schema properties
};

struct CharmMeta {
  std::string name{};
  std::string summary{};
  bool subordinate = false;
  std::map<std::string, RelationMeta> relations{};  // by endpoint
  std::map<std::string, ConfigOptionMeta> config{};
  std::map<std::string, ActionMeta> actions{};

  // Parses charmcraft.yaml text (metadata, config and actions in one document).
  static Result<CharmMeta> from_charmcraft_yaml(std::string_view yaml);
  // Parses the separate files; empty strings mean "file absent".
  static Result<CharmMeta> from_yaml(std::string_view metadata, std::string_view config,
                                     std::string_view actions);
  // Loads from a charm directory: metadata.yaml (+ config.yaml, actions.yaml) if present, else
  // charmcraft.yaml. A missing directory or file gives kIoError naming the path.
  static Result<CharmMeta> load(const std::string& charm_dir);

  const RelationMeta* relation(std::string_view endpoint) const;
  bool is_peer(std::string_view endpoint) const;
};

}  // namespace ops
