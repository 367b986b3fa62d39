// CharmMeta: what a charm declares about itself (charmcraft.yaml, or the metadata.yaml /
// config.yaml / actions.yaml trio that charmcraft generates inside a .charm).
//
// Used by the Model for access rules (peer relations), by the dispatcher to validate events, and by
// the testing Context to build a consistent model. Parsing is done with yaml-cpp.
//
// Compiled metadata: parsing YAML is a large share of a hook's CPU time, so a charm directory may
// also hold `.ops-cpp-meta.json` (written by the `ops-charm-meta compile` tool when a charm is
// assembled or packed):
//
//   {"format": 1,
//    "sources": {"metadata.yaml": "<digest>", "config.yaml": "<digest>", "actions.yaml": null},
//    "meta": <CharmMeta::to_json()>}
//
// "sources" lists exactly the files load() reads for the directory's layout (metadata.yaml,
// config.yaml and actions.yaml; or metadata.yaml and charmcraft.yaml when there is no
// metadata.yaml), each with source_digest() of its bytes, or null when the file is absent (so that
// adding it later makes the compiled file stale). load() uses "meta" only when every digest
// matches; a missing, stale or damaged compiled file is ignored and the YAML is parsed.
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

  friend bool operator==(const RelationMeta&, const RelationMeta&) = default;
};

struct ConfigOptionMeta {
  std::string type;              // string, int, float, boolean, secret
  nlohmann::json default_value;  // null when there is no default
  std::string description;

  friend bool operator==(const ConfigOptionMeta&, const ConfigOptionMeta&) = default;
};

struct ActionMeta {
  std::string description{};
  nlohmann::json params = nlohmann::json::object();  // JSON-schema properties

  friend bool operator==(const ActionMeta&, const ActionMeta&) = default;
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
  // charmcraft.yaml. A missing directory or file gives kIoError naming the path. When the
  // directory holds a fresh compiled file (see the top of this header) its "meta" is returned and
  // no YAML is parsed; otherwise the YAML files are parsed.
  static Result<CharmMeta> load(const std::string& charm_dir);

  // The JSON form of every field above (the compiled file's "meta"): relations, config and actions
  // are objects keyed by endpoint / option / action name. from_json(to_json()) == *this for any
  // meta whose relation keys equal their endpoints (as parsed metas always do).
  nlohmann::json to_json() const;
  // Checks every type; a wrong one gives kInvalidArgument naming the field. Never throws.
  // Missing keys take the defaults of the fields above.
  static Result<CharmMeta> from_json(const nlohmann::json& doc);

  // Name of the compiled file inside a charm directory.
  static constexpr std::string_view kCompiledFile = ".ops-cpp-meta.json";
  // The compiled document for a charm directory, made from its YAML files (what
  // `ops-charm-meta compile` writes). Errors are load()'s (kIoError, kInvalidArgument).
  static Result<nlohmann::json> compile(const std::string& charm_dir);
  // The meta of the directory's compiled file when it is present and fresh; otherwise an error
  // saying why not (kIoError: missing or unreadable; kCorruptState: damaged or stale).
  static Result<CharmMeta> load_compiled(const std::string& charm_dir);
  // FNV-1a 64 of the bytes as 16 lowercase hex digits: detects edits, it is not a security check.
  static std::string source_digest(std::string_view bytes);

  const RelationMeta* relation(std::string_view endpoint) const;
  bool is_peer(std::string_view endpoint) const;

  friend bool operator==(const CharmMeta&, const CharmMeta&) = default;
};

}  // namespace ops
