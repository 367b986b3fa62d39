#include "ops/charm_meta.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace ops {
namespace {

nlohmann::json to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Sequence: {
      auto out = nlohmann::json::array();
      for (const auto& item : node) out.push_back(to_json(item));
      return out;
    }
    case YAML::NodeType::Map: {
      auto out = nlohmann::json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = to_json(kv.second);
      return out;
    }
    case YAML::NodeType::Scalar: {
      // Quoted scalars stay strings; plain ones are typed as YAML 1.1 would for our uses.
      if (node.Tag() == "!") return node.as<std::string>();
      bool b = false;
      if (YAML::convert<bool>::decode(node, b)) return b;
      long long i = 0;
      if (YAML::convert<long long>::decode(node, i)) return i;
      double d = 0;
      if (YAML::convert<double>::decode(node, d)) return d;
      return node.as<std::string>();
    }
  }
  return nullptr;
}

void parse_relations(const YAML::Node& section, RelationRole role, CharmMeta& meta) {
  if (!section || !section.IsMap()) return;
  for (const auto& kv : section) {
    RelationMeta rel;
    rel.endpoint = kv.first.as<std::string>();
    rel.role = role;
    const auto& spec = kv.second;
    if (spec.IsMap()) {
      if (spec["interface"]) rel.interface_name = spec["interface"].as<std::string>();
      if (spec["limit"]) rel.limit = spec["limit"].as<int>();
      if (spec["scope"]) rel.container_scope = spec["scope"].as<std::string>() == "container";
      if (spec["optional"]) rel.optional = spec["optional"].as<bool>();
    } else if (spec.IsScalar()) {
      rel.interface_name = spec.as<std::string>();
    }
    meta.relations[rel.endpoint] = rel;
  }
}

void parse_metadata(const YAML::Node& root, CharmMeta& meta) {
  if (root["name"]) meta.name = root["name"].as<std::string>();
  if (root["summary"]) meta.summary = root["summary"].as<std::string>();
  if (root["subordinate"]) meta.subordinate = root["subordinate"].as<bool>();
  parse_relations(root["provides"], RelationRole::kProvides, meta);
  parse_relations(root["requires"], RelationRole::kRequires, meta);
  parse_relations(root["peers"], RelationRole::kPeers, meta);
}

void parse_config(const YAML::Node& options, CharmMeta& meta) {
  if (!options || !options.IsMap()) return;
  for (const auto& kv : options) {
    ConfigOptionMeta option;
    const auto& spec = kv.second;
    if (spec["type"]) option.type = spec["type"].as<std::string>();
    if (spec["description"]) option.description = spec["description"].as<std::string>();
    if (spec["default"]) {
      option.default_value = to_json(spec["default"]);
      // A string option's default is a string even when it looks like a number.
      if (option.type == "string" && !option.default_value.is_null() &&
          !option.default_value.is_string()) {
        option.default_value = spec["default"].as<std::string>();
      }
    }
    meta.config[kv.first.as<std::string>()] = option;
  }
}

void parse_actions(const YAML::Node& actions, CharmMeta& meta) {
  if (!actions || !actions.IsMap()) return;
  for (const auto& kv : actions) {
    ActionMeta action;
    const auto& spec = kv.second;
    if (spec.IsMap()) {
      if (spec["description"]) action.description = spec["description"].as<std::string>();
      if (spec["params"]) action.params = to_json(spec["params"]);
    }
    meta.actions[kv.first.as<std::string>()] = action;
  }
}

Result<YAML::Node> parse(std::string_view text, const char* what) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return Error{ErrorCode::kInvalidArgument,
                 std::string(what) + " is not valid YAML: " + e.what()};
  }
}

Result<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{ErrorCode::kIoError, "cannot read " + path.string()};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

Result<CharmMeta> CharmMeta::from_charmcraft_yaml(std::string_view yaml) {
  auto root = parse(yaml, "charmcraft.yaml");
  if (!root) return root.error();
  CharmMeta meta;
  try {
    parse_metadata(*root, meta);
    if ((*root)["config"]) parse_config((*root)["config"]["options"], meta);
    parse_actions((*root)["actions"], meta);
  } catch (const YAML::Exception& e) {
    return Error{ErrorCode::kInvalidArgument, std::string("charmcraft.yaml: ") + e.what()};
  }
  return meta;
}

Result<CharmMeta> CharmMeta::from_yaml(std::string_view metadata, std::string_view config,
                                       std::string_view actions) {
  CharmMeta meta;
  try {
    auto md = parse(metadata, "metadata.yaml");
    if (!md) return md.error();
    parse_metadata(*md, meta);
    if (!config.empty()) {
      auto cfg = parse(config, "config.yaml");
      if (!cfg) return cfg.error();
      parse_config((*cfg)["options"], meta);
    }
    if (!actions.empty()) {
      auto act = parse(actions, "actions.yaml");
      if (!act) return act.error();
      parse_actions(*act, meta);
    }
  } catch (const YAML::Exception& e) {
    return Error{ErrorCode::kInvalidArgument, std::string("charm metadata: ") + e.what()};
  }
  return meta;
}

Result<CharmMeta> CharmMeta::load(const std::string& charm_dir) {
  namespace fs = std::filesystem;
  const fs::path dir(charm_dir);
  std::error_code ec;
  if (fs::exists(dir / "metadata.yaml", ec)) {
    auto metadata = read_file(dir / "metadata.yaml");
    if (!metadata) return metadata.error();
    std::string config, actions;
    if (fs::exists(dir / "config.yaml", ec)) {
      auto text = read_file(dir / "config.yaml");
      if (!text) return text.error();
      config = *text;
    }
    if (fs::exists(dir / "actions.yaml", ec)) {
      auto text = read_file(dir / "actions.yaml");
      if (!text) return text.error();
      actions = *text;
    }
    return from_yaml(*metadata, config, actions);
  }
  if (fs::exists(dir / "charmcraft.yaml", ec)) {
    auto text = read_file(dir / "charmcraft.yaml");
    if (!text) return text.error();
    return from_charmcraft_yaml(*text);
  }
  return Error{ErrorCode::kIoError, "no metadata.yaml or charmcraft.yaml in charm directory '" +
                                        charm_dir + "' (is JUJU_CHARM_DIR right?)"};
}

const RelationMeta* CharmMeta::relation(std::string_view endpoint) const {
  auto it = relations.find(std::string(endpoint));
  return it == relations.end() ? nullptr : &it->second;
}

bool CharmMeta::is_peer(std::string_view endpoint) const {
  const auto* rel = relation(endpoint);
  return rel != nullptr && rel->role == RelationRole::kPeers;
}

}  // namespace ops
