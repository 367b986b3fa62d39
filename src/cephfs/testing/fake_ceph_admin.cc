#include "cephfs/testing/fake_ceph_admin.h"

#include <fmt/format.h>

#include "cephfs/ceph_names.h"

namespace cephfs::testing {
namespace {

std::string key_of(const SubvolumeId& id) {
  return fmt::format("{}/{}/{}", id.fs_name, id.group.empty() ? "_nogroup" : id.group, id.name);
}

ops::Status validate(const SubvolumeId& id) {
  if (auto s = validate_subvolume_name(id.fs_name); !s) return s;
  if (auto s = validate_group_name(id.group); !s) return s;
  return validate_subvolume_name(id.name);
}

ops::Error not_found(std::string_view what) {
  return ops::Error{
      ops::ErrorCode::kInvalidArgument,
      fmt::format("{} does not exist (fake Ceph: No such file or directory (-2))", what)};
}

}  // namespace

FakeCephAdmin::FakeCephAdmin() = default;

bool FakeCephAdmin::has_subvolume(const SubvolumeId& id) const {
  return subvolumes.count(key_of(id)) != 0;
}

bool FakeCephAdmin::open_session(const std::string& client_id) {
  if (clients.count(client_id) == 0) return false;
  ++sessions_[client_id];
  return true;
}

int FakeCephAdmin::sessions(const std::string& client_id) const {
  auto it = sessions_.find(client_id);
  return it == sessions_.end() ? 0 : it->second;
}

void FakeCephAdmin::fail_next(const std::string& method, ops::Error error, int times) {
  failures_[method].push_back({std::move(error), times});
}

void FakeCephAdmin::fail_always(const std::string& method, ops::Error error) {
  failures_[method].push_back({std::move(error), -1});
}

void FakeCephAdmin::clear_failures() { failures_.clear(); }

const ops::Error* FakeCephAdmin::begin(const std::string& method, const std::string& call) {
  calls_.push_back(call.empty() ? method : method + " " + call);
  auto it = failures_.find(method);
  if (it == failures_.end() || it->second.empty()) return nullptr;
  Failure& failure = it->second.front();
  current_failure_ = failure.error;
  if (failure.remaining > 0 && --failure.remaining == 0) it->second.pop_front();
  return &current_failure_;
}

ops::Result<Subvolume> FakeCephAdmin::find(const SubvolumeId& id) const {
  if (volumes.count(id.fs_name) == 0) return not_found("volume '" + id.fs_name + "'");
  auto it = subvolumes.find(key_of(id));
  if (it == subvolumes.end()) return not_found("subvolume '" + key_of(id) + "'");
  return it->second;
}

ops::Result<std::string> FakeCephAdmin::fsid() {
  if (auto* e = begin("fsid", "")) return *e;
  return fsid_value;
}

ops::Result<std::vector<MonitorAddrvec>> FakeCephAdmin::monitor_addresses() {
  if (auto* e = begin("monitor_addresses", "")) return *e;
  return monitors;
}

ops::Result<std::vector<std::string>> FakeCephAdmin::list_volumes() {
  if (auto* e = begin("list_volumes", "")) return *e;
  return std::vector<std::string>(volumes.begin(), volumes.end());
}

ops::Result<Subvolume> FakeCephAdmin::create_subvolume(const SubvolumeRequest& request) {
  const SubvolumeId& id = request.id;
  std::string call = key_of(id);
  if (request.size_bytes) call += fmt::format(" size={}", *request.size_bytes);
  if (auto* e = begin("create_subvolume", call)) return *e;
  if (auto s = validate(id); !s) return s.error();
  if (volumes.count(id.fs_name) == 0) return not_found("volume '" + id.fs_name + "'");
  auto [it, created] = subvolumes.try_emplace(key_of(id));
  if (created) {
    it->second = Subvolume{
        .id = id,
        .path = fmt::format("/volumes/{}/{}/{:08x}-fake-uuid",
                            id.group.empty() ? "_nogroup" : id.group, id.name, subvolumes.size()),
        .data_pool = id.fs_name + ".data",
        .pool_namespace = "fsvolumens_" + id.name,
        .size_bytes = std::nullopt};
  }
  it->second.size_bytes = request.size_bytes;
  return it->second;
}

ops::Result<Subvolume> FakeCephAdmin::subvolume_info(const SubvolumeId& id) {
  if (auto* e = begin("subvolume_info", key_of(id))) return *e;
  if (auto s = validate(id); !s) return s.error();
  return find(id);
}

ops::Result<std::string> FakeCephAdmin::subvolume_path(const SubvolumeId& id) {
  if (auto* e = begin("subvolume_path", key_of(id))) return *e;
  if (auto s = validate(id); !s) return s.error();
  auto subvolume = find(id);
  if (!subvolume) return subvolume.error();
  return subvolume->path;
}

ops::Status FakeCephAdmin::remove_subvolume(const SubvolumeId& id) {
  if (auto* e = begin("remove_subvolume", key_of(id))) return *e;
  if (auto s = validate(id); !s) return s;
  subvolumes.erase(key_of(id));
  return {};
}

ops::Result<ClientKey> FakeCephAdmin::authorize_client(const SubvolumeId& subvolume,
                                                       const std::string& client_id,
                                                       Access access) {
  std::string call = fmt::format("{} {} {}", key_of(subvolume), client_id,
                                 access == Access::kReadWrite ? "rw" : "r");
  if (auto* e = begin("authorize_client", call)) return *e;
  if (auto s = validate_client_id(client_id); !s) return s.error();
  if (auto s = validate(subvolume); !s) return s.error();
  auto info = find(subvolume);
  if (!info) return info.error();
  auto caps =
      subvolume_caps(subvolume.fs_name, info->path, info->data_pool, info->pool_namespace, access);
  if (!caps) return caps.error();
  auto [it, created] = clients.try_emplace(client_id);
  if (created) {
    // 40 characters, shaped like a cephx key; distinct per client.
    it->second = Client{.key = fmt::format("AQDfakeKey{:028d}==", next_key_++), .caps = *caps};
  } else if (it->second.caps != *caps) {
    return ops::Error{ops::ErrorCode::kInvalidArgument,
                      fmt::format("'auth get-or-create' for client.{} failed: key for client.{} "
                                  "exists but caps do not match; revoke it first or use another "
                                  "client id",
                                  client_id, client_id)};
  }
  return ClientKey{"client." + client_id, it->second.key};
}

ops::Result<ClientKey> FakeCephAdmin::client_key(const std::string& client_id) {
  if (auto* e = begin("client_key", client_id)) return *e;
  if (auto s = validate_client_id(client_id); !s) return s.error();
  auto it = clients.find(client_id);
  if (it == clients.end()) return not_found("client." + client_id);
  return ClientKey{"client." + client_id, it->second.key};
}

ops::Status FakeCephAdmin::remove_client(const std::string& client_id) {
  if (auto* e = begin("remove_client", client_id)) return *e;
  if (auto s = validate_client_id(client_id); !s) return s;
  clients.erase(client_id);  // like Ceph, open sessions outlive the key until evicted
  return {};
}

ops::Result<int> FakeCephAdmin::evict_client(const std::string& client_id) {
  if (auto* e = begin("evict_client", client_id)) return *e;
  if (auto s = validate_client_id(client_id); !s) return s.error();
  sessions_.erase(client_id);
  return 1;
}

ops::Result<std::optional<std::string>> FakeCephAdmin::owner_mark(const std::string& fs_name,
                                                                  const std::string& object) {
  if (auto* e = begin("owner_mark", fs_name + "/" + object)) return *e;
  if (auto s = validate_mark_object(object); !s) return s.error();
  if (volumes.count(fs_name) == 0) return not_found("volume '" + fs_name + "'");
  auto it = marks.find(fs_name + "/" + object);
  if (it == marks.end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

ops::Result<bool> FakeCephAdmin::claim_owner_mark(const std::string& fs_name,
                                                  const std::string& object,
                                                  const std::string& content) {
  if (auto* e = begin("claim_owner_mark", fs_name + "/" + object)) return *e;
  if (auto s = validate_mark_object(object); !s) return s.error();
  if (volumes.count(fs_name) == 0) return not_found("volume '" + fs_name + "'");
  if (before_claim) {
    auto race = std::move(before_claim);
    before_claim = nullptr;
    race();
  }
  return marks.try_emplace(fs_name + "/" + object, content).second;
}

ops::Status FakeCephAdmin::remove_owner_mark(const std::string& fs_name,
                                             const std::string& object) {
  if (auto* e = begin("remove_owner_mark", fs_name + "/" + object)) return *e;
  if (auto s = validate_mark_object(object); !s) return s;
  marks.erase(fs_name + "/" + object);
  return {};
}

}  // namespace cephfs::testing
