// FakeCephAdmin: an in-memory CephAdmin for unit tests of charms.
//
// It keeps file systems, subvolumes, clients (key + caps) and open sessions the way Ceph does for
// the calls a provider makes, records every call, and fails calls on demand:
//
//   cephfs::testing::FakeCephAdmin ceph;                 // one file system, "cephfs"
//   ceph.fail_next("authorize_client", {ops::ErrorCode::kUnavailable, "mon down"});
//   run_charm(ceph);
//   EXPECT_THAT(ceph.calls(), ElementsAre("create_subvolume cephfs/_nogroup/share",
//                                         "authorize_client cephfs/_nogroup/share alice rw"));
//   EXPECT_FALSE(ceph.has_client("alice"));
//
// Behaviour it reproduces: names are validated as the real implementation does; a missing file
// system or subvolume is kInvalidArgument; authorize_client is idempotent with equal caps and
// kInvalidArgument with other caps; remove_client and remove_subvolume of absent things succeed;
// evict_client ends the client's sessions (open_session() adds one) but keeps its key; ownership
// marks are created exclusively (claim_owner_mark of an existing mark returns false). Keys are
// deterministic fake base64 strings, distinct per client. An injected failure is returned before
// the state changes, and the call is still recorded.
//
// Not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cephfs/ceph_admin.h"

namespace cephfs::testing {

class FakeCephAdmin : public CephAdmin {
 public:
  struct Client {
    std::string key;
    CephxCaps caps;
  };

  FakeCephAdmin();

  // --- the state, for tests to set up and inspect ---
  std::string fsid_value = "7c5a1d6e-0000-4000-8000-00000000f51d";
  std::vector<MonitorAddrvec> monitors = {{"v2:10.0.0.1:3300", "v1:10.0.0.1:6789"}};
  std::set<std::string> volumes = {"cephfs"};
  std::map<std::string, Subvolume> subvolumes;  // by "<fs>/<group or _nogroup>/<name>"
  std::map<std::string, Client> clients;        // by client id (no "client." prefix)
  // Ownership marks by "<fs>/<object>"; tests plant foreign or corrupt ones here.
  std::map<std::string, std::string> marks;
  // Called by claim_owner_mark() after it found no mark and before it creates one: a test plants
  // a competing mark (or subvolume, client) here to act out a creation race.
  std::function<void()> before_claim;

  bool has_client(const std::string& id) const { return clients.count(id) != 0; }
  bool has_subvolume(const SubvolumeId& id) const;
  // A mount by the client: a session that lasts until evict_client(), even after
  // remove_client(), as in Ceph. False (and no session) when the client has no key.
  bool open_session(const std::string& client_id);
  int sessions(const std::string& client_id) const;

  // Every call, in order, e.g. "create_subvolume cephfs/_nogroup/a size=1024",
  // "authorize_client cephfs/_nogroup/a alice rw", "revoke_client alice" (followed by its
  // "remove_client alice" and "evict_client alice").
  const std::vector<std::string>& calls() const { return calls_; }
  void clear_calls() { calls_.clear(); }

  // The next `times` calls of `method` (its name, e.g. "evict_client") fail with `error`.
  void fail_next(const std::string& method, ops::Error error, int times = 1);
  // Every call of `method` fails with `error` until clear_failures().
  void fail_always(const std::string& method, ops::Error error);
  void clear_failures();

  // --- CephAdmin ---
  ops::Result<std::string> fsid() override;
  ops::Result<std::vector<MonitorAddrvec>> monitor_addresses() override;
  ops::Result<std::vector<std::string>> list_volumes() override;
  ops::Result<Subvolume> create_subvolume(const SubvolumeRequest& request) override;
  ops::Result<Subvolume> subvolume_info(const SubvolumeId& id) override;
  ops::Result<std::string> subvolume_path(const SubvolumeId& id) override;
  ops::Status remove_subvolume(const SubvolumeId& id) override;
  ops::Result<ClientKey> authorize_client(const SubvolumeId& subvolume,
                                          const std::string& client_id, Access access) override;
  ops::Result<ClientKey> client_key(const std::string& client_id) override;
  ops::Status remove_client(const std::string& client_id) override;
  ops::Result<int> evict_client(const std::string& client_id) override;
  ops::Result<std::optional<std::string>> owner_mark(const std::string& fs_name,
                                                     const std::string& object) override;
  ops::Result<bool> claim_owner_mark(const std::string& fs_name, const std::string& object,
                                     const std::string& content) override;
  ops::Status remove_owner_mark(const std::string& fs_name, const std::string& object) override;

 private:
  struct Failure {
    ops::Error error;
    int remaining;  // < 0: always
  };
  // Records the call; returns the injected failure for `method`, if any.
  const ops::Error* begin(const std::string& method, const std::string& call);
  ops::Result<Subvolume> find(const SubvolumeId& id) const;

  std::vector<std::string> calls_;
  std::map<std::string, std::deque<Failure>> failures_;
  std::map<std::string, int> sessions_;  // by client id
  ops::Error current_failure_;
  std::uint64_t next_key_ = 1;
};

// A CephAdmin that forwards every call to a FakeCephAdmin it does not own. Charms take a factory
// that returns a new std::unique_ptr<CephAdmin> per hook; handing them one of these keeps the
// fake (and its state and call log) alive across hooks:
//   [&ceph](const ConnectOptions&) -> ops::Result<std::unique_ptr<CephAdmin>> {
//     return std::unique_ptr<CephAdmin>(new ForwardingCephAdmin(ceph));
//   }
class ForwardingCephAdmin : public CephAdmin {
 public:
  explicit ForwardingCephAdmin(FakeCephAdmin& fake) : fake_(fake) {}
  ops::Result<std::string> fsid() override { return fake_.fsid(); }
  ops::Result<std::vector<MonitorAddrvec>> monitor_addresses() override {
    return fake_.monitor_addresses();
  }
  ops::Result<std::vector<std::string>> list_volumes() override { return fake_.list_volumes(); }
  ops::Result<Subvolume> create_subvolume(const SubvolumeRequest& request) override {
    return fake_.create_subvolume(request);
  }
  ops::Result<Subvolume> subvolume_info(const SubvolumeId& id) override {
    return fake_.subvolume_info(id);
  }
  ops::Result<std::string> subvolume_path(const SubvolumeId& id) override {
    return fake_.subvolume_path(id);
  }
  ops::Status remove_subvolume(const SubvolumeId& id) override {
    return fake_.remove_subvolume(id);
  }
  ops::Result<ClientKey> authorize_client(const SubvolumeId& subvolume,
                                          const std::string& client_id, Access access) override {
    return fake_.authorize_client(subvolume, client_id, access);
  }
  ops::Result<ClientKey> client_key(const std::string& client_id) override {
    return fake_.client_key(client_id);
  }
  ops::Status remove_client(const std::string& client_id) override {
    return fake_.remove_client(client_id);
  }
  ops::Result<int> evict_client(const std::string& client_id) override {
    return fake_.evict_client(client_id);
  }
  ops::Result<std::optional<std::string>> owner_mark(const std::string& fs_name,
                                                     const std::string& object) override {
    return fake_.owner_mark(fs_name, object);
  }
  ops::Result<bool> claim_owner_mark(const std::string& fs_name, const std::string& object,
                                     const std::string& content) override {
    return fake_.claim_owner_mark(fs_name, object, content);
  }
  ops::Status remove_owner_mark(const std::string& fs_name, const std::string& object) override {
    return fake_.remove_owner_mark(fs_name, object);
  }

 private:
  FakeCephAdmin& fake_;
};

}  // namespace cephfs::testing
