#include "secret_store.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "ops/secret_id.h"
#include "ops/secret_key.h"
#include "sim_error.h"

namespace juju_sim {

using nlohmann::json;

std::string parse_secret_ref(const std::string& text) {
  // Any ops::SecretId form, with an xid of Juju's own length.
  constexpr std::size_t kXidSize = 20;
  const auto xid = ops::SecretId::unique_identifier_of(text);
  if (!xid || xid->size() != kXidSize) {
    throw usage_error(fmt::format("invalid secret URI \"{}\"", text));
  }
  return std::string(*xid);
}

std::string secret_uri(Database& db, const std::string& xid) {
  return fmt::format("secret://{}/{}", model_get(db, "uuid"), xid);
}

std::optional<SecretInfo> find_secret(Database& db, const std::string& xid) {
  auto s = db.prepare(
      "SELECT xid, owner_kind, owner, label, description, expire, rotate, latest "
      "FROM secrets WHERE xid = ?");
  s.bind(1, xid);
  if (!s.step()) return std::nullopt;
  return SecretInfo{s.text(0), s.text(1), s.text(2), s.text(3),
                    s.text(4), s.text(5), s.text(6), s.integer(7)};
}

bool owns_secret(const SecretInfo& secret, const UnitInfo& unit) {
  if (secret.owner_kind == "model") return false;  // user secrets: no unit manages them
  return secret.owner_kind == "unit" ? secret.owner == unit.name : secret.owner == unit.app;
}

std::string secret_manager_unit(Database& db, const SecretInfo& secret) {
  if (secret.owner_kind == "model") return "";
  if (secret.owner_kind == "unit") return secret.owner;
  return db.query_text("SELECT leader FROM apps WHERE name = ?", secret.owner).value_or("");
}

bool secret_granted_to(Database& db, const std::string& xid, const UnitInfo& unit) {
  auto s = db.prepare("SELECT 1 FROM secret_grants WHERE xid = ? AND (target = ? OR target = ?)");
  s.bind(1, xid).bind(2, unit.app).bind(3, unit.name);
  return s.step();
}

std::optional<std::string> secret_by_label(Database& db, const UnitInfo& unit,
                                           const std::string& label) {
  auto owned = db.prepare(
      "SELECT xid FROM secrets WHERE label = ? AND ((owner_kind = 'application' AND owner = ?) "
      "OR (owner_kind = 'unit' AND owner = ?))");
  owned.bind(1, label).bind(2, unit.app).bind(3, unit.name);
  if (owned.step()) return owned.text(0);
  auto consumed = db.prepare("SELECT xid FROM secret_consumers WHERE unit = ? AND label = ?");
  consumed.bind(1, unit.name).bind(2, label);
  if (consumed.step()) return consumed.text(0);
  return std::nullopt;
}

std::optional<std::int64_t> tracked_revision(Database& db, const std::string& xid,
                                             const std::string& unit) {
  auto s = db.prepare(
      "SELECT tracked FROM secret_consumers WHERE xid = ? AND unit = ? "
      "AND tracked > 0");
  s.bind(1, xid).bind(2, unit);
  if (!s.step()) return std::nullopt;
  return s.integer(0);
}

std::string consumer_label(Database& db, const std::string& xid, const std::string& unit) {
  auto s = db.prepare("SELECT label FROM secret_consumers WHERE xid = ? AND unit = ?");
  s.bind(1, xid).bind(2, unit);
  return s.step() ? s.text(0) : "";
}

json revision_content(Database& db, const std::string& xid, std::int64_t revision) {
  auto s = db.prepare("SELECT content FROM secret_revisions WHERE xid = ? AND revision = ?");
  s.bind(1, xid).bind(2, revision);
  if (!s.step())
    throw runtime_error(fmt::format("secret \"{}\" revision {} not found", xid, revision));
  return json::parse(s.text(0));
}

void enqueue_secret_changed(Database& db, const SecretInfo& secret) {
  auto s = db.prepare(
      "SELECT secret_consumers.unit, units.app FROM secret_consumers "
      "JOIN units ON units.name = secret_consumers.unit "
      "WHERE xid = ? AND tracked > 0 AND tracked < ? AND units.life = 'alive'");
  s.bind(1, secret.xid).bind(2, secret.latest);
  std::vector<std::string> consumers;
  while (s.step()) {
    bool owner_side = secret.owner_kind == "unit"
                          ? s.text(0) == secret.owner
                          : secret.owner_kind == "application" && s.text(1) == secret.owner;
    if (!owner_side) consumers.push_back(s.text(0));
  }
  for (const auto& unit : consumers) enqueue_hook(db, unit, "secret-changed", secret.xid, 0);
}

void drop_consumers_without_access(Database& db) {
  db.exec(R"sql(
DELETE FROM secret_consumers WHERE NOT EXISTS (
  SELECT 1 FROM units u JOIN secrets s ON s.xid = secret_consumers.xid
  WHERE u.name = secret_consumers.unit AND (
    (s.owner_kind = 'application' AND s.owner = u.app) OR
    (s.owner_kind = 'unit' AND s.owner = u.name) OR
    EXISTS (SELECT 1 FROM secret_grants g WHERE g.xid = s.xid AND g.target IN (u.name, u.app))));
DELETE FROM hook_queue WHERE hook = 'secret-changed' AND NOT EXISTS (
  SELECT 1 FROM secret_consumers c WHERE c.xid = hook_queue.secret AND c.unit = hook_queue.unit
  AND c.tracked > 0);
)sql");
  enqueue_obsolete_revisions(db);
}

void enqueue_obsolete_revisions(Database& db) {
  auto s = db.prepare(
      "SELECT r.xid, r.revision FROM secret_revisions r JOIN secrets s ON s.xid = r.xid "
      "WHERE r.revision < s.latest AND r.remove_notified = 0 AND NOT EXISTS (SELECT 1 FROM "
      "secret_consumers c WHERE c.xid = r.xid AND c.tracked = r.revision) ORDER BY r.xid, "
      "r.revision");
  std::vector<std::pair<std::string, std::int64_t>> obsolete;
  while (s.step()) obsolete.emplace_back(s.text(0), s.integer(1));
  for (const auto& [xid, revision] : obsolete) {
    auto secret = find_secret(db, xid);
    std::string owner = secret ? secret_manager_unit(db, *secret) : "";
    if (owner.empty()) continue;  // no leader yet: raised when one is elected
    enqueue_hook(db, owner, "secret-remove", xid, revision);
    db.prepare("UPDATE secret_revisions SET remove_notified = 1 WHERE xid = ? AND revision = ?")
        .bind(1, xid)
        .bind(2, revision)
        .run();
  }
}

namespace {

std::string base64_decode(const std::string& in) {
  static const std::string chars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int value = 0;
  int bits = -8;
  for (char c : in) {
    if (c == '=') break;
    auto pos = chars.find(c);
    if (pos == std::string::npos) throw usage_error("invalid base64 secret value");
    value = (value << 6) + static_cast<int>(pos);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((value >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

}  // namespace

json parse_secret_content_arg(const std::string& arg, json& content) {
  auto eq = arg.find('=');
  if (eq == std::string::npos) {
    // Not echoed: a value typed without its `key=` would land in the message.
    throw usage_error(
        "invalid secret content argument: expected key=value, key#base64=value "
        "or key#file=path");
  }
  std::string key = arg.substr(0, eq);
  std::string value = arg.substr(eq + 1);
  std::string encoding;
  if (auto hash = key.find('#'); hash != std::string::npos) {
    encoding = key.substr(hash + 1);
    key = key.substr(0, hash);
  }
  if (!ops::is_valid_secret_key(key)) {
    // The rule, not the text: a key value typed without `key=` may be split at its `=` padding.
    throw usage_error(
        "invalid secret key: a key is 3 or more lowercase letters, digits or single dashes, "
        "starting with a letter");
  }
  if (encoding == "file") {
    std::ifstream file(value, std::ios::binary);
    if (!file) throw usage_error(fmt::format("cannot read secret file \"{}\"", value));
    std::stringstream buffer;
    buffer << file.rdbuf();
    value = buffer.str();
  } else if (encoding == "base64") {
    value = base64_decode(value);
  } else if (!encoding.empty()) {
    throw usage_error(fmt::format("invalid secret key encoding \"{}\"", encoding));
  }
  content[key] = value;
  return content;
}

}  // namespace juju_sim
