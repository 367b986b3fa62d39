// ProvisionRecord: what the provisioning mode created for one cephfs-share relation, kept in the
// application bag of the `proxy` peer relation so that every unit, and so any future leader,
// knows it (the leader writes, every unit reads).
//
// Bag layout: key "provisioned-<relation id>", value a JSON object
//   {"fs": "cephfs", "group": "cephfs-share", "subvolume": "app-data", "client": "proxy-3"}
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
