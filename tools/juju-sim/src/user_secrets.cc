#include "user_secrets.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <regex>

#include "model_store.h"
#include "secret_store.h"
#include "sim_error.h"
#include "staged_ops.h"

namespace juju_sim {

using nlohmann::json;

namespace {

// Grants made by the operator belong to no relation: relation ids start at 0, so -1 never
// collides and the grant survives any relation removal.
constexpr std::int64_t kUserGrant = -1;

const std::regex& xid_pattern() {
  static const std::regex pattern("^[0-9a-z]{20}$");
  return pattern;
}

void check_name(const std::string& name) {
  bool blank = std::any_of(name.begin(), name.end(),
                           [](unsigned char c) { return std::isspace(c) || std::iscntrl(c); });
  if (name.empty() || blank || name.rfind("secret:", 0) == 0 ||
      std::regex_match(name, xid_pattern())) {
    throw usage_error(fmt::format(
        "invalid secret name \"{}\": use a non-empty name without spaces that is not a secret "
        "URI or id",
        name));
  }
}

std::optional<std::string> user_secret_by_name(Database& db, const std::string& name) {
  auto s = db.prepare("SELECT xid FROM secrets WHERE owner_kind = 'model' AND label = ?");
  s.bind(1, name);
  if (!s.step()) return std::nullopt;
  return s.text(0);
}

}  // namespace

json user_secret_content(const std::vector<std::string>& items, const std::string& yaml_file) {
  json content = json::object();
  if (!yaml_file.empty()) {
    YAML::Node root;
    try {
      root = YAML::LoadFile(yaml_file);
    } catch (const YAML::Exception&) {
      // yaml-cpp's message may quote the file's text; name only the file.
      throw usage_error(fmt::format("cannot read secret file \"{}\" as YAML", yaml_file));
    }
    if (!root.IsMap()) {
      throw usage_error(fmt::format("secret file \"{}\" must be a YAML map of keys", yaml_file));
    }
    for (const auto& item : root) {
      if (!item.second.IsScalar()) {
        throw usage_error(fmt::format("secret file \"{}\": the value of \"{}\" is not a string",
                                      yaml_file, item.first.as<std::string>()));
      }
      // The key is checked like a `key=value` argument; the value is never put in a message.
      const std::string key = item.first.as<std::string>();
      if (key.find('#') != std::string::npos) {
        throw usage_error(fmt::format("invalid secret key \"{}\"", key));
      }
      json checked = json::object();
      parse_secret_content_arg(key + "=", checked);
      content[key] = item.second.as<std::string>();
    }
  }
  for (const std::string& item : items) parse_secret_content_arg(item, content);
  return content;
}

std::string add_user_secret(Database& db, const std::string& name, const json& content,
                            const std::string& info) {
  check_name(name);
  if (content.empty()) throw usage_error("missing secret value or filename");
  if (user_secret_by_name(db, name)) {
    throw usage_error(fmt::format("secret with name \"{}\" already exists", name));
  }
  std::string xid = fmt::format("jujusim{:013d}", next_counter(db, "next_secret") + 1);
  apply_op(db, {{"op", "secret-add"},
                {"xid", xid},
                {"owner_kind", "model"},
                {"owner", model_get(db, "name")},
                {"label", name},
                {"description", info},
                {"content", content}});
  return xid;
}

std::string resolve_user_secret(Database& db, const std::string& name_or_id) {
  std::optional<std::string> xid;
  if (name_or_id.rfind("secret:", 0) == 0 || std::regex_match(name_or_id, xid_pattern())) {
    xid = parse_secret_ref(name_or_id);
  } else {
    xid = user_secret_by_name(db, name_or_id);
  }
  auto secret = xid ? find_secret(db, *xid) : std::nullopt;
  if (!secret) throw usage_error(fmt::format("secret \"{}\" not found", name_or_id));
  if (secret->owner_kind != "model") {
    throw usage_error(fmt::format(
        "secret \"{}\" is owned by {} \"{}\": only user secrets can be managed with juju-sim "
        "commands",
        name_or_id, secret->owner_kind, secret->owner));
  }
  return *xid;
}

void update_user_secret(Database& db, const std::string& xid, const std::optional<json>& content,
                        const std::optional<std::string>& info,
                        const std::optional<std::string>& new_name) {
  if (!content && !info && !new_name) {
    throw usage_error("nothing to update: give key=value content, --info or --name");
  }
  if (content && content->empty()) throw usage_error("missing secret value or filename");
  json op = {{"op", "secret-set"}, {"xid", xid}};
  if (new_name) {
    check_name(*new_name);
    auto other = user_secret_by_name(db, *new_name);
    if (other && *other != xid) {
      throw usage_error(fmt::format("secret with name \"{}\" already exists", *new_name));
    }
    op["label"] = *new_name;
  }
  if (info) op["description"] = *info;
  if (content) op["content"] = *content;
  apply_op(db, op);  // a new revision queues secret-changed on consumers tracking older ones
}

void grant_user_secret(Database& db, const std::string& xid, const std::vector<std::string>& apps) {
  for (const std::string& app : apps) require_app(db, app);
  for (const std::string& app : apps) {
    db.prepare(
          "INSERT OR IGNORE INTO secret_grants(xid, relation_id, target, target_kind) "
          "VALUES (?, ?, ?, 'application')")
        .bind(1, xid)
        .bind(2, kUserGrant)
        .bind(3, app)
        .run();
  }
}

void revoke_user_secret(Database& db, const std::string& xid,
                        const std::vector<std::string>& apps) {
  for (const std::string& app : apps) require_app(db, app);
  for (const std::string& app : apps) {
    db.prepare("DELETE FROM secret_grants WHERE xid = ? AND relation_id = ? AND target = ?")
        .bind(1, xid)
        .bind(2, kUserGrant)
        .bind(3, app)
        .run();
  }
  drop_consumers_without_access(db);
}

void remove_user_secret(Database& db, const std::string& xid) {
  apply_op(db, {{"op", "secret-remove"}, {"xid", xid}});
}

}  // namespace juju_sim
