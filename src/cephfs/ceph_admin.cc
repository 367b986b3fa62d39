#include "cephfs/ceph_admin.h"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>
#include <utility>

#include "ceph_error.h"
#include "ceph_libraries.h"
#include "cephfs/ceph_names.h"
#include "rados_cluster.h"

namespace cephfs {

std::string to_mon_host(const std::vector<MonitorAddrvec>& monitors) {
  std::string out;
  for (const auto& mon : monitors) {
    std::string addrs = mon.v2;
    if (!mon.v1.empty()) addrs += (addrs.empty() ? "" : ",") + mon.v1;
    if (addrs.empty()) continue;
    out += (out.empty() ? "[" : " [") + addrs + "]";
  }
  return out;
}

ops::Status CephAdmin::revoke_client(const std::string& client_id) {
  auto removed = remove_client(client_id);
  auto evicted = evict_client(client_id);
  if (!removed) return removed.error();
  if (!evicted) return evicted.error();
  return {};
}

ops::Status validate_mark_object(std::string_view object) {
  bool ok = !object.empty() && object.size() <= 200;
  for (char c : object) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '.' || c == ':' || c == '-');
  }
  if (ok) return {};
  return ops::Error{ops::ErrorCode::kInvalidArgument,
                    fmt::format("ownership mark name '{}' is not valid: use 1-200 characters from "
                                "A-Z a-z 0-9 _ . : -",
                                object.substr(0, 80))};
}

