// Both interface generations from one provisioning proxy on the real cluster (issue 17): a
// cephfs-client over cephfs_share and a filesystem-client over filesystem_info, related to the
// same cephfs-server-proxy at the same time. Each gets its own subvolume and cephx key, both mount
// with ceph-fuse, neither can reach the other's data, and removing either relation revokes only
// its own key.
#include "charms_e2e_fixture.h"

namespace cephfs::e2e {
namespace {

TEST_F(CharmsE2e, OneProxyServesBothGenerationsIsolatedAndRevokesEach) {
  deploy_provisioner("proxy");
  const std::string mount_old = deploy_client("client");
  const std::string mount_new = mount_root() + "/fsclient";
  mountpoints_.push_back(mount_new);
  ok({"deploy", "fsclient", FILESYSTEM_CLIENT_CHARM_FILE, "--config", "mountpoint=" + mount_new});
  ok({"relate", "ubuntu:juju-info", "fsclient:juju-info"});
  relate("proxy", "client");
  ok({"relate", "proxy:filesystem", "fsclient:filesystem"});
  ok({"settle"});

  ASSERT_TRUE(is_ceph_fuse_mount(mount_old)) << unit_status("client/0");
  ASSERT_TRUE(is_ceph_fuse_mount(mount_new)) << unit_status("fsclient/0");
  EXPECT_EQ(unit_status("fsclient/0")["current"], "active") << unit_status("fsclient/0");
  EXPECT_EQ(unit_status("proxy/0")["current"], "active") << unit_status("proxy/0");
  ASSERT_TRUE(write_and_read(mount_old, "old.txt", "over cephfs_share\n"));
  ASSERT_TRUE(write_and_read(mount_new, "new.txt", "over filesystem_info\n"));
  EXPECT_FALSE(fs::exists(mount_old + "/new.txt"));
  EXPECT_FALSE(fs::exists(mount_new + "/old.txt"));

  const fs::path keyring_old = client_keyring("client");
  const fs::path keyring_new = client_keyring("fsclient");
  ASSERT_FALSE(keyring_old.empty());
  ASSERT_FALSE(keyring_new.empty()) << "no keyring of fsclient in /etc/ceph/cephfs-client";
  const std::string user_old = user_of(keyring_old);
  const std::string user_new = user_of(keyring_new);
  ASSERT_FALSE(user_new.empty());
  EXPECT_NE(user_old, user_new);

  // The filesystem_info client's key cannot mount the cephfs_share client's subvolume.
  const std::string key_new = copy_keyring(keyring_new);
  auto intruder = fuse_mount(user_new, key_new, "cephfs", share_path("client/0"));
  EXPECT_FALSE(intruder->mounted()) << "client." << user_new << " mounted the other share";

  // Removing the filesystem relation unmounts, removes the key file and revokes the key.
  ok({"remove-relation", "proxy:filesystem", "fsclient:filesystem"});
  ok({"settle"});
  EXPECT_FALSE(is_ceph_fuse_mount(mount_new)) << unit_status("fsclient/0");
  EXPECT_FALSE(fs::exists(keyring_new));
  EXPECT_FALSE(admin_->client_key(user_new).ok()) << "client." << user_new << " still exists";
  ASSERT_TRUE(is_ceph_fuse_mount(mount_old));
  EXPECT_TRUE(write_and_read(mount_old, "still.txt", "cephfs_share still works\n"));

  // And the other generation's relation is revoked the same way.
  remove_relation("proxy", "client");
  EXPECT_FALSE(is_ceph_fuse_mount(mount_old));
  EXPECT_FALSE(admin_->client_key(user_old).ok()) << "client." << user_old << " still exists";
}

}  // namespace
}  // namespace cephfs::e2e
