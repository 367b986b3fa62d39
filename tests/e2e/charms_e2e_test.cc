// The whole story on a real cluster: the packed cephfs-server-proxy and cephfs-client charms run
// under juju-sim as root, the proxy provisions a subvolume and a cephx client per relation, the
// client mounts it with ceph-fuse, and the tests write and read through the real mountpoint.
// Then: isolation between two client apps, revocation when a relation is removed, credential
// rotation, the proxy's static (Python-compatible) mode, and a share on a second file system.
//
// Needs: STORAGE_LIBS_CEPH_CONF (scripts/ceph-dev-cluster start DIR --second-fs cephfs2), root,
// ceph-fuse. Mountpoints live in a directory of their own, never under the model directory that
// the fixture deletes, and every mount is undone before anything is removed.
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
#include "secret_scan.h"
#include "share_ownership.h"
#include "sim_fixture.h"

namespace cephfs::e2e {
namespace {

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

  // subordinate: shaped like cephfs-client (juju-info, peers), so that a model built like one
  // with a cephfs-client gets the same relation ids.
  std::string write_requester(const std::string& name, bool subordinate = false);
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

TEST_F(CharmsE2e, TheClientMountsItsProvisionedSubvolumeAndWritesAndReadsAFile) {
  deploy_provisioner("proxy");
  const std::string mountpoint = deploy_client("client");
  relate("proxy", "client");
  ok({"settle"});

  EXPECT_EQ(unit_status("proxy/0")["current"], "active") << unit_status("proxy/0");
  const json client = unit_status("client/0");
  ASSERT_EQ(client["current"], "active") << client;
  EXPECT_THAT(client["message"].get<std::string>(), HasSubstr("at " + mountpoint));
  ASSERT_TRUE(is_ceph_fuse_mount(mountpoint));
  EXPECT_TRUE(write_and_read(mountpoint, "hello.txt", "hello through the charms\n"));

  const json info = mount_info("client/0");
  EXPECT_THAT(info.dump(), HasSubstr("/volumes/" + group_ + "/"));
  EXPECT_THAT(info.dump(), Not(HasSubstr(ini_value(client_keyring("client"), "key"))));

  const fs::path keyring = client_keyring("client");
  ASSERT_FALSE(keyring.empty());
  struct stat st {};
  ASSERT_EQ(::stat(keyring.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_uid, 0u);
}

TEST_F(CharmsE2e, ASecondClientGetsItsOwnSubvolumeAndKeyAndCannotReachTheFirst) {
  deploy_provisioner("proxy");
  const std::string mount_a = deploy_client("client-a");
  const std::string mount_b = deploy_client("client-b");
  relate("proxy", "client-a");
  relate("proxy", "client-b");
  ok({"settle"});
  ASSERT_TRUE(is_ceph_fuse_mount(mount_a)) << unit_status("client-a/0");
  ASSERT_TRUE(is_ceph_fuse_mount(mount_b)) << unit_status("client-b/0");
  ASSERT_TRUE(write_and_read(mount_a, "a.txt", "a's data\n"));
  ASSERT_TRUE(write_and_read(mount_b, "b.txt", "b's data\n"));

  const std::string user_a = user_of(client_keyring("client-a"));
  const std::string user_b = user_of(client_keyring("client-b"));
  ASSERT_FALSE(user_a.empty());
  EXPECT_NE(user_a, user_b);
  EXPECT_NE(share_path("client-a/0"), share_path("client-b/0"));
  EXPECT_FALSE(fs::exists(mount_a + "/b.txt"));
  EXPECT_FALSE(fs::exists(mount_b + "/a.txt"));

  // b's key cannot mount a's subvolume (the path in a's share_info).
  const std::string share_a = share_path("client-a/0");
  const std::string keyring_b = copy_keyring(client_keyring("client-b"));
  auto intruder = fuse_mount(user_b, keyring_b, "cephfs", share_a);
  EXPECT_FALSE(intruder->mounted()) << "client." << user_b << " mounted " << share_a;
}

TEST_F(CharmsE2e, RemovingARelationRevokesItsKeyWhileTheOtherClientKeepsWorking) {
  deploy_provisioner("proxy");
  const std::string mount_a = deploy_client("client-a");
  const std::string mount_b = deploy_client("client-b");
  relate("proxy", "client-a");
  relate("proxy", "client-b");
  ok({"settle"});
  ASSERT_TRUE(is_ceph_fuse_mount(mount_a)) << unit_status("client-a/0");
  ASSERT_TRUE(is_ceph_fuse_mount(mount_b)) << unit_status("client-b/0");

  // A mount of our own with a's key and path, to watch it lose access.
  const fs::path keyring_a = client_keyring("client-a");
  const std::string user_a = user_of(keyring_a);
  const std::string key_copy = copy_keyring(keyring_a);
  const std::string path_a = share_path("client-a/0");
  auto watcher = fuse_mount(user_a, key_copy, "cephfs", path_a);
  ASSERT_TRUE(watcher->mounted()) << watcher->output();
  ASSERT_TRUE(write_and_read(watcher->mountpoint(), "before.txt", "before\n"));

  remove_relation("proxy", "client-a");

  EXPECT_FALSE(is_ceph_fuse_mount(mount_a)) << "the client charm did not unmount";
  EXPECT_FALSE(fs::exists(keyring_a)) << "the client charm left its keyring behind";
  bool lost = false;
  const auto deadline = std::chrono::steady_clock::now() + seconds(20);
  for (int i = 0; !lost && std::chrono::steady_clock::now() < deadline; ++i) {
    const RunResult touch =
        run({"touch", watcher->mountpoint() + "/after-" + std::to_string(i)}, seconds(10));
    lost = touch.exit_code != 0;
    if (!lost) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  EXPECT_TRUE(lost) << "client." << user_a << " could still write after the relation was removed";
  auto again = fuse_mount(user_a, key_copy, "cephfs", path_a);
  EXPECT_FALSE(again->mounted());
  EXPECT_THAT(again->output(), HasSubstr("Permission denied"));
  EXPECT_FALSE(admin_->client_key(user_a).ok()) << "client." << user_a << " still exists";

  ASSERT_TRUE(is_ceph_fuse_mount(mount_b));
  EXPECT_TRUE(write_and_read(mount_b, "still.txt", "b still works\n"));
}

TEST_F(CharmsE2e, RotatingCredentialsRemountsTheClientWithTheNewKey) {
  deploy_provisioner("proxy");
  const std::string mountpoint = deploy_client("client");
  relate("proxy", "client");
  ok({"settle"});
  ASSERT_TRUE(is_ceph_fuse_mount(mountpoint)) << unit_status("client/0");
  const fs::path keyring = client_keyring("client");
  const std::string old_key = ini_value(keyring, "key");
  const std::string old_copy = copy_keyring(keyring);
  const std::string user = user_of(keyring);
  ASSERT_TRUE(write_and_read(mountpoint, "before.txt", "before rotation\n"));

  ok({"run", "proxy/0", "rotate-credentials"});
  ok({"settle"});

  const std::string new_key = ini_value(client_keyring("client"), "key");
  EXPECT_FALSE(new_key.empty());
  EXPECT_NE(new_key, old_key);
  ASSERT_TRUE(is_ceph_fuse_mount(mountpoint)) << unit_status("client/0");
  std::string content;
  EXPECT_TRUE(read_file(mountpoint + "/before.txt", content));
  EXPECT_EQ(content, "before rotation\n");
  EXPECT_TRUE(write_and_read(mountpoint, "after.txt", "after rotation\n"));

  const std::string path = share_path("client/0");
  auto stale = fuse_mount(user, old_copy, "cephfs", path);
  EXPECT_FALSE(stale->mounted()) << "the old key still mounts";
}

TEST_F(CharmsE2e, TheProxyModeServesAStaticShareFromConfig) {
  // An operator's share: a subvolume and a client made outside Juju.
  const SubvolumeId id{"cephfs", "static-" + group_, ""};
  auto subvolume = admin_->create_subvolume({.id = id, .size_bytes = {}});
  ASSERT_TRUE(subvolume.ok()) << subvolume.error().message;
  extra_subvolumes_.push_back(id);
  const std::string user = "static-" + group_;
  auto key = admin_->authorize_client(id, user, Access::kReadWrite);
  ASSERT_TRUE(key.ok()) << key.error().message;
  extra_clients_.push_back(user);
  auto fsid = admin_->fsid();
  ASSERT_TRUE(fsid.ok());

  ok({"deploy", "proxy", proxy_charm(), "--config", "fsid=" + *fsid,
      "sharepoint=cephfs:" + subvolume->path, "monitor-hosts=" + mon_host_,
      "auth-info=" + user + ":" + key->key});
  const std::string mountpoint = deploy_client("client");
  relate("proxy", "client");
  ok({"settle"});
  EXPECT_EQ(unit_status("proxy/0"),
            json::parse(R"({"current":"active","message":"Exporting share"})"));
  ASSERT_TRUE(is_ceph_fuse_mount(mountpoint)) << unit_status("client/0");
  EXPECT_TRUE(write_and_read(mountpoint, "static.txt", "static share\n"));
}

TEST_F(CharmsE2e, AShareOnTheSecondFileSystemReachesCephFuseWithItsFsName) {
  const std::string second = env_or("STORAGE_LIBS_CEPH_SECOND_FS", "cephfs2");
  deploy_provisioner("proxy", second);
  const std::string mountpoint = deploy_client("client");
  relate("proxy", "client");
  ok({"settle"});
  ASSERT_TRUE(is_ceph_fuse_mount(mountpoint)) << unit_status("client/0");
  ASSERT_TRUE(write_and_read(mountpoint, "fs2.txt", "on the second fs\n"));

  // The admin sees the file on the second file system, at the published path.
  const std::string path = share_path("client/0");
  auto admin_view = fuse_mount("admin", admin_keyring_, second, path);
  ASSERT_TRUE(admin_view->mounted()) << admin_view->output();
  std::string content;
  EXPECT_TRUE(read_file(admin_view->mountpoint() + "/fs2.txt", content));
  EXPECT_EQ(content, "on the second fs\n");
}

// ---- ownership (docs/charms.md, "Names and ownership") -----------------------------------------

// A cephfs_share requirer that only asks for a share named `name` (no mount): the same request as
// a cephfs-client, without the machine-wide files two models on one host would share.
std::string CharmsE2e::write_requester(const std::string& name, bool subordinate) {
  std::string metadata = "requires:\n  cephfs-share:\n    interface: cephfs_share\n    limit: 1\n";
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

TEST_F(CharmsE2e, TwoModelsWithTheSameBundleOnOneClusterStayIsolated) {
  // Model A: a proxy and a mounted client.
  deploy_provisioner("proxy");
  const std::string mountpoint = deploy_client("client");
  relate("proxy", "client");
  ok({"settle"});
  ASSERT_TRUE(is_ceph_fuse_mount(mountpoint)) << unit_status("client/0");
  const std::string user_a = user_of(client_keyring("client"));
  const std::string key_a = ini_value(client_keyring("client"), "key");
  const std::string path_a = share_path("client/0");
  const std::string relation_id = std::to_string(share_relation_id("client/0"));
  ASSERT_EQ(user_a, "proxy.b1f9a3c2." + relation_id);  // juju-sim's default model UUID

  // Model B on the same cluster, built the same way: the same application names, relation ids
  // and request (a requester shaped like cephfs-client, without the machine-wide files).
  const std::string model_a = model_;
  model_ = dir_ + "/model-b";
  // Whatever happens below, B's relation goes (its client revoked, its data deleted) and TearDown
  // cleans model A.
  using Self = std::remove_reference_t<decltype(*this)>;  // protected members: the test's type
  struct BackToModelA {
    Self& test;
    std::string model_a;
    bool related_b = false;
    ~BackToModelA() {
      if (related_b) {
        test.sim({"remove-relation", "proxy:cephfs-share", "client:cephfs-share"});
        test.sim({"settle"});
      }
      test.model_ = model_a;
    }
  } back{*this, model_a};
  ok({"init", "--uuid", "5e7d0c41-9a2b-4c3d-8e1f-0a1b2c3d4e5f"});
  ok({"deploy", "ubuntu", write_charm("ubuntu", "", {})});
  deploy_provisioner("proxy");
  ok({"deploy", "client", write_requester(mountpoint, /*subordinate=*/true)});
  ok({"relate", "ubuntu:juju-info", "client:juju-info"});
  ok({"relate", "proxy:cephfs-share", "client:cephfs-share"});
  back.related_b = true;
  ok({"settle"});
  ASSERT_EQ(std::to_string(share_relation_id("client/0")), relation_id);
  const std::string user_b = "proxy.5e7d0c41." + relation_id;
  auto key_b = admin_->client_key(user_b);
  ASSERT_TRUE(key_b.ok()) << key_b.error().message << "; " << unit_status("proxy/0");
  EXPECT_NE(key_b->key, key_a);
  EXPECT_NE(share_path("client/0"), path_a);

  // B's relation ends (its data deleted: delete-data-on-revoke): A is untouched.
  ok({"remove-relation", "proxy:cephfs-share", "client:cephfs-share"});
  back.related_b = false;
  ok({"settle"});
  EXPECT_FALSE(admin_->client_key(user_b).ok());
  model_ = model_a;
  auto still = admin_->client_key(user_a);
  ASSERT_TRUE(still.ok()) << still.error().message;
  EXPECT_EQ(still->key, key_a);
  EXPECT_TRUE(is_ceph_fuse_mount(mountpoint));
  EXPECT_TRUE(write_and_read(mountpoint, "after-b.txt", "A still writes\n"));
}

TEST_F(CharmsE2e, AnAppAndNameSplitDifferentlyDoNotShareASubvolume) {
  deploy_provisioner("proxy");
  ok({"deploy", "foo", write_requester("bar-x")});
  ok({"deploy", "foo-bar", write_requester("x")});
  ok({"relate", "proxy:cephfs-share", "foo:cephfs-share"});
  ok({"relate", "proxy:cephfs-share", "foo-bar:cephfs-share"});
  relations_.emplace_back("proxy", "foo");
  relations_.emplace_back("proxy", "foo-bar");
  ok({"settle"});
  EXPECT_EQ(unit_status("proxy/0")["message"], "Provisioning 2 shares on cephfs");
  const std::string foo = share_path("foo/0");
  const std::string foo_bar = share_path("foo-bar/0");
  EXPECT_THAT(foo, HasSubstr("/foo.bar-x.b1f9a3c2."));
  EXPECT_THAT(foo_bar, HasSubstr("/foo-bar.x.b1f9a3c2."));
  EXPECT_NE(foo, foo_bar);
}

TEST_F(CharmsE2e, AForeignSubvolumeWithTheNameTheProxyWouldPickIsNotAdopted) {
  // Someone made the very subvolume the proxy will compute, by hand (no ownership mark).
  const cephfs_server_proxy::Deployment deployment{"b1f9a3c2-5d4e-4f60-8a7b-9c0d1e2f3a4b", "proxy"};
  const SubvolumeId foreign{
      "cephfs", cephfs_server_proxy::owned_subvolume_name(deployment, "squat", "data"), group_};
  auto made = admin_->create_subvolume({.id = foreign, .size_bytes = {}});
  ASSERT_TRUE(made.ok()) << made.error().message;
  extra_subvolumes_.push_back(foreign);
  deploy_provisioner("proxy");
  ok({"deploy", "squat", write_requester("data")});
  relate("proxy", "squat");
  ok({"settle"});
  const json status = unit_status("proxy/0");
  EXPECT_EQ(status["current"], "blocked");
  EXPECT_THAT(status["message"].get<std::string>(),
              HasSubstr("subvolume cephfs/" + group_ + "/" + foreign.name +
                        " exists but was not created for this share"));
  auto info = admin_->subvolume_info(foreign);
  ASSERT_TRUE(info.ok()) << "the foreign subvolume was removed";
  EXPECT_EQ(info->path, made->path);
  EXPECT_THAT(ok({"show-unit", "squat/0"}), Not(HasSubstr("share_info")));
  auto mark = admin_->owner_mark("cephfs", cephfs_server_proxy::subvolume_mark_object(foreign));
  ASSERT_TRUE(mark.ok()) << mark.error().message;
  EXPECT_EQ(*mark, std::nullopt);
}

// Secret hygiene in provisioning mode (docs/reliability.md): the keys Ceph issues, unknown before
// the run and read afterwards with the admin connection, and their rotation, never reach an argv
// (hook tools, from juju-sim's raw argv log; the command line and environment of every process
// while mounted, ceph-fuse included), the trace, a status, a juju-log line, an action result, the
// juju-sim database outside its secret store, or a file other than a 0600 file of root
// (SecretScanner, tools/juju-sim/tests/secret_scan.h). Mountpoints under /mnt; the charms'
// temporary files (TMPDIR) under the scanned test directory.
class SecretHygieneE2e : public CharmsE2e {
 protected:
  void SetUp() override {
    CharmsE2e::SetUp();
    if (HasFatalFailure()) return;
    ::mkdir("/mnt", 0755);  // root's, 0755: the client refuses user-writable trees like /tmp
    char pattern[] = "/mnt/sl-e2e-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr) << "cannot create a mount root under /mnt";
    mount_root_ = pattern;
    raw_argv_log_ = dir_ + "/raw-argv.log";
    tmp_dir_ = dir_ + "/tmp";
    fs::create_directories(tmp_dir_);
    if (const char* tmpdir = std::getenv("TMPDIR")) saved_tmpdir_ = tmpdir;
    ::setenv("TMPDIR", tmp_dir_.c_str(), 1);
    ::setenv("JUJU_SIM_RAW_ARGV_LOG", raw_argv_log_.c_str(), 1);
  }

  void TearDown() override {
    CharmsE2e::TearDown();
    ::unsetenv("JUJU_SIM_RAW_ARGV_LOG");
    if (saved_tmpdir_) {
      ::setenv("TMPDIR", saved_tmpdir_->c_str(), 1);
    } else {
      ::unsetenv("TMPDIR");
    }
  }

  // Runs the CLI, expecting success, and keeps what it printed for the scan.
  std::string run_cli(const std::vector<std::string>& args) {
    const CliResult result = sim(args);
    EXPECT_EQ(result.exit_code, 0) << "juju-sim " << args[0] << ": " << result.err;
    cli_text_ += result.out + result.err;
    return result.out;
  }

  // The key files of `app` in the client's key directory, checking that the directory is 0700
  // and owned by root, and each of them 0600 owned by root.
  std::vector<std::string> checked_key_files(const std::string& app, const std::string& when) {
    std::vector<std::string> names;
    const fs::path dir = "/etc/ceph/cephfs-client";
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0) return names;
    EXPECT_EQ(st.st_mode & 07777, 0700U) << dir << " " << when;
    EXPECT_EQ(st.st_uid, 0U) << dir << " " << when;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const std::string name = entry.path().filename().string();
      if (!name.starts_with(app + ".")) continue;
      names.push_back(name);
      EXPECT_EQ(::lstat(entry.path().c_str(), &st), 0);
      EXPECT_EQ(st.st_mode & 07777, 0600U) << entry.path() << " " << when;
      EXPECT_EQ(st.st_uid, 0U) << entry.path() << " " << when;
    }
    return names;
  }

  // Pids of the processes whose command line mentions `text`.
  static std::vector<std::string> processes_mentioning(const std::string& text) {
    std::vector<std::string> pids;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/proc", ec)) {
      const std::string cmdline = read_text(entry.path().string() + "/cmdline");
      if (cmdline.find(text) != std::string::npos) pids.push_back(entry.path().filename());
    }
    return pids;
  }

  // Checks the command line and environment of every running process for `keys` now; the
  // findings are kept for the final report.
  void scan_processes_now(const std::vector<std::string>& keys, const std::string& when) {
    SecretScanner scan(needles(keys));
    const int processes = scan.scan_processes();
    EXPECT_GT(processes, 1);
    RecordProperty("processes_scanned_" + std::to_string(++checkpoints_), processes);
    for (const auto& finding : scan.findings()) process_findings_.push_back(when + ": " + finding);
  }

  std::vector<std::string> needles(const std::vector<std::string>& keys) const {
    std::vector<std::string> all;
    for (const auto& key : keys) {
      for (auto& needle : cephx_key_needles(key)) all.push_back(std::move(needle));
    }
    return all;
  }

  std::string raw_argv_log_;
  std::string tmp_dir_;
  std::optional<std::string> saved_tmpdir_;
  std::string cli_text_;
  std::vector<std::string> process_findings_;
  int checkpoints_ = 0;
};

TEST_F(SecretHygieneE2e, IssuedAndRotatedKeysStayInTheSecretStoreAnd0600Files) {
  const std::string proxy = "hygiene-proxy";
  const std::string client = "hygiene-client";
  deploy_provisioner(proxy);
  const std::string mountpoint = deploy_client(client);
  ASSERT_THAT(mountpoint, StartsWith("/mnt/sl-e2e-"));
  relate(proxy, client);
  run_cli({"settle"});
  // A manager that is still busy right after the cluster started may answer without data; the
  // proxy then waits for a later hook. A config change is that later hook (bounded).
  for (int retry = 1; retry <= 3 && !is_ceph_fuse_mount(mountpoint); ++retry) {
    run_cli({"config", proxy, "ceph-timeout=" + std::to_string(30 + retry)});
    run_cli({"settle"});
  }
  ASSERT_TRUE(is_ceph_fuse_mount(mountpoint))
      << unit_status(client + "/0") << " " << unit_status(proxy + "/0");
  ASSERT_TRUE(write_and_read(mountpoint, "hygiene.txt", "mounted\n"));

  // The key Ceph issued, read after the fact with the admin connection.
  const std::string user = user_of(client_keyring(client));
  ASSERT_FALSE(user.empty());
  auto issued = admin_->client_key(user);
  ASSERT_TRUE(issued.ok()) << issued.error().message;
  const std::string old_key = issued->key;
  ASSERT_EQ(ini_value(client_keyring(client), "key"), old_key);
  EXPECT_THAT(checked_key_files(client, "while mounted"), Not(::testing::IsEmpty()));
  // The ceph-fuse daemon is running: its argv is in the process scan.
  EXPECT_THAT(processes_mentioning(mountpoint), Not(::testing::IsEmpty()));
  scan_processes_now({old_key}, "while mounted");
  run_cli({"run", client + "/0", "mount-info"});

  run_cli({"run", proxy + "/0", "rotate-credentials"});
  run_cli({"settle"});
  auto rotated = admin_->client_key(user);
  ASSERT_TRUE(rotated.ok()) << rotated.error().message;
  const std::string new_key = rotated->key;
  ASSERT_NE(new_key, old_key);
  ASSERT_EQ(ini_value(client_keyring(client), "key"), new_key) << unit_status(client + "/0");
  ASSERT_TRUE(is_ceph_fuse_mount(mountpoint)) << unit_status(client + "/0");
  EXPECT_THAT(checked_key_files(client, "after rotation"), Not(::testing::IsEmpty()));
  scan_processes_now({old_key, new_key}, "after rotation");
  run_cli({"run", client + "/0", "mount-info"});

  remove_relation(proxy, client);
  EXPECT_THAT(checked_key_files(client, "after remove-relation"), ::testing::IsEmpty());

  // Both keys, and the admin key the proxy provisions with, everywhere.
  const std::string admin_key = ini_value(provisioner_keyring_, "key");
  ASSERT_FALSE(admin_key.empty()) << "no key in " << provisioner_keyring_;
  SecretScanner scan(needles({old_key, new_key, admin_key}));
  const long tool_calls =
      scan.scan_reports([this](const std::vector<std::string>& args) { return run_cli(args); });
  scan.scan_text("cli output (settle, action results, reports)", cli_text_);
  const int records = scan.scan_raw_argv_log(raw_argv_log_);
  EXPECT_EQ(records, tool_calls);
  RecordProperty("hook_tool_calls_scanned", records);
  scan.scan_database(model_ + "/state.db");
  scan.scan_files(dir_);
  for (const char* place :
       {"/etc/ceph/cephfs-client", "/etc/fstab", "/etc/systemd/system", "/var/log/ceph"}) {
    if (fs::exists(place)) scan.scan_files(place);
  }
  // The issued key did reach the places it belongs (the secret store of state.db, a 0600 file).
  EXPECT_GE(scan.allowed_files(), 1);
  std::vector<std::string> findings = scan.findings();
  findings.insert(findings.end(), process_findings_.begin(), process_findings_.end());
  EXPECT_THAT(findings, ::testing::IsEmpty());
}

}  // namespace
}  // namespace cephfs::e2e
