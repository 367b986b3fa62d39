// ProvisionRecord: what the provisioning mode created for one cephfs-share relation, kept in the
// application bag of the `proxy` peer relation so that every unit, and so any future leader,
// knows it (the leader writes, every unit reads).
//
// Bag layout: key "provisioned-<relation id>", value a JSON object
//   {"fs": "cephfs", "group": "cephfs-share", "subvolume": "web.data.3f1a7c2e.91bd04c2aa",
//    "client": "proxy.3f1a7c2e.3", "owner": "<model uuid>/<proxy app>", "app": "web",
//    "name": "data"}
// "owner", "app" and "name" say the objects carry ownership marks (share_ownership.h). A record
// without them was written before ownership marks existed (names "<app>-<name>" and
// "<proxy app>-<relation id>"): it is honoured as it is, without mark checks, until its relation
// ends.
// Never a key: the cephx key lives in Ceph and in the library's credentials secret only.
//
// A record outlives its relation when revocation failed (Ceph unreachable); it is then "pending"
// and the leader retries until Ceph confirms.
//
// Example:
//   auto records = records_from_bag(peer->data[app()].items());
//   peer->data[app()].set(record_key(7), encode_record(record));
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "cephfs/ceph_admin.h"
#include "ops/backend.h"
#include "ops/result.h"

namespace cephfs_server_proxy {

struct ProvisionRecord {
  int relation_id = 0;
  cephfs::SubvolumeId subvolume;
  std::string client_id;  // without "client."
  // Empty for a record made before ownership marks (see above).
  std::string owner{};
  std::string app{};   // the remote application
  std::string name{};  // the share name it requested, as it requested it

  bool owned() const { return !owner.empty(); }

  friend bool operator==(const ProvisionRecord&, const ProvisionRecord&) = default;
};

// "provisioned-<relation id>"
std::string record_key(int relation_id);

std::string encode_record(const ProvisionRecord& record);

// Errors: kInvalidData when the value is not the JSON object above with non-empty names.
ops::Result<ProvisionRecord> decode_record(int relation_id, std::string_view value);

// Every record of the bag, by relation id. A value that does not decode is logged (WARNING) and
// skipped; other keys are ignored.
std::map<int, ProvisionRecord> records_from_bag(const ops::Bag& bag);

}  // namespace cephfs_server_proxy
