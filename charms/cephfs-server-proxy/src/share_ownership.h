// Names and ownership of what the provisioning mode creates in Ceph (docs/charms.md, "Names and
// ownership").
//
// Who "we" are: a Deployment, the model UUID (JUJU_MODEL_UUID) and the proxy application's name.
// Relation ids restart in every model and application names repeat across models, so every name
// carries the model's identity, and every subvolume name also an exact-input hash:
//
//   subvolume  <remote app>.<requested name>.<model uuid, 8 hex>.<hash, 10 hex>
//              e.g. "web.data.3f1a7c2e.91bd04c2aa"; the hash covers the full model UUID, the
//              proxy app, the remote app and the requested name, each length-prefixed, so
//              "foo" + "bar-x" and "foo-bar" + "x" differ even where the readable parts agree;
//   client     <proxy app>.<model uuid, 8 hex>.<relation id>, e.g. "proxy.3f1a7c2e.7"
//              (relation ids are unique within a model).
// Readable parts are cut and mapped to [A-Za-z0-9_-] so every name fits Ceph's 64-character rule
// (cephfs/ceph_names.h).
//
// Names only make collisions unlikely; ownership marks (cephfs::CephAdmin::owner_mark) make them
// harmless. Every subvolume and client is claimed with an exclusive mark before it is created,
// and is reused, revoked or deleted only while its mark says it is ours:
//   subvolume mark {"owner": "<model uuid>/<proxy app>", "app": <remote app>, "name": <requested>}
//     -> ours for the same application asking for the same name (a kept subvolume comes back);
//   client mark    {"owner": ..., "relation": <id>} -> ours for that relation.
// Anything else (no mark but the object exists, another owner, an unreadable mark) is a conflict:
// kInvalidArgument whose message names the object, whose it is, and the way out.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cephfs/ceph_admin.h"
#include "ops/result.h"

namespace cephfs_server_proxy {

struct Deployment {
  std::string model_uuid;
  std::string proxy_app;

  // "<model uuid>/<proxy app>": what ownership marks and records hold.
  std::string id() const { return model_uuid + "/" + proxy_app; }
};

// What a mark says. `relation` is used by client marks only; app/name by subvolume marks only.
struct OwnerMark {
  std::string owner{};
  std::string app{};
  std::string name{};
  int relation = -1;

  friend bool operator==(const OwnerMark&, const OwnerMark&) = default;
};

std::string encode_mark(const OwnerMark& mark);
// nullopt when `content` is not a mark this charm wrote.
std::optional<OwnerMark> decode_mark(std::string_view content);

// The names above. `requested_name` is the client's raw, untrusted request.
std::string owned_subvolume_name(const Deployment& deployment, std::string_view remote_app,
                                 std::string_view requested_name);
std::string owned_client_id(const Deployment& deployment, int relation_id);

// "subvolume:<group or _nogroup>:<name>" and "client:<id>" (in the file system's mark pool).
std::string subvolume_mark_object(const cephfs::SubvolumeId& id);
std::string client_mark_object(const std::string& client_id);

// Makes sure a subvolume / client is ours to use before it is created or reused: either its mark
// equals `want` already (it may or may not exist), or there was no mark and the object did not
// exist, and the mark was created now (exclusively: a racing claimant loses). A mark created here
// for an object that turns out to exist is removed again. Conflicts are kInvalidArgument; Ceph's
// errors are passed on.
struct Claim {
  bool claimed_now = false;  // the mark was created by this call: undo must remove it
};
ops::Result<Claim> claim_subvolume(cephfs::CephAdmin& ceph, const cephfs::SubvolumeId& id,
                                   const OwnerMark& want);
ops::Result<Claim> claim_client(cephfs::CephAdmin& ceph, const std::string& fs_name,
                                const std::string& client_id, const OwnerMark& want);

// Whether a subvolume / client may be revoked or deleted. Ours (its mark equals `want`): exists
// and marked_ours true (the object itself may be gone already). Not there and not ours: both
// false, nothing to do (a foreign mark is left alone). There but not ours (no mark, another
// owner, an unreadable mark): kInvalidArgument, a conflict.
struct Ownership {
  bool exists = false;
  bool marked_ours = false;
};
ops::Result<Ownership> check_client_owned(cephfs::CephAdmin& ceph, const std::string& fs_name,
                                          const std::string& client_id, const OwnerMark& want);
ops::Result<Ownership> check_subvolume_owned(cephfs::CephAdmin& ceph, const cephfs::SubvolumeId& id,
                                             const OwnerMark& want);

}  // namespace cephfs_server_proxy