namespace {

using detail::CephfsCommandClient;
using detail::CommandReply;
using detail::RadosCluster;
using detail::RadosIoContext;
using json = nlohmann::json;

std::string describe(const SubvolumeId& id) {
  return fmt::format("{}/{}/{}", id.fs_name, id.group.empty() ? "_nogroup" : id.group, id.name);
}

ops::Status validate(const SubvolumeId& id) {
  if (auto s = validate_subvolume_name(id.fs_name); !s) {
    return ops::Error{ops::ErrorCode::kInvalidArgument, "file system name: " + s.error().message};
  }
  if (auto s = validate_group_name(id.group); !s) return s;
  return validate_subvolume_name(id.name);
}

// The arguments every `fs subvolume ...` command takes.
json subvolume_command(std::string_view prefix, const SubvolumeId& id) {
  json cmd = {{"prefix", prefix}, {"vol_name", id.fs_name}, {"sub_name", id.name}};
  if (!id.group.empty()) cmd["group_name"] = id.group;
  return cmd;
}

template <class T>
ops::Result<T> parse(const CommandReply& reply, std::string_view what,
                     const std::function<T(const json&)>& extract) {
  if (reply.data.empty()) {
    // Success without a body: a manager that is still loading its modules or failing over
    // answers so. Transient, like an unreachable cluster: the charm waits and retries.
    return ops::Error{
        ops::ErrorCode::kUnavailable,
        fmt::format("Ceph answered {} with no data (a manager still starting?)", what)};
  }
  try {
    return extract(json::parse(reply.data));
  } catch (const json::exception& e) {
    // Neither the reply nor nlohmann's what() (which quotes the text near the fault) is put in
    // the message: the reply may hold a key.
    return ops::Error{ops::ErrorCode::kInvalidOutput,
                      fmt::format("cannot understand Ceph's answer to {} (JSON error {}, {} bytes)",
                                  what, e.id, reply.data.size())};
  }
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// CephAdmin over librados (mon and mgr commands) and libcephfs (MDS commands).
class RadosCephAdmin final : public CephAdmin {
 public:
  RadosCephAdmin(std::shared_ptr<RadosCluster> cluster, const ConnectOptions& options)
      : cluster_(std::move(cluster)),
        timeout_(options.timeout),
        libcephfs_path_(options.libcephfs_path) {}

  ~RadosCephAdmin() override {
    // The MDS command client shares the cluster's context: close it first.
    mds_client_.reset();
  }

  ops::Result<std::string> fsid() override { return cluster_->fsid(); }

  ops::Result<std::vector<MonitorAddrvec>> monitor_addresses() override {
    auto reply = cluster_->mon_command(json{{"prefix", "mon dump"}, {"format", "json"}}.dump(),
                                       "'mon dump'");
    if (!reply) return reply.error();
    return parse<std::vector<MonitorAddrvec>>(*reply, "'mon dump'", [](const json& j) {
      std::vector<MonitorAddrvec> monitors;
      for (const auto& mon : j.at("mons")) {
        MonitorAddrvec address;
        for (const auto& addr : mon.at("public_addrs").at("addrvec")) {
          std::string type = addr.at("type").get<std::string>();
          std::string text = type + ":" + addr.at("addr").get<std::string>();
          if (type == "v2") address.v2 = text;
          if (type == "v1") address.v1 = text;
        }
        monitors.push_back(address);
      }
      return monitors;
    });
  }

  ops::Result<std::vector<std::string>> list_volumes() override {
    auto reply = cluster_->mgr_command(json{{"prefix", "fs volume ls"}, {"format", "json"}}.dump(),
                                       "'fs volume ls'");
    if (!reply) return reply.error();
    return parse<std::vector<std::string>>(*reply, "'fs volume ls'", [](const json& j) {
      std::vector<std::string> names;
      for (const auto& volume : j) names.push_back(volume.at("name").get<std::string>());
      return names;
    });
  }

  ops::Result<Subvolume> create_subvolume(const SubvolumeRequest& request) override {
    const SubvolumeId& id = request.id;
    if (auto s = validate(id); !s) return s.error();
    if (!id.group.empty()) {
      json group = {{"prefix", "fs subvolumegroup create"},
                    {"vol_name", id.fs_name},
                    {"group_name", id.group}};
      auto reply = cluster_->mgr_command(
          group.dump(), fmt::format("'fs subvolumegroup create' for {}/{}", id.fs_name, id.group));
      if (!reply) return reply.error();
    }
    json cmd = subvolume_command("fs subvolume create", id);
    cmd["namespace_isolated"] = true;
    if (request.size_bytes) cmd["size"] = *request.size_bytes;
    auto reply = cluster_->mgr_command(cmd.dump(),
                                       fmt::format("'fs subvolume create' for {}", describe(id)));
    if (!reply) return reply.error();
    return subvolume_info(id);
  }

  ops::Result<Subvolume> subvolume_info(const SubvolumeId& id) override {
    if (auto s = validate(id); !s) return s.error();
    json cmd = subvolume_command("fs subvolume info", id);
    cmd["format"] = "json";
    std::string what = fmt::format("'fs subvolume info' for {}", describe(id));
    auto reply = cluster_->mgr_command(cmd.dump(), what);
    if (!reply) return reply.error();
    return parse<Subvolume>(*reply, what, [&id](const json& j) {
      Subvolume subvolume{.id = id,
                          .path = j.at("path").get<std::string>(),
                          .data_pool = j.at("data_pool").get<std::string>(),
                          .pool_namespace = j.value("pool_namespace", std::string()),
                          .size_bytes = std::nullopt};
      if (const auto& quota = j.at("bytes_quota"); quota.is_number_unsigned()) {
        subvolume.size_bytes = quota.get<std::uint64_t>();
      }
      return subvolume;
    });
  }

  ops::Result<std::string> subvolume_path(const SubvolumeId& id) override {
    if (auto s = validate(id); !s) return s.error();
    auto reply = cluster_->mgr_command(subvolume_command("fs subvolume getpath", id).dump(),
                                       fmt::format("'fs subvolume getpath' for {}", describe(id)));
    if (!reply) return reply.error();
    return trimmed(reply->data);
  }

  ops::Status remove_subvolume(const SubvolumeId& id) override {
    if (auto s = validate(id); !s) return s;
    json cmd = subvolume_command("fs subvolume rm", id);
    cmd["force"] = true;  // an absent subvolume is not an error
    auto reply =
        cluster_->mgr_command(cmd.dump(), fmt::format("'fs subvolume rm' for {}", describe(id)));
    if (!reply) return reply.error();
    return {};
  }

  ops::Result<ClientKey> authorize_client(const SubvolumeId& subvolume,
                                          const std::string& client_id, Access access) override {
    if (auto s = validate_client_id(client_id); !s) return s.error();
    auto info = subvolume_info(subvolume);
    if (!info) return info.error();
    if (info->pool_namespace.empty()) {
      return ops::Error{ops::ErrorCode::kInvalidArgument,
                        fmt::format("subvolume {} is not namespace-isolated, so a key for it would "
                                    "reach other clients' file data in pool {}; create it with "
                                    "create_subvolume()",
                                    describe(subvolume), info->data_pool)};
    }
    auto caps = subvolume_caps(subvolume.fs_name, info->path, info->data_pool, info->pool_namespace,
                               access);
    if (!caps) return caps.error();
    std::string entity = "client." + client_id;
    json cmd = {{"prefix", "auth get-or-create"},
                {"entity", entity},
                {"caps", {"mon", caps->mon, "mds", caps->mds, "osd", caps->osd}},
                {"format", "json"}};
    std::string what = fmt::format("'auth get-or-create' for {}", entity);
    auto reply = cluster_->mon_command(cmd.dump(), what);
    if (!reply) {
      ops::Error error = reply.error();
      if (error.code == ops::ErrorCode::kInvalidArgument) {
        error.message += fmt::format(
            "; {} exists with other caps: revoke it first or use another client id", entity);
      }
      return error;
    }
    return parse_key(*reply, what);
  }

  ops::Result<ClientKey> client_key(const std::string& client_id) override {
    if (auto s = validate_client_id(client_id); !s) return s.error();
    std::string entity = "client." + client_id;
    std::string what = fmt::format("'auth get' for {}", entity);
    auto reply = cluster_->mon_command(
        json{{"prefix", "auth get"}, {"entity", entity}, {"format", "json"}}.dump(), what);
    if (!reply) return reply.error();
    return parse_key(*reply, what);
  }

  ops::Status remove_client(const std::string& client_id) override {
    if (auto s = validate_client_id(client_id); !s) return s;
    std::string entity = "client." + client_id;
    auto reply = cluster_->mon_command(json{{"prefix", "auth rm"}, {"entity", entity}}.dump(),
                                       fmt::format("'auth rm' for {}", entity));
    if (!reply && reply.error().code != ops::ErrorCode::kInvalidArgument) return reply.error();
    return {};
  }

  ops::Result<int> evict_client(const std::string& client_id) override {
    if (auto s = validate_client_id(client_id); !s) return s.error();
    auto daemons = active_mds_daemons();
    if (!daemons) return daemons.error();
    if (daemons->empty()) return 0;  // no MDS, no sessions
    if (!mds_client_) {
      auto api = detail::load_libcephfs(libcephfs_path_);
      if (!api) return api.error();
      auto client = CephfsCommandClient::create(**api, *cluster_);
      if (!client) return client.error();
      mds_client_ = std::move(*client);
    }
    std::string cmd =
        json{{"prefix", "client evict"}, {"filters", {"auth_name=" + client_id}}}.dump();
    for (const auto& name : *daemons) {
      auto reply =
          bounded_mds_command(name, cmd, fmt::format("'client evict auth_name={}'", client_id));
      if (!reply) return reply.error();
    }
    return static_cast<int>(daemons->size());
  }

  ops::Result<std::optional<std::string>> owner_mark(const std::string& fs_name,
                                                     const std::string& object) override {
    if (auto s = validate_mark_object(object); !s) return s.error();
    auto io = marks(fs_name);
    if (!io) return io.error();
    return (*io)->read(object, kMaxMarkBytes);
  }

  ops::Result<bool> claim_owner_mark(const std::string& fs_name, const std::string& object,
                                     const std::string& content) override {
    if (auto s = validate_mark_object(object); !s) return s.error();
    if (content.size() > kMaxMarkBytes) {
      return ops::Error{
          ops::ErrorCode::kInvalidArgument,
          fmt::format("ownership mark '{}' is longer than {} bytes", object, kMaxMarkBytes)};
    }
    auto io = marks(fs_name);
    if (!io) return io.error();
    return (*io)->create_exclusive(object, content);
  }

  ops::Status remove_owner_mark(const std::string& fs_name, const std::string& object) override {
    if (auto s = validate_mark_object(object); !s) return s;
    auto io = marks(fs_name);
    if (!io) return io.error();
    return (*io)->remove(object);
  }

 private:
  static constexpr std::size_t kMaxMarkBytes = 4096;

  // The I/O context on the marks' namespace of `fs_name`'s metadata pool (mon command "fs ls"),
  // opened once per file system.
  ops::Result<RadosIoContext*> marks(const std::string& fs_name) {
    if (auto s = validate_subvolume_name(fs_name); !s) {
      return ops::Error{ops::ErrorCode::kInvalidArgument, "file system name: " + s.error().message};
    }
    if (auto it = mark_contexts_.find(fs_name); it != mark_contexts_.end()) return it->second.get();
    auto reply =
        cluster_->mon_command(json{{"prefix", "fs ls"}, {"format", "json"}}.dump(), "'fs ls'");
    if (!reply) return reply.error();
    auto pool = parse<std::string>(*reply, "'fs ls'", [&fs_name](const json& j) {
      for (const auto& fs : j) {
        if (fs.at("name") == fs_name) return fs.at("metadata_pool").get<std::string>();
      }
      return std::string();
    });
    if (!pool) return pool.error();
    if (pool->empty()) {
      return ops::Error{ops::ErrorCode::kInvalidArgument,
                        fmt::format("file system '{}' not found ('fs ls')", fs_name)};
    }
    auto io = RadosIoContext::create(*cluster_, *pool, kOwnerMarkNamespace);
    if (!io) return io.error();
    RadosIoContext* raw = io->get();
    mark_contexts_.emplace(fs_name, std::move(*io));
    return raw;
  }

  static ops::Result<ClientKey> parse_key(const CommandReply& reply, const std::string& what) {
    return parse<ClientKey>(reply, what, [](const json& j) {
      const json& entry = j.is_array() ? j.at(0) : j;
      return ClientKey{entry.at("entity").get<std::string>(), entry.at("key").get<std::string>()};
    });
  }

  // Names of the MDS daemons that are up:active in any file system (mon command "fs dump").
  ops::Result<std::vector<std::string>> active_mds_daemons() {
    auto reply =
        cluster_->mon_command(json{{"prefix", "fs dump"}, {"format", "json"}}.dump(), "'fs dump'");
    if (!reply) return reply.error();
    return parse<std::vector<std::string>>(*reply, "'fs dump'", [](const json& j) {
      std::vector<std::string> names;
      for (const auto& fs : j.at("filesystems")) {
        for (const auto& [gid, info] : fs.at("mdsmap").at("info").items()) {
          if (info.at("state") == "up:active") names.push_back(info.at("name").get<std::string>());
        }
      }
      return names;
    });
  }

  // ceph_mds_command waits without a timeout of its own; run it in a thread and stop waiting at
  // timeout_. On a timeout the thread keeps the handles alive (shared ownership) until the
  // MDS answers or the process exits, and this admin stops using them.
  ops::Result<CommandReply> bounded_mds_command(const std::string& mds, const std::string& cmd,
                                                const std::string& what) {
    // Members are destroyed in reverse order: the client before the cluster it was made from.
    struct Handles {
      std::shared_ptr<RadosCluster> cluster;
      std::shared_ptr<CephfsCommandClient> client;
    };
    std::packaged_task<ops::Result<CommandReply>()> task(
        [handles = Handles{cluster_, mds_client_}, mds, cmd, what] {
          return handles.client->mds_command(mds, cmd, what);
        });
    auto answer = task.get_future();
    std::thread(std::move(task)).detach();
    if (answer.wait_for(timeout_) != std::future_status::ready) {
      mds_client_.reset();
      return ops::Error{ops::ErrorCode::kTimeout,
                        fmt::format("MDS command {} to mds.{} did not finish within {} s; is the "
                                    "MDS up?",
                                    what, mds, timeout_.count())};
    }
    return answer.get();
  }

  std::shared_ptr<RadosCluster> cluster_;
  std::chrono::seconds timeout_;
  std::string libcephfs_path_;
  std::shared_ptr<CephfsCommandClient> mds_client_;  // made on first use
  // Before cluster_ in destruction order (members are destroyed in reverse): declared after it.
  std::map<std::string, std::unique_ptr<RadosIoContext>> mark_contexts_;
};

ops::Status set_options(RadosCluster& cluster, const ConnectOptions& options) {
  if (!options.conf_file.empty()) {
    if (auto s = cluster.conf_read_file(options.conf_file); !s) return s;
  }
  if (!options.mon_host.empty()) {
    if (auto s = cluster.conf_set("mon_host", options.mon_host); !s) return s;
  }
  if (!options.key.empty()) {
    if (auto s = cluster.conf_set("key", options.key); !s) {
      return ops::Error{ops::ErrorCode::kInvalidArgument,
                        "the cephx key was refused by librados; it must be base64 as printed by "
                        "`ceph auth print-key`"};
    }
  }
  if (!options.keyring_file.empty()) {
    if (auto s = cluster.conf_set("keyring", options.keyring_file); !s) return s;
  }
  std::string seconds = std::to_string(options.timeout.count());
  std::vector<std::pair<std::string, std::string>> settings = {
      {"client_mount_timeout", seconds},
      {"rados_mon_op_timeout", seconds},
      {"rados_osd_op_timeout", seconds},
      // No admin socket: `config show` on it would print the key.
      {"admin_socket", ""},
  };
  if (options.conf_file.empty()) settings.emplace_back("log_file", "");
  for (const auto& [option, value] : settings) {
    if (auto s = cluster.conf_set(option, value); !s) return s;
  }
  return {};
}

}  // namespace

ops::Result<std::unique_ptr<CephAdmin>> connect_ceph_admin(const ConnectOptions& options) {
  if (options.timeout < std::chrono::seconds(1)) {
    return ops::Error{ops::ErrorCode::kInvalidArgument,
                      "ConnectOptions::timeout must be at least 1 s"};
  }
  if (options.mon_host.empty() && options.conf_file.empty()) {
    return ops::Error{ops::ErrorCode::kInvalidArgument,
                      "no monitors given: set ConnectOptions::mon_host or conf_file"};
  }
  if (options.entity.find('.') == std::string::npos) {
    return ops::Error{ops::ErrorCode::kInvalidArgument,
                      fmt::format("entity '{}' must be a full cephx name like client.admin",
                                  options.entity.substr(0, 80))};
  }
  auto api = detail::load_librados(options.librados_path);
  if (!api) return api.error();
  auto created = RadosCluster::create(**api, options.entity);
  if (!created) return created.error();
  std::shared_ptr<RadosCluster> cluster = std::move(*created);
  if (auto s = set_options(*cluster, options); !s) return s.error();
  if (auto s = cluster->connect(); !s) {
    ops::Error error = s.error();
    std::string where = options.mon_host.empty() ? "the monitors of " + options.conf_file
                                                 : "the monitors at " + options.mon_host;
    switch (error.code) {
      case ops::ErrorCode::kTimeout:
      case ops::ErrorCode::kUnavailable:
        return ops::Error{ops::ErrorCode::kUnavailable,
                          fmt::format("cannot reach Ceph: {} did not answer within {} s ({})",
                                      where, options.timeout.count(), error.message)};
      case ops::ErrorCode::kPermissionDenied:
        return ops::Error{ops::ErrorCode::kPermissionDenied,
                          fmt::format("{} refused the key of {}: the key is wrong or the entity "
                                      "does not exist",
                                      where, options.entity)};
      case ops::ErrorCode::kInvalidArgument:
        return ops::Error{ops::ErrorCode::kInvalidArgument,
                          fmt::format("cannot connect to {} as {}: {}; is a key or keyring given?",
                                      where, options.entity, error.message)};
      default:
        return error;
    }
  }
  return std::unique_ptr<CephAdmin>(new RadosCephAdmin(std::move(cluster), options));
}

}  // namespace cephfs
