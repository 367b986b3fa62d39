#include "share_ownership.h"

#include <fmt/format.h>

#include <cstdint>
#include <nlohmann/json.hpp>

#include "cephfs/ceph_names.h"
#include "cephfs/share_fields.h"

namespace cephfs_server_proxy {
namespace {

constexpr std::size_t kAppChars = 24;       // readable remote app in a subvolume name
constexpr std::size_t kProxyAppChars = 40;  // readable proxy app in a client id
constexpr std::size_t kModelChars = 8;      // readable model UUID prefix
constexpr std::uint64_t kHashMask = (std::uint64_t{1} << 40) - 1;  // 10 hex digits

// [A-Za-z0-9_-] only ('.' separates the parts), no leading '-' or '_', at most `max` characters,
// never empty.
std::string readable(std::string_view raw, std::size_t max) {
  std::string out;
  for (char c : raw) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (out.empty() && (!ok || c == '-' || c == '_')) continue;
    out += ok ? c : '-';
    if (out.size() == max) break;
  }
  return out.empty() ? std::string("x") : out;
}

// FNV-1a, 64 bits, over length-prefixed fields: distinct field lists hash distinct inputs.
std::uint64_t fields_hash(std::initializer_list<std::string_view> fields) {
  std::uint64_t h = 14695981039346656037ull;
  auto add = [&h](std::string_view s) {
    for (char c : s) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ull;
    }
  };
  for (std::string_view field : fields) {
    add(std::to_string(field.size()));
    add(":");
    add(field);
  }
  return h;
}

std::string model_prefix(const Deployment& deployment) {
  return readable(deployment.model_uuid, kModelChars);
}

std::string describe(const cephfs::SubvolumeId& id) {
  return fmt::format("{}/{}/{}", id.fs_name, id.group.empty() ? "_nogroup" : id.group, id.name);
}

// Whose the mark says the object is, for a message (its content came from the cluster).
std::string whose(const std::optional<OwnerMark>& mark, const OwnerMark& want) {
  if (!mark) return "its ownership mark is not one this charm wrote";
  if (mark->owner != want.owner) {
    return fmt::format("it belongs to another deployment ({})",
                       cephfs::escape_untrusted(mark->owner));
  }
  if (mark->relation != want.relation && want.relation >= 0) {
    return fmt::format("it belongs to relation {} of this deployment", mark->relation);
  }
  return fmt::format("it holds share '{}' of application '{}'",
                     cephfs::escape_untrusted(mark->name), cephfs::escape_untrusted(mark->app));
}

ops::Error subvolume_conflict(const cephfs::SubvolumeId& id, const std::string& why) {
  return ops::Error{
      ops::ErrorCode::kInvalidArgument,
      fmt::format("subvolume {} exists but was not created for this share ({}); not using it. "
                  "If it is unused, remove it (ceph fs subvolume rm {} {}{}); otherwise request "
                  "another share name",
                  describe(id), why, id.fs_name, id.name,
                  id.group.empty() ? std::string() : " --group_name " + id.group)};
}

ops::Error client_conflict(const std::string& client_id, const std::string& why) {
  return ops::Error{ops::ErrorCode::kInvalidArgument,
                    fmt::format("cephx client client.{} exists but was not created for this "
                                "relation ({}); not touching it. If it is unused, remove it (ceph "
                                "auth rm client.{}); the next update-status retries",
                                client_id, why, client_id)};
}

bool same_subvolume_owner(const std::optional<OwnerMark>& mark, const OwnerMark& want) {
  return mark && mark->owner == want.owner && mark->app == want.app && mark->name == want.name;
}

bool same_client_owner(const std::optional<OwnerMark>& mark, const OwnerMark& want) {
  return mark && mark->owner == want.owner && mark->relation == want.relation;
}

// Reads a mark: nullopt = none; a present but undecodable mark gives an OwnerMark-less conflict.
ops::Result<std::optional<std::optional<OwnerMark>>> read_mark(cephfs::CephAdmin& ceph,
                                                               const std::string& fs_name,
                                                               const std::string& object) {
  auto content = ceph.owner_mark(fs_name, object);
  if (!content) return content.error();
  if (!*content) return std::optional<std::optional<OwnerMark>>();
  return std::optional<std::optional<OwnerMark>>(decode_mark(**content));
}

}  // namespace

std::string encode_mark(const OwnerMark& mark) {
  nlohmann::json j = {{"owner", mark.owner}};
  if (mark.relation >= 0) {
    j["relation"] = mark.relation;
  } else {
    j["app"] = mark.app;
    j["name"] = mark.name;
  }
  return j.dump();
}

std::optional<OwnerMark> decode_mark(std::string_view content) {
  auto j = nlohmann::json::parse(content, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("owner") || !j["owner"].is_string()) return std::nullopt;
  OwnerMark mark{.owner = j["owner"].get<std::string>()};
  if (j.contains("relation")) {
    if (!j["relation"].is_number_integer()) return std::nullopt;
    mark.relation = j["relation"].get<int>();
    if (mark.relation < 0) return std::nullopt;
    return mark;
  }
  if (!j.contains("app") || !j["app"].is_string() || !j.contains("name") ||
      !j["name"].is_string()) {
    return std::nullopt;
  }
  mark.app = j["app"].get<std::string>();
  mark.name = j["name"].get<std::string>();
  return mark;
}

