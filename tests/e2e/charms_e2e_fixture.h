// The fixture of the charm e2e tests (charms_e2e_test.cc, ownership_e2e_test.cc): juju-sim with
// the packed charms, run as root against the dev cluster (STORAGE_LIBS_CEPH_CONF); helpers to
// deploy a provisioning proxy with a least-privilege entity, clients and bare requesters, and to
// read what the charms published.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ceph_test_support.h"
#include "cephfs/ceph_admin.h"
#include "sim_fixture.h"

namespace cephfs::e2e {

namespace fs = std::filesystem;
using nlohmann::json;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class CharmsE2e : public SimTest {
 protected:
  void SetUp() override {
    conf_ = env_or("STORAGE_LIBS_CEPH_CONF");
    ASSERT_FALSE(conf_.empty())
        << "STORAGE_LIBS_CEPH_CONF is not set. The e2e tests need a running Ceph cluster: "
           "scripts/ceph-dev-cluster start /tmp/sl-ceph --second-fs cephfs2 && export "
           "STORAGE_LIBS_CEPH_CONF=/tmp/sl-ceph/ceph.conf (scripts/test does both).";
    ASSERT_EQ(geteuid(), 0u) << "the e2e tests mount with ceph-fuse, which needs root";
    SimTest::SetUp();
    auto admin = connect_ceph_admin({.conf_file = conf_});
    ASSERT_TRUE(admin.ok()) << admin.error().message;
    admin_ = std::move(*admin);
    auto monitors = admin_->monitor_addresses();
    ASSERT_TRUE(monitors.ok()) << monitors.error().message;
    mon_host_ = to_mon_host(*monitors);
    admin_keyring_ = ini_value(conf_, "keyring");
    ASSERT_FALSE(admin_keyring_.empty()) << "no keyring in " << conf_;
    group_ = "e2e-" + std::to_string(getpid()) + "-" + std::to_string(++counter_);
    ok({"deploy", "ubuntu", write_charm("ubuntu", "", {})});
  }

  void TearDown() override {
    // Removing the relations makes the charms unmount, remove key files and revoke clients.
    for (const auto& [provider, client] : relations_) {
      sim({"remove-relation", provider + ":cephfs-share", client + ":cephfs-share"});
    }
    if (!relations_.empty()) sim({"settle"});
    for (const auto& mountpoint : mountpoints_) {
      EXPECT_FALSE(is_ceph_fuse_mount(mountpoint)) << mountpoint << " is still mounted";
      if (is_ceph_fuse_mount(mountpoint)) umount2(mountpoint.c_str(), MNT_DETACH);
      std::error_code ec;
      fs::remove(mountpoint, ec);  // rmdir: only an empty directory
    }
    if (!mount_root_.empty()) ::rmdir(mount_root_.c_str());
    if (admin_) {
      for (const auto& client : extra_clients_) (void)admin_->revoke_client(client);
      for (const auto& id : extra_subvolumes_) (void)admin_->remove_subvolume(id);
    }
    for (const auto& entity : provisioners_) {
      (void)run({"ceph", "-c", conf_, "auth", "rm", entity}, std::chrono::seconds(30));
    }
    SimTest::TearDown();
  }

  std::string proxy_charm() const { return PROXY_CHARM_FILE; }
  std::string client_charm() const { return CLIENT_CHARM_FILE; }

  // A proxy in provisioning mode with a least-privilege admin entity of its own (only
  // client.<app>* clients, the marks' namespace; docs/charms.md), never client.admin.
  void deploy_provisioner(const std::string& app, const std::string& filesystem = "cephfs") {
    const std::string entity = "client.e2e-provisioner-" + std::to_string(getpid()) + "-" + app;
    provisioner_keyring_ = dir_ + "/provisioner-" + app + ".keyring";
    const std::string second = env_or("STORAGE_LIBS_CEPH_SECOND_FS", "cephfs2");
    EXPECT_NO_THROW(create_provisioner(conf_, entity, "client." + app,
                                       {"cephfs.meta", second + ".meta"}, provisioner_keyring_));
    provisioners_.push_back(entity);
    std::vector<std::string> args = {"deploy",
                                     app,
                                     proxy_charm(),
                                     "--config",
                                     "admin-keyring=" + provisioner_keyring_,
                                     "monitor-hosts=" + mon_host_,
                                     "subvolume-group=" + group_,
                                     "delete-data-on-revoke=true",
                                     "filesystem=" + filesystem};
    ok(args);
  }

  // A cephfs-client app on the ubuntu principal, mounting at <mount root>/<app>.
  std::string deploy_client(const std::string& app) {
    const std::string mountpoint = mount_root() + "/" + app;
    mountpoints_.push_back(mountpoint);
    ok({"deploy", app, client_charm(), "--config", "mountpoint=" + mountpoint,
        "mount-method=fuse"});
    ok({"relate", "ubuntu:juju-info", app + ":juju-info"});
    return mountpoint;
  }

  void relate(const std::string& provider, const std::string& client) {
    ok({"relate", provider + ":cephfs-share", client + ":cephfs-share"});
    relations_.emplace_back(provider, client);
  }

  void remove_relation(const std::string& provider, const std::string& client) {
    ok({"remove-relation", provider + ":cephfs-share", client + ":cephfs-share"});
    std::erase(relations_, std::pair{provider, client});
    ok({"settle"});
  }

  const std::string& mount_root() {
    if (mount_root_.empty()) {
      // Not under /tmp: the client refuses a mountpoint in a tree local users can write to, and
      // every directory on the path must be root's and not writable by group or others.
      ::mkdir("/mnt", 0755);
      char pattern[] = "/mnt/sl-e2e-mnt-XXXXXX";
      const char* made = mkdtemp(pattern);
      EXPECT_NE(made, nullptr) << "cannot create a directory in /mnt";
      mount_root_ = made != nullptr ? made : "";
    }
    return mount_root_;
  }

  json unit_status(const std::string& unit) {
    const std::string app = unit.substr(0, unit.find('/'));
    return status()["applications"][app]["units"][unit]["workload-status"];
  }

  // The results of the client's mount-info action.
  json mount_info(const std::string& unit) {
    const std::string out = ok({"run", unit, "mount-info"});
    return out.empty() ? json() : json::parse(out)["results"];
  }

  // The keyring the client charm wrote for its (only) cephfs-share relation.
  fs::path client_keyring(const std::string& app) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/etc/ceph/cephfs-client", ec)) {
      const std::string name = entry.path().filename().string();
      if (name.starts_with(app + ".") && name.ends_with(".keyring")) return entry.path();
    }
    return {};
  }

  // A private copy of a keyring (0600) so a test can use it after the charm removed its own.
  std::string copy_keyring(const fs::path& keyring) {
    const std::string copy = dir_ + "/keyring-copy-" + std::to_string(++counter_);
    write_keyring(copy, user_of(keyring), ini_value(keyring, "key"));
    return copy;
  }

  std::string user_of(const fs::path& keyring) {
    const std::string text = read_text(keyring);
    const auto start = text.find("[client.");
    return start == std::string::npos ? "" : text.substr(start + 8, text.find(']') - start - 8);
  }

  // A cephfs_share requirer that only asks for a share named `name` (no mount): the same request as
  // a cephfs-client, without the machine-wide files two models on one host would share.
  // subordinate: shaped like cephfs-client (juju-info, peers), so that a model built like one
  // with a cephfs-client gets the same relation ids.
  std::string write_requester(const std::string& name, bool subordinate = false) {
    std::string metadata =
        "requires:\n  cephfs-share:\n    interface: cephfs_share\n    limit: 1\n";
    if (subordinate) {
      metadata = "subordinate: true\n" + metadata +
                 "  juju-info:\n    interface: juju-info\n    scope: container\n"
                 "peers:\n  peers:\n    interface: cephfs-peer\n";
    }
    return write_charm(
        "requester-" + std::to_string(++counter_), metadata,
        {{"cephfs-share-relation-joined",
          "if [ \"$(is-leader)\" = True ]; then relation-set --app 'name=" + name + "'; fi\n"}});
  }
  // The id of `unit`'s cephfs-share relation (show-unit), or -1.
  int share_relation_id(const std::string& unit) {
    const json shown = json::parse(ok({"show-unit", unit}));
    for (const auto& info : shown[unit]["relation-info"]) {
      if (info["endpoint"] == "cephfs-share") return info["relation-id"].get<int>();
    }
    return -1;
  }

  std::unique_ptr<FuseMount> fuse_mount(const std::string& user, const std::string& keyring,
                                        const std::string& fs_name, const std::string& path) {
    return std::make_unique<FuseMount>(FuseMount::Options{
        .mon_host = mon_host_,
        .client_id = user,
        .keyring_file = keyring,
        .fs_name = fs_name,
        .path = path,
        .mountpoint = mount_root() + "/check-" + std::to_string(++counter_),
    });
  }

  // The path of the share the provider published to `unit` (from its relation data).
  std::string share_path(const std::string& unit) {
    const std::string show = ok({"show-unit", unit});
    const auto start = show.find("/volumes/" + group_ + "/");
    if (start == std::string::npos) {
      ADD_FAILURE() << "no share under /volumes/" << group_ << " in " << show;
      return "/no-share";
    }
    return show.substr(start, show.find_first_of("\\\"", start) - start);
  }

  static bool write_and_read(const std::string& dir, const std::string& name,
                             const std::string& content) {
    std::string back;
    return write_file_synced(dir + "/" + name, content) && read_file(dir + "/" + name, back) &&
           back == content;
  }

  std::string conf_;
  std::string mon_host_;
  std::string admin_keyring_;
  std::string provisioner_keyring_;  // of the last deploy_provisioner()
  std::vector<std::string> provisioners_;
  std::string group_;
  std::string mount_root_;
  std::unique_ptr<CephAdmin> admin_;
  std::vector<std::pair<std::string, std::string>> relations_;
  std::vector<std::string> mountpoints_;
  std::vector<std::string> extra_clients_;
  std::vector<SubvolumeId> extra_subvolumes_;
  static inline int counter_ = 0;
};

}  // namespace cephfs::e2e
