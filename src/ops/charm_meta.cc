#include "ops/charm_meta.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <climits>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

namespace ops {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kCompiledFormat = 1;

json yaml_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Sequence: {
      auto out = nlohmann::json::array();
      for (const auto& item : node) out.push_back(yaml_to_json(item));
      return out;
    }
    case YAML::NodeType::Map: {
      auto out = nlohmann::json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = yaml_to_json(kv.second);
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
      option.default_value = yaml_to_json(spec["default"]);
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
      if (spec["params"]) action.params = yaml_to_json(spec["params"]);
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

// One of the YAML files load() reads: its name and bytes (nullopt: the file is absent).
struct SourceFile {
  std::string name;
  std::optional<std::string> bytes;
};

Result<std::optional<std::string>> read_if_present(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::optional<std::string>();
  auto text = read_file(path);
  if (!text) return text.error();
  return std::optional<std::string>(std::move(*text));
}

// The files load() reads for the directory's layout, in a fixed order: metadata.yaml, config.yaml,
// actions.yaml; or, without metadata.yaml, metadata.yaml (absent) and charmcraft.yaml.
Result<std::vector<SourceFile>> read_sources(const std::string& charm_dir) {
  const fs::path dir(charm_dir);
  std::error_code ec;
  std::vector<SourceFile> sources;
  if (fs::exists(dir / "metadata.yaml", ec)) {
    auto metadata = read_file(dir / "metadata.yaml");
    if (!metadata) return metadata.error();
    sources.push_back({"metadata.yaml", std::move(*metadata)});
    for (const char* name : {"config.yaml", "actions.yaml"}) {
      auto text = read_if_present(dir / name);
      if (!text) return text.error();
      sources.push_back({name, std::move(*text)});
    }
    return sources;
  }
  if (fs::exists(dir / "charmcraft.yaml", ec)) {
    auto text = read_file(dir / "charmcraft.yaml");
    if (!text) return text.error();
    sources.push_back({"metadata.yaml", std::nullopt});
    sources.push_back({"charmcraft.yaml", std::move(*text)});
    return sources;
  }
  return Error{ErrorCode::kIoError, "no metadata.yaml or charmcraft.yaml in charm directory '" +
                                        charm_dir + "' (is JUJU_CHARM_DIR right?)"};
}

Result<CharmMeta> parse_sources(const std::vector<SourceFile>& sources) {
  if (sources.at(0).bytes) {
    return CharmMeta::from_yaml(*sources.at(0).bytes, sources.at(1).bytes.value_or(""),
                                sources.at(2).bytes.value_or(""));
  }
  return CharmMeta::from_charmcraft_yaml(*sources.at(1).bytes);
}

json sources_json(const std::vector<SourceFile>& sources) {
  auto out = json::object();
  for (const auto& source : sources) {
    out[source.name] = source.bytes ? json(CharmMeta::source_digest(*source.bytes)) : json();
  }
  return out;
}

// Why the compiled file's "sources" do not describe the current files, or nullopt when they do.
std::optional<std::string> stale_reason(const json& recorded, const json& current) {
  if (!recorded.is_object()) return std::string("its \"sources\" is not an object");
  for (const auto& [name, digest] : current.items()) {
    auto it = recorded.find(name);
    if (it == recorded.end()) return name + " is not among its sources";
    if (*it == digest) continue;
    if (digest.is_null()) return name + " was removed since it was compiled";
    if (it->is_null()) return name + " was added since it was compiled";
    return name + " changed since it was compiled";
  }
  for (const auto& [name, digest] : recorded.items()) {
    if (!current.contains(name)) return name + " is not read for this charm's layout";
  }
  return std::nullopt;
}

Result<CharmMeta> compiled_meta(const std::string& charm_dir,
                                const std::vector<SourceFile>& sources) {
  const fs::path path = fs::path(charm_dir) / CharmMeta::kCompiledFile;
  auto text = read_file(path);
  if (!text) {
    return Error{ErrorCode::kIoError, "no compiled metadata: cannot read " + path.string()};
  }
  auto corrupt = [&](const std::string& why) {
    return Error{ErrorCode::kCorruptState,
                 fmt::format("{} is not usable: {} (run ops-charm-meta compile {})", path.string(),
                             why, charm_dir)};
  };
  try {
    const json doc = json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return corrupt("it is not valid JSON");
    if (!doc.is_object()) return corrupt("it is not a JSON object");
    const auto format = doc.find("format");
    if (format == doc.end() || !format->is_number_integer() ||
        format->get<std::int64_t>() != kCompiledFormat) {
      return corrupt(fmt::format("its format is {}, expected {}",
                                 format == doc.end() ? "missing" : format->dump(),
                                 kCompiledFormat));
    }
    const auto recorded = doc.find("sources");
    if (recorded == doc.end()) return corrupt("it has no \"sources\"");
    if (auto why = stale_reason(*recorded, sources_json(sources))) return corrupt(*why);
    const auto meta_json = doc.find("meta");
    if (meta_json == doc.end()) return corrupt("it has no \"meta\"");
    auto meta = CharmMeta::from_json(*meta_json);
    if (!meta) return corrupt(meta.error().message);
    return meta;
  } catch (const std::exception& e) {
    // from_json and the checks above do not throw; this keeps a damaged file from failing a hook
    // even if that changes.
    return corrupt(e.what());
  }
}

// from_json's helpers: each checks one value's type and names it by its path in errors.
Error type_error(const std::string& where, std::string_view expected, const json& value) {
  return Error{ErrorCode::kInvalidArgument,
               fmt::format("charm metadata JSON: {} must be {}, not {}", where, expected,
                           value.type_name())};
}

const json* member(const json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::optional<Error> read_string(const json& object, const char* key, const std::string& where,
                                 std::string& out) {
  const json* value = member(object, key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) return type_error(where + key, "a string", *value);
  out = value->get<std::string>();
  return std::nullopt;
}

std::optional<Error> read_bool(const json& object, const char* key, const std::string& where,
                               bool& out) {
  const json* value = member(object, key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_boolean()) return type_error(where + key, "a boolean", *value);
  out = value->get<bool>();
  return std::nullopt;
}

// The object under `key` (nullptr when absent), or an error when it is not an object.
Result<const json*> read_object(const json& object, const char* key, const std::string& where) {
  const json* value = member(object, key);
  if (value != nullptr && !value->is_object()) return type_error(where + key, "an object", *value);
  return value;
}

Result<RelationMeta> relation_from_json(const std::string& endpoint, const json& spec) {
  const std::string where = "relations." + endpoint + ".";
  if (!spec.is_object()) return type_error("relations." + endpoint, "an object", spec);
  RelationMeta rel;
  rel.endpoint = endpoint;
  std::string role = "requires";
  if (auto e = read_string(spec, "role", where, role)) return *e;
  if (role == "provides") {
    rel.role = RelationRole::kProvides;
  } else if (role == "requires") {
    rel.role = RelationRole::kRequires;
  } else if (role == "peers") {
    rel.role = RelationRole::kPeers;
  } else {
    return Error{ErrorCode::kInvalidArgument,
                 fmt::format("charm metadata JSON: {}role must be provides, requires or peers, "
                             "not \"{}\"",
                             where, role)};
  }
  if (auto e = read_string(spec, "interface", where, rel.interface_name)) return *e;
  if (const json* limit = member(spec, "limit"); limit != nullptr && !limit->is_null()) {
    const bool fits = limit->is_number_unsigned()  ? limit->get<std::uint64_t>() <= INT_MAX
                      : limit->is_number_integer() ? limit->get<std::int64_t>() >= INT_MIN &&
                                                         limit->get<std::int64_t>() <= INT_MAX
                                                   : false;
    if (!fits) return type_error(where + "limit", "null or an integer that fits an int", *limit);
    rel.limit = static_cast<int>(limit->get<std::int64_t>());
  }
  std::string scope = "global";
  if (auto e = read_string(spec, "scope", where, scope)) return *e;
  if (scope != "global" && scope != "container") {
    return Error{ErrorCode::kInvalidArgument,
                 fmt::format("charm metadata JSON: {}scope must be global or container, not "
                             "\"{}\"",
                             where, scope)};
  }
  rel.container_scope = scope == "container";
  if (auto e = read_bool(spec, "optional", where, rel.optional)) return *e;
  return rel;
}

std::string_view role_name(RelationRole role) {
  switch (role) {
    case RelationRole::kProvides:
      return "provides";
    case RelationRole::kRequires:
      return "requires";
    case RelationRole::kPeers:
      return "peers";
  }
  return "requires";
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
  auto sources = read_sources(charm_dir);
  if (!sources) return sources.error();
  if (auto compiled = compiled_meta(charm_dir, *sources)) return compiled;
  return parse_sources(*sources);
}

Result<CharmMeta> CharmMeta::load_compiled(const std::string& charm_dir) {
  auto sources = read_sources(charm_dir);
  if (!sources) return sources.error();
  return compiled_meta(charm_dir, *sources);
}

Result<nlohmann::json> CharmMeta::compile(const std::string& charm_dir) {
  auto sources = read_sources(charm_dir);
  if (!sources) return sources.error();
  auto meta = parse_sources(*sources);
  if (!meta) return meta.error();
  auto doc = json::object();
  doc["format"] = kCompiledFormat;
  doc["sources"] = sources_json(*sources);
  doc["meta"] = meta->to_json();
  return doc;
}

std::string CharmMeta::source_digest(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a 64 offset basis
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;  // FNV-1a 64 prime
  }
  return fmt::format("{:016x}", hash);
}

nlohmann::json CharmMeta::to_json() const {
  auto out = json::object();
  out["name"] = name;
  out["summary"] = summary;
  out["subordinate"] = subordinate;
  auto& rels = out["relations"] = json::object();
  for (const auto& [endpoint, rel] : relations) {
    auto& spec = rels[endpoint] = json::object();
    spec["role"] = role_name(rel.role);
    spec["interface"] = rel.interface_name;
    spec["limit"] = rel.limit ? json(*rel.limit) : json();
    spec["scope"] = rel.container_scope ? "container" : "global";
    spec["optional"] = rel.optional;
  }
  auto& options = out["config"] = json::object();
  for (const auto& [option_name, option] : config) {
    auto& spec = options[option_name] = json::object();
    spec["type"] = option.type;
    spec["default"] = option.default_value;
    spec["description"] = option.description;
  }
  auto& acts = out["actions"] = json::object();
  for (const auto& [action_name, action] : actions) {
    auto& spec = acts[action_name] = json::object();
    spec["description"] = action.description;
    spec["params"] = action.params;
  }
  return out;
}

Result<CharmMeta> CharmMeta::from_json(const nlohmann::json& doc) {
  if (!doc.is_object()) return type_error("the document", "an object", doc);
  CharmMeta meta;
  if (auto e = read_string(doc, "name", "", meta.name)) return *e;
  if (auto e = read_string(doc, "summary", "", meta.summary)) return *e;
  if (auto e = read_bool(doc, "subordinate", "", meta.subordinate)) return *e;

  auto rels = read_object(doc, "relations", "");
  if (!rels) return rels.error();
  if (*rels != nullptr) {
    for (const auto& [endpoint, spec] : (*rels)->items()) {
      auto rel = relation_from_json(endpoint, spec);
      if (!rel) return rel.error();
      meta.relations[endpoint] = std::move(*rel);
    }
  }

  auto options = read_object(doc, "config", "");
  if (!options) return options.error();
  if (*options != nullptr) {
    for (const auto& [option_name, spec] : (*options)->items()) {
      const std::string where = "config." + option_name + ".";
      if (!spec.is_object()) return type_error("config." + option_name, "an object", spec);
      ConfigOptionMeta option;
      if (auto e = read_string(spec, "type", where, option.type)) return *e;
      if (auto e = read_string(spec, "description", where, option.description)) return *e;
      if (const json* value = member(spec, "default")) option.default_value = *value;
      meta.config[option_name] = std::move(option);
    }
  }

  auto acts = read_object(doc, "actions", "");
  if (!acts) return acts.error();
  if (*acts != nullptr) {
    for (const auto& [action_name, spec] : (*acts)->items()) {
      const std::string where = "actions." + action_name + ".";
      if (!spec.is_object()) return type_error("actions." + action_name, "an object", spec);
      ActionMeta action;
      if (auto e = read_string(spec, "description", where, action.description)) return *e;
      if (const json* params = member(spec, "params")) action.params = *params;
      meta.actions[action_name] = std::move(action);
    }
  }
  return meta;
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
