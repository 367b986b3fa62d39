#include "charm_metadata.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "sim_error.h"

namespace juju_sim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json scalar_to_json(const YAML::Node& node) {
  if (node.Tag() == "!") return node.Scalar();  // quoted: always a string
  const std::string& text = node.Scalar();
  if (text == "~" || text == "null") return nullptr;
  bool flag = false;
  if (YAML::convert<bool>::decode(node, flag) && text != "y" && text != "n") return flag;
  try {
    size_t used = 0;
    long long number = std::stoll(text, &used);
    if (used == text.size()) return number;
  } catch (const std::exception&) {
  }
  try {
    size_t used = 0;
    double number = std::stod(text, &used);
    if (used == text.size()) return number;
  } catch (const std::exception&) {
  }
  return text;
}

json yaml_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& item : node) out[item.first.as<std::string>()] = yaml_to_json(item.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(yaml_to_json(item));
      return out;
    }
    case YAML::NodeType::Scalar:
      return scalar_to_json(node);
    default:
      return nullptr;
  }
}

json load_yaml_file(const fs::path& path) {
  try {
    return yaml_to_json(YAML::LoadFile(path.string()));
  } catch (const YAML::Exception& error) {
    throw usage_error(fmt::format("cannot parse {}: {}", path.string(), error.what()));
  }
}

json endpoints_of(const json& section, const std::string& role) {
  json out = json::object();
  if (!section.is_object()) return out;
  for (const auto& [name, spec] : section.items()) {
    json endpoint = {{"role", role}, {"scope", "global"}, {"limit", nullptr}};
    if (spec.is_string()) {
      endpoint["interface"] = spec;
    } else if (spec.is_object() && spec.contains("interface")) {
      endpoint["interface"] = spec["interface"];
      if (spec.contains("scope")) endpoint["scope"] = spec["scope"];
      if (spec.contains("limit")) endpoint["limit"] = spec["limit"];
    } else {
      throw usage_error(fmt::format("endpoint \"{}\" has no interface", name));
    }
    out[name] = endpoint;
  }
  return out;
}

}  // namespace

nlohmann::json yaml_text_to_json(const std::string& text) {
  try {
    return yaml_to_json(YAML::Load(text));
  } catch (const YAML::Exception& error) {
    throw usage_error(fmt::format("invalid YAML: {}", error.what()));
  }
}

CharmMetadata load_charm_metadata(const std::string& charm_dir) {
  fs::path dir(charm_dir);
  json charmcraft = json::object();
  if (fs::exists(dir / "charmcraft.yaml")) charmcraft = load_yaml_file(dir / "charmcraft.yaml");
  json meta =
      fs::exists(dir / "metadata.yaml") ? load_yaml_file(dir / "metadata.yaml") : charmcraft;
  if (!meta.is_object() || !meta.contains("name") || !meta["name"].is_string()) {
    throw usage_error(fmt::format(
        "charm {} has no name: it needs a metadata.yaml or charmcraft.yaml with `name:`",
        charm_dir));
  }
  CharmMetadata out;
  out.name = meta["name"];
  if (meta.contains("subordinate") && !meta["subordinate"].is_boolean()) {
    throw usage_error(fmt::format("charm {}: `subordinate` must be true or false", out.name));
  }
  out.subordinate = meta.value("subordinate", false);
  for (const char* role : {"provides", "requires", "peers"}) {
    if (meta.contains(role)) out.endpoints.update(endpoints_of(meta[role], role));
  }
  if (!out.endpoints.contains("juju-info")) {
    out.endpoints["juju-info"] = {
        {"role", "provides"}, {"interface", "juju-info"}, {"scope", "global"}, {"limit", nullptr}};
  }

  json config = fs::exists(dir / "config.yaml") ? load_yaml_file(dir / "config.yaml")
                                                : charmcraft.value("config", json::object());
  if (config.is_object() && config.contains("options") && config["options"].is_object()) {
    out.config_options = config["options"];
  }
  json actions = fs::exists(dir / "actions.yaml") ? load_yaml_file(dir / "actions.yaml")
                                                  : charmcraft.value("actions", json::object());
  if (actions.is_object()) out.actions = actions;
  return out;
}

nlohmann::json parse_config_value(const nlohmann::json& options, const std::string& key,
                                  const std::string& text) {
  if (!options.contains(key)) {
    throw usage_error(fmt::format("unknown option \"{}\"", key));
  }
  std::string type = options[key].value("type", "string");
  if (type == "string" || type == "secret") return text;
  try {
    size_t used = 0;
    if (type == "int") {
      long long value = std::stoll(text, &used);
      if (used == text.size()) return value;
    } else if (type == "float") {
      double value = std::stod(text, &used);
      if (used == text.size()) return value;
    } else if (type == "boolean") {
      if (text == "true" || text == "True") return true;
      if (text == "false" || text == "False") return false;
    }
  } catch (const std::exception&) {
  }
  throw usage_error(fmt::format("option \"{}\" expected {}, got \"{}\"", key, type, text));
}

}  // namespace juju_sim