std::string owned_subvolume_name(const Deployment& deployment, std::string_view remote_app,
                                 std::string_view requested_name) {
  std::uint64_t hash =
      fields_hash({deployment.model_uuid, deployment.proxy_app, remote_app, requested_name}) &
      kHashMask;
  std::string app = readable(remote_app, kAppChars);
  std::string suffix = fmt::format(".{}.{:010x}", model_prefix(deployment), hash);
  std::size_t room = cephfs::kMaxNameLength - app.size() - 1 - suffix.size();
  return app + "." + readable(requested_name, room) + suffix;
}

std::string owned_client_id(const Deployment& deployment, int relation_id) {
  return fmt::format("{}.{}.{}", readable(deployment.proxy_app, kProxyAppChars),
                     model_prefix(deployment), relation_id);
}

std::string subvolume_mark_object(const cephfs::SubvolumeId& id) {
  return fmt::format("subvolume:{}:{}", id.group.empty() ? "_nogroup" : id.group, id.name);
}

std::string client_mark_object(const std::string& client_id) { return "client:" + client_id; }

ops::Result<Claim> claim_subvolume(cephfs::CephAdmin& ceph, const cephfs::SubvolumeId& id,
                                   const OwnerMark& want) {
  const std::string object = subvolume_mark_object(id);
  auto mark = read_mark(ceph, id.fs_name, object);
  if (!mark) return mark.error();
  if (*mark) {
    if (same_subvolume_owner(**mark, want)) return Claim{};
    return subvolume_conflict(id, whose(**mark, want));
  }
  auto claimed = ceph.claim_owner_mark(id.fs_name, object, encode_mark(want));
  if (!claimed) return claimed.error();
  if (!*claimed) {  // lost a race: whoever won decides
    auto winner = read_mark(ceph, id.fs_name, object);
    if (!winner) return winner.error();
    if (*winner && same_subvolume_owner(**winner, want)) return Claim{};
    return subvolume_conflict(id, *winner ? whose(**winner, want) : "its mark changed meanwhile");
  }
  // Claimed. A subvolume that exists anyway was made by someone else (by hand, another tool).
  auto info = ceph.subvolume_info(id);
  if (info || info.error().code != ops::ErrorCode::kInvalidArgument) {
    (void)ceph.remove_owner_mark(id.fs_name, object);
    if (!info) return info.error();
    return subvolume_conflict(id, "it has no ownership mark: made by hand or by another tool");
  }
  return Claim{.claimed_now = true};
}

ops::Result<Claim> claim_client(cephfs::CephAdmin& ceph, const std::string& fs_name,
                                const std::string& client_id, const OwnerMark& want) {
  const std::string object = client_mark_object(client_id);
  auto mark = read_mark(ceph, fs_name, object);
  if (!mark) return mark.error();
  if (*mark) {
    if (same_client_owner(**mark, want)) return Claim{};
    return client_conflict(client_id, whose(**mark, want));
  }
  auto claimed = ceph.claim_owner_mark(fs_name, object, encode_mark(want));
  if (!claimed) return claimed.error();
  if (!*claimed) {
    auto winner = read_mark(ceph, fs_name, object);
    if (!winner) return winner.error();
    if (*winner && same_client_owner(**winner, want)) return Claim{};
    return client_conflict(client_id,
                           *winner ? whose(**winner, want) : "its mark changed meanwhile");
  }
  auto key = ceph.client_key(client_id);
  if (key || key.error().code != ops::ErrorCode::kInvalidArgument) {
    (void)ceph.remove_owner_mark(fs_name, object);
    if (!key) return key.error();
    return client_conflict(client_id, "it has no ownership mark: made by hand or by another tool");
  }
  return Claim{.claimed_now = true};
}

ops::Result<Ownership> check_client_owned(cephfs::CephAdmin& ceph, const std::string& fs_name,
                                          const std::string& client_id, const OwnerMark& want) {
  auto mark = read_mark(ceph, fs_name, client_mark_object(client_id));
  if (!mark) return mark.error();
  if (*mark && same_client_owner(**mark, want)) return Ownership{true, true};
  auto key = ceph.client_key(client_id);
  if (!key && key.error().code == ops::ErrorCode::kInvalidArgument) return Ownership{};
  if (!key) return key.error();
  return client_conflict(client_id, *mark ? whose(**mark, want)
                                          : "it has no ownership mark: made by hand or by "
                                            "another tool");
}

ops::Result<Ownership> check_subvolume_owned(cephfs::CephAdmin& ceph, const cephfs::SubvolumeId& id,
                                             const OwnerMark& want) {
  auto mark = read_mark(ceph, id.fs_name, subvolume_mark_object(id));
  if (!mark) return mark.error();
  if (*mark && same_subvolume_owner(**mark, want)) return Ownership{true, true};
  auto info = ceph.subvolume_info(id);
  if (!info && info.error().code == ops::ErrorCode::kInvalidArgument) return Ownership{};
  if (!info) return info.error();
  return subvolume_conflict(id, *mark ? whose(**mark, want)
                                      : "it has no ownership mark: made by hand or by another "
                                        "tool");
}

}  // namespace cephfs_server_proxy
