#include "ops/testing/in_memory_backend.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "ops/secret_key.h"

namespace ops::testing {
namespace {

Error make_error(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

std::string relation_arg(std::string_view endpoint, int id) {
  return fmt::format("{}:{}", endpoint, id);
}

ops::Status validate_content(const SecretContent& content) {
  if (content.empty()) return make_error(ErrorCode::kModelError, "missing secret value");
  for (const auto& [key, value] : content) {
    (void)value;
    if (!is_valid_secret_key(key)) {
      return make_error(ErrorCode::kModelError, fmt::format("secret key \"{}\" not valid", key));
    }
  }
  return {};
}

void append_secret_metadata(std::vector<std::string>& args, const SecretMetadata& meta) {
  if (meta.label) args.insert(args.end(), {"--label", *meta.label});
  if (meta.description) args.insert(args.end(), {"--description", *meta.description});
  if (meta.expire) args.insert(args.end(), {"--expire", *meta.expire});
  if (meta.rotate) args.insert(args.end(), {"--rotate", *meta.rotate});
}

void append_content_files(std::vector<std::string>& args, const SecretContent& content) {
  for (const auto& [key, value] : content) {
    (void)value;
    args.push_back(fmt::format("{}#file=<tmp>/{}", key, key));
  }
}

std::string owner_arg(SecretOwner owner) {
  return owner == SecretOwner::kApplication ? "application" : "unit";
}

nlohmann::json default_network() {
  return {
      {"bind-addresses",
       nlohmann::json::array(
           {{{"mac-address", ""},
             {"interface-name", ""},
             {"addresses",
              nlohmann::json::array(
                  {{{"hostname", ""}, {"value", "192.0.2.0"}, {"cidr", "192.0.2.0/24"}}})}}})},
      {"egress-subnets", nlohmann::json::array({"192.0.2.0/24"})},
      {"ingress-addresses", nlohmann::json::array({"192.0.2.0"})},
  };
}

}  // namespace

std::string ToolCall::to_string() const {
  std::string out = tool;
  for (const auto& arg : args) {
    out += ' ';
    out += arg;
  }
  return out;
}

InMemoryBackend::InMemoryBackend(State state, ops::CharmMeta meta, std::string unit_name,
                                 InMemoryBackendOptions options)
    : state_(std::move(state)),
      meta_(std::move(meta)),
      unit_name_(std::move(unit_name)),
      options_(std::move(options)) {
  auto slash = unit_name_.find('/');
  app_name_ = unit_name_.substr(0, slash);
  if (slash != std::string::npos) {
    try {
      unit_id_ = std::stoi(unit_name_.substr(slash + 1));
    } catch (const std::exception&) {
      unit_id_ = 0;
    }
  }
}

void InMemoryBackend::record(std::string tool, std::vector<std::string> args, std::string input) {
  calls_.push_back(ToolCall{std::move(tool), std::move(args), std::move(input)});
}

int InMemoryBackend::count_calls(std::string_view tool) const {
  return static_cast<int>(std::count_if(calls_.begin(), calls_.end(),
                                        [&](const ToolCall& c) { return c.tool == tool; }));
}

// --- relations ---

Relation* InMemoryBackend::find_relation(std::string_view endpoint, int id) {
  for (auto& relation : state_.relations) {
    if (relation.id == id && relation.endpoint == endpoint) return &relation;
  }
  return nullptr;
}

bool InMemoryBackend::is_peer(const Relation& relation) const {
  return relation.peer || meta_.is_peer(relation.endpoint);
}

std::string InMemoryBackend::remote_app_of(const Relation& relation) const {
  return is_peer(relation) ? app_name_ : relation.remote_app_name;
}

std::vector<std::string> InMemoryBackend::remote_units_of(const Relation& relation) const {
  std::vector<std::string> units;
  bool peer = is_peer(relation);
  for (const auto& [unit_id, bag] : relation.remote_units_data) {
    (void)bag;
    if (peer && unit_id == unit_id_) continue;
    units.push_back(fmt::format("{}/{}", remote_app_of(relation), unit_id));
  }
  return units;
}

Result<std::vector<int>> InMemoryBackend::relation_ids(std::string_view endpoint) {
  record("relation-ids", {std::string(endpoint), "--format=json"});
  std::vector<int> ids;
  for (const auto& relation : state_.relations) {
    if (relation.endpoint == endpoint) ids.push_back(relation.id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

Result<std::vector<std::string>> InMemoryBackend::relation_list(std::string_view endpoint, int id) {
  record("relation-list", {"--format=json", "-r", relation_arg(endpoint, id)});
  Relation* relation = find_relation(endpoint, id);
  if (relation == nullptr) return make_error(ErrorCode::kRelationNotFound, "relation not found");
  if (options_.broken_relation_id == id) return std::vector<std::string>{};
  auto units = remote_units_of(*relation);
  if (options_.departed_relation_id == id && !options_.departing_unit.empty()) {
    std::erase(units, options_.departing_unit);
  }
  return units;
}

Result<std::string> InMemoryBackend::relation_remote_app(std::string_view endpoint, int id) {
  record("relation-list", {"--format=json", "--app", "-r", relation_arg(endpoint, id)});
  Relation* relation = find_relation(endpoint, id);
  if (relation == nullptr) return make_error(ErrorCode::kRelationNotFound, "relation not found");
  return remote_app_of(*relation);
}

Result<Bag> InMemoryBackend::relation_get(std::string_view endpoint, int id,
                                          std::string_view member, bool is_app) {
  std::vector<std::string> args{"--format=json", "-r", relation_arg(endpoint, id)};
  if (is_app) args.emplace_back("--app");
  args.emplace_back("-");
  args.emplace_back(member);
  record("relation-get", std::move(args));

  Relation* relation = find_relation(endpoint, id);
  if (relation == nullptr) return make_error(ErrorCode::kRelationNotFound, "relation not found");
  bool peer = is_peer(*relation);
  if (is_app) {
    if (member == app_name_) {
      if (!peer && !state_.leader) {
        return make_error(ErrorCode::kPermissionDenied, "permission denied");
      }
      return relation->local_app_data;
    }
    if (!peer && member == relation->remote_app_name) return relation->remote_app_data;
    return make_error(ErrorCode::kModelError,
                      fmt::format("application \"{}\" is not in relation {}", member,
                                  relation_arg(endpoint, id)));
  }
  if (member == unit_name_) return relation->local_unit_data;
  auto slash = member.find('/');
  if (slash != std::string_view::npos && member.substr(0, slash) == remote_app_of(*relation)) {
    try {
      int unit_id = std::stoi(std::string(member.substr(slash + 1)));
      auto it = relation->remote_units_data.find(unit_id);
      if (it != relation->remote_units_data.end() && !(peer && unit_id == unit_id_)) {
        return it->second;
      }
    } catch (const std::exception&) {
      // not a unit name; fall through to Juju's error
    }
  }
  return make_error(ErrorCode::kModelError,
                    fmt::format("cannot read settings for unit \"{}\" in relation \"{}\": unit "
                                "\"{}\": settings not found",
                                member, relation_arg(endpoint, id), member));
}

ops::Status InMemoryBackend::relation_set(std::string_view endpoint, int id, const Bag& data,
                                          bool is_app) {
  std::vector<std::string> args{"-r", relation_arg(endpoint, id)};
  if (is_app) args.emplace_back("--app");
  args.insert(args.end(), {"--file", "-"});
  record("relation-set", std::move(args), nlohmann::json(data).dump());

  Relation* relation = find_relation(endpoint, id);
  if (relation == nullptr) return make_error(ErrorCode::kRelationNotFound, "relation not found");
  if (data.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "relation-set: no settings given");
  }
  if (is_app && !state_.leader) {
    return make_error(ErrorCode::kPermissionDenied, "cannot write relation settings");
  }
  Bag& bag = is_app ? relation->local_app_data : relation->local_unit_data;
  for (const auto& [key, value] : data) {
    if (value.empty()) {
      bag.erase(key);
    } else {
      bag[key] = value;
    }
  }
  return {};
}

// --- unit and application ---

Result<bool> InMemoryBackend::is_leader() {
  record("is-leader", {"--format=json"});
  return state_.leader;
}

Result<nlohmann::json> InMemoryBackend::config_get() {
  record("config-get", {"--format=json"});
  nlohmann::json config = nlohmann::json::object();
  for (const auto& [name, option] : meta_.config) {
    if (!option.default_value.is_null()) config[name] = option.default_value;
  }
  if (state_.config.is_object()) {
    for (const auto& [name, value] : state_.config.items()) config[name] = value;
  }
  return config;
}

Result<StatusInfo> InMemoryBackend::status_get(bool is_app) {
  record("status-get", {"--include-data", "--format=json",
                        is_app ? "--application=true" : "--application=false"});
  if (is_app && !state_.leader) {
    return make_error(ErrorCode::kPermissionDenied, "this unit is not the leader");
  }
  const auto& status = is_app ? state_.app_status : state_.unit_status;
  return StatusInfo{status.name, status.message};
}

ops::Status InMemoryBackend::status_set(std::string_view status, std::string_view message,
                                        bool is_app) {
  record("status-set", {is_app ? "--application=True" : "--application=False", std::string(status),
                        "--", std::string(message)});
  if (status != "active" && status != "blocked" && status != "maintenance" && status != "waiting") {
    return make_error(ErrorCode::kModelError,
                      fmt::format("invalid status \"{}\", expected one of [maintenance blocked "
                                  "waiting active]",
                                  status));
  }
  if (is_app && !state_.leader) {
    return make_error(ErrorCode::kPermissionDenied, "this unit is not the leader");
  }
  auto& current = is_app ? state_.app_status : state_.unit_status;
  (is_app ? app_status_history_ : unit_status_history_).push_back(current);
  current = ops::StatusBase{std::string(status), std::string(message)};
  return {};
}

ops::Status InMemoryBackend::application_version_set(std::string_view version) {
  record("application-version-set", {"--", std::string(version)});
  workload_version_history_.push_back(state_.workload_version);
  state_.workload_version = std::string(version);
  return {};
}

ops::Status InMemoryBackend::juju_log(std::string_view level, std::string_view message) {
  record("juju-log", {"--log-level", std::string(level), "--", std::string(message)});
  juju_log_.push_back(JujuLogLine{std::string(level), std::string(message)});
  return {};
}

// --- actions ---

Result<nlohmann::json> InMemoryBackend::action_get() {
  record("action-get", {"--format=json"});
  if (!options_.action_name) return make_error(ErrorCode::kModelError, "not running an action");
  nlohmann::json params = nlohmann::json::object();
  auto it = meta_.actions.find(*options_.action_name);
  if (it != meta_.actions.end() && it->second.params.is_object()) {
    for (const auto& [name, schema] : it->second.params.items()) {
      if (schema.is_object() && schema.contains("default")) params[name] = schema["default"];
    }
  }
  if (options_.action_params.is_object()) {
    for (const auto& [name, value] : options_.action_params.items()) params[name] = value;
  }
  return params;
}

ops::Status InMemoryBackend::action_set(const std::map<std::string, std::string>& results) {
  std::vector<std::string> args;
  args.reserve(results.size());
  for (const auto& [key, value] : results) args.push_back(fmt::format("{}={}", key, value));
  record("action-set", std::move(args));
  if (!options_.action_name) return make_error(ErrorCode::kModelError, "not running an action");
  for (const auto& [key, value] : results) {
    if (key == "stdout" || key == "stdout-encoding" || key == "stderr" ||
        key == "stderr-encoding") {
      return make_error(ErrorCode::kModelError,
                        fmt::format("cannot set reserved action key \"{}\"", key));
    }
  }
  for (const auto& [key, value] : results) {
    nlohmann::json* node = &action_results_;
    std::string_view rest = key;
    for (auto dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.')) {
      node = &(*node)[std::string(rest.substr(0, dot))];
      if (!node->is_object()) *node = nlohmann::json::object();
      rest = rest.substr(dot + 1);
    }
    (*node)[std::string(rest)] = value;
  }
  return {};
}

ops::Status InMemoryBackend::action_log(std::string_view message) {
  record("action-log", {"--", std::string(message)});
  if (!options_.action_name) return make_error(ErrorCode::kModelError, "not running an action");
  action_logs_.emplace_back(message);
  return {};
}

ops::Status InMemoryBackend::action_fail(std::string_view message) {
  record("action-fail", {"--", std::string(message)});
  if (!options_.action_name) return make_error(ErrorCode::kModelError, "not running an action");
  action_failure_ = std::string(message);
  return {};
}

// --- secrets ---

Secret* InMemoryBackend::find_secret(std::string_view id) {
  for (auto& secret : state_.secrets) {
    if (secret.has_id(id)) return &secret;
  }
  return nullptr;
}

Secret* InMemoryBackend::find_secret_by_label(std::string_view label) {
  for (auto& secret : state_.secrets) {
    if (secret.label && *secret.label == label) return &secret;
  }
  return nullptr;
}

Result<Secret*> InMemoryBackend::resolve_secret(const std::optional<std::string>& id,
                                                const std::optional<std::string>& label) {
  if (id) {
    Secret* secret = find_secret(*id);
    if (secret == nullptr) {
      return make_error(ErrorCode::kSecretNotFound, fmt::format("secret \"{}\" not found", *id));
    }
    return secret;
  }
  if (label) {
    Secret* secret = find_secret_by_label(*label);
    if (secret == nullptr) {
      return make_error(ErrorCode::kSecretNotFound,
                        fmt::format("secret with label \"{}\" not found", *label));
    }
    return secret;
  }
  return make_error(ErrorCode::kInvalidArgument, "secret id or label required");
}

ops::Status InMemoryBackend::check_manage(const Secret& secret) const {
  if (secret.owner != "app" && secret.owner != "unit") {
    return make_error(ErrorCode::kSecretNotFound,
                      fmt::format("secret \"{}\" not found", secret.id));
  }
  if (secret.owner == "app" && !state_.leader) {
    return make_error(ErrorCode::kPermissionDenied, "permission denied");
  }
  return {};
}

ops::Status InMemoryBackend::check_label_free(const Secret* self, const std::string& label) const {
  for (const auto& secret : state_.secrets) {
    if (&secret != self && secret.label && *secret.label == label) {
      return make_error(ErrorCode::kModelError,
                        fmt::format("secret with label \"{}\" already exists", label));
    }
  }
  return {};
}

std::string InMemoryBackend::next_secret_id() {
  while (true) {
    const std::string xid = fmt::format("cppsecret{:011d}", ++secret_counter_);
    // As Juju 3 prints it: secret://<model-uuid>/<xid> (secret:<xid> without a model uuid).
    std::string id = state_.model_uuid.empty()
                         ? "secret:" + xid
                         : fmt::format("secret://{}/{}", state_.model_uuid, xid);
    if (find_secret(id) == nullptr) return id;
  }
}

const SecretContent& InMemoryBackend::visible_latest_content(const Secret& secret) const {
  auto it = pending_.find(std::string(Secret::unique_identifier(secret.id)));
  if (it != pending_.end() && it->second.content) return *it->second.content;
  return secret.effective_latest_content();
}

void InMemoryBackend::add_revision(Secret& secret, const SecretContent& content) {
  int latest = secret.effective_latest_revision();
  secret.latest_revision = latest + 1;
  secret.latest_content = content;
}

Result<std::string> InMemoryBackend::secret_add(const SecretContent& content,
                                                const SecretMetadata& meta, SecretOwner owner) {
  std::vector<std::string> args;
  append_secret_metadata(args, meta);
  args.insert(args.end(), {"--owner", owner_arg(owner)});
  append_content_files(args, content);
  record("secret-add", std::move(args));

  if (owner == SecretOwner::kApplication && !state_.leader) {
    return make_error(ErrorCode::kPermissionDenied, "permission denied");
  }
  if (auto ok = validate_content(content); !ok) return ok.error();
  if (meta.label) {
    if (auto ok = check_label_free(nullptr, *meta.label); !ok) return ok.error();
  }
  Secret secret;
  secret.id = next_secret_id();
  secret.owner = owner == SecretOwner::kApplication ? "app" : "unit";
  secret.tracked_content = content;
  secret.latest_content = content;
  secret.label = meta.label;
  secret.description = meta.description;
  secret.expire = meta.expire;
  secret.rotate = meta.rotate;
  secret.tracked_revision = 1;
  secret.latest_revision = 1;
  std::string id = secret.id;
  state_.secrets.push_back(std::move(secret));
  return id;
}

Result<SecretContent> InMemoryBackend::secret_get(const std::optional<std::string>& id,
                                                  const std::optional<std::string>& label,
                                                  bool refresh, bool peek) {
  std::vector<std::string> args{"--format=json"};
  if (id) args.push_back(*id);
  if (label) args.insert(args.end(), {"--label", *label});
  if (refresh) args.emplace_back("--refresh");
  if (peek) args.emplace_back("--peek");
  record("secret-get", std::move(args));

  if (refresh && peek) {
    return make_error(ErrorCode::kModelError, "specify one of --peek or --refresh but not both");
  }
  auto resolved = resolve_secret(id, label);
  if (!resolved) return resolved.error();
  Secret& secret = **resolved;
  if (id && label) {
    // Looked up by id: the label is this unit's (new) name for the secret.
    if (auto ok = check_label_free(&secret, *label); !ok) return ok.error();
    secret.label = *label;
  }
  if (peek) return visible_latest_content(secret);
  if (refresh) {
    SecretContent latest = secret.effective_latest_content();
    int latest_revision = secret.effective_latest_revision();
    secret.tracked_revision = latest_revision;
    secret.tracked_content = latest;
    secret.latest_revision = latest_revision;
    secret.latest_content = latest;
    auto it = pending_.find(std::string(Secret::unique_identifier(secret.id)));
    if (it != pending_.end() && it->second.content) {
      it->second.refreshed = true;
      return *it->second.content;
    }
    return latest;
  }
  if (secret.tracked_revision == 0) {
    secret.tracked_revision = secret.effective_latest_revision();
    secret.latest_revision = secret.tracked_revision;
    secret.tracked_content = secret.effective_latest_content();
    secret.latest_content = secret.tracked_content;
  }
  return secret.tracked_content;
}

Result<SecretInfo> InMemoryBackend::secret_info_get(const std::optional<std::string>& id,
                                                    const std::optional<std::string>& label) {
  std::vector<std::string> args{"--format=json"};
  if (id) {
    args.push_back(*id);
  } else if (label) {
    args.insert(args.end(), {"--label", *label});
  }
  record("secret-info-get", std::move(args));

  auto resolved = resolve_secret(id, id ? std::nullopt : label);
  if (!resolved) return resolved.error();
  const Secret& secret = **resolved;
  if (auto ok = check_manage(secret); !ok) return ok.error();
  SecretInfo info;
  // The id as the State (or secret-add) has it: what ops would make of Juju's output.
  info.id = secret.id;
  info.label = secret.label;
  info.revision = secret.effective_latest_revision();
  info.owner = secret.owner == "app" ? "application" : "unit";
  info.description = secret.description;
  info.rotation = secret.rotate;
  info.expiry = secret.expire;
  return info;
}

ops::Status InMemoryBackend::secret_set(std::string_view id,
                                        const std::optional<SecretContent>& content,
                                        const SecretMetadata& meta, SecretOwner owner) {
  std::vector<std::string> args{std::string(id)};
  append_secret_metadata(args, meta);
  if (content) append_content_files(args, *content);
  args.insert(args.end(), {"--owner", owner_arg(owner)});
  record("secret-set", std::move(args));

  auto resolved = resolve_secret(std::string(id), std::nullopt);
  if (!resolved) return resolved.error();
  Secret& secret = **resolved;
  if (auto ok = check_manage(secret); !ok) return ok;
  if (content) {
    if (auto ok = validate_content(*content); !ok) return ok;
  }
  if (meta.label) {
    if (auto ok = check_label_free(&secret, *meta.label); !ok) return ok;
    secret.label = meta.label;
  }
  if (meta.description) secret.description = meta.description;
  if (meta.expire) secret.expire = meta.expire;
  if (meta.rotate) secret.rotate = meta.rotate;
  if (!content) return {};

  if (options_.juju_revision_reporting) {
    auto& pending = pending_[std::string(Secret::unique_identifier(secret.id))];
    pending.content = *content;
    pending.refreshed = false;
    return {};
  }
  if (options_.secret_set_skips_identical_content &&
      *content == secret.effective_latest_content()) {
    return {};
  }
  add_revision(secret, *content);
  return {};
}

ops::Status InMemoryBackend::secret_grant(std::string_view id, int relation_id,
                                          const std::optional<std::string>& unit) {
  std::vector<std::string> args{"--relation", std::to_string(relation_id)};
  if (unit) args.insert(args.end(), {"--unit", *unit});
  args.emplace_back(id);
  record("secret-grant", std::move(args));

  auto resolved = resolve_secret(std::string(id), std::nullopt);
  if (!resolved) return resolved.error();
  Secret& secret = **resolved;
  if (auto ok = check_manage(secret); !ok) return ok;
  const Relation* relation = nullptr;
  for (const auto& r : state_.relations) {
    if (r.id == relation_id) relation = &r;
  }
  // A secret-* tool's "not found" reaches ops as SecretNotFoundError; keep the same code.
  if (relation == nullptr) {
    return make_error(ErrorCode::kSecretNotFound,
                      fmt::format("relation {} not found", relation_id));
  }
  std::string grantee = remote_app_of(*relation);
  if (unit) {
    auto units = remote_units_of(*relation);
    if (std::find(units.begin(), units.end(), *unit) == units.end()) {
      return make_error(ErrorCode::kModelError,
                        fmt::format("unit \"{}\" is not in relation {}", *unit,
                                    relation_arg(relation->endpoint, relation_id)));
    }
    grantee = *unit;
  }
  secret.remote_grants[relation_id].insert(grantee);
  return {};
}

ops::Status InMemoryBackend::secret_revoke(std::string_view id, int relation_id,
                                           const std::optional<std::string>& unit) {
  std::vector<std::string> args{"--relation", std::to_string(relation_id)};
  if (unit) args.insert(args.end(), {"--unit", *unit});
  args.emplace_back(id);
  record("secret-revoke", std::move(args));

  auto resolved = resolve_secret(std::string(id), std::nullopt);
  if (!resolved) return resolved.error();
  Secret& secret = **resolved;
  if (auto ok = check_manage(secret); !ok) return ok;
  const Relation* relation = nullptr;
  for (const auto& r : state_.relations) {
    if (r.id == relation_id) relation = &r;
  }
  if (relation == nullptr) {
    return make_error(ErrorCode::kSecretNotFound,
                      fmt::format("relation {} not found", relation_id));
  }
  auto it = secret.remote_grants.find(relation_id);
  if (it != secret.remote_grants.end()) {
    it->second.erase(unit ? *unit : remote_app_of(*relation));
    if (it->second.empty()) secret.remote_grants.erase(it);
  }
  return {};
}

ops::Status InMemoryBackend::secret_remove(std::string_view id, std::optional<int> revision) {
  std::vector<std::string> args{std::string(id)};
  if (revision) args.insert(args.end(), {"--revision", std::to_string(*revision)});
  record("secret-remove", std::move(args));

  auto resolved = resolve_secret(std::string(id), std::nullopt);
  if (!resolved) return resolved.error();
  Secret& secret = **resolved;
  if (auto ok = check_manage(secret); !ok) return ok;
  if (revision) {
    if (*revision < 1 || *revision > secret.effective_latest_revision() ||
        secret.removed_revisions.contains(*revision)) {
      return make_error(ErrorCode::kSecretNotFound,
                        fmt::format("secret revision {} not found", *revision));
    }
    secret.removed_revisions.insert(*revision);
    removed_secret_revisions_.push_back(RemovedSecretRevision{secret.id, *revision});
    return {};
  }
  removed_secret_revisions_.push_back(RemovedSecretRevision{secret.id, std::nullopt});
  pending_.erase(std::string(Secret::unique_identifier(secret.id)));
  state_.secrets.erase(state_.secrets.begin() + (&secret - state_.secrets.data()));
  return {};
}

Result<std::vector<std::string>> InMemoryBackend::secret_ids() {
  record("secret-ids", {"--format=json"});
  std::vector<std::string> ids;
  for (const auto& secret : state_.secrets) {
    if (secret.owner == "app" || secret.owner == "unit") ids.push_back(secret.id);
  }
  return ids;
}

// --- network ---

Result<nlohmann::json> InMemoryBackend::network_get(std::string_view binding,
                                                    std::optional<int> relation_id) {
  std::vector<std::string> args{"--format=json"};
  if (relation_id) args.insert(args.end(), {"-r", std::to_string(*relation_id)});
  args.emplace_back(binding);
  record("network-get", std::move(args));

  if (relation_id) {
    bool found = std::any_of(state_.relations.begin(), state_.relations.end(),
                             [&](const Relation& r) { return r.id == *relation_id; });
    if (!found) return make_error(ErrorCode::kRelationNotFound, "relation not found");
  }
  auto it = state_.networks.find(std::string(binding));
  if (it != state_.networks.end()) return it->second;
  if (meta_.relation(binding) != nullptr || binding == "juju-info") return default_network();
  return make_error(ErrorCode::kModelError,
                    fmt::format("no network config found for binding \"{}\"", binding));
}

// --- end of hook ---

State InMemoryBackend::finish() {
  for (auto& [xid, pending] : pending_) {
    if (!pending.content) continue;
    Secret* secret = find_secret(xid);
    if (secret == nullptr) continue;
    if (options_.secret_set_skips_identical_content &&
        *pending.content == secret->effective_latest_content()) {
      continue;
    }
    add_revision(*secret, *pending.content);
    if (pending.refreshed) {
      secret->tracked_revision = *secret->latest_revision;
      secret->tracked_content = *pending.content;
    }
  }
  pending_.clear();
  for (auto& secret : state_.secrets) {
    secret.latest_revision = secret.effective_latest_revision();
    secret.latest_content = secret.effective_latest_content();
  }
  return state_;
}

}  // namespace ops::testing
