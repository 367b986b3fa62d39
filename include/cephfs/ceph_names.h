// Names the Ceph admin interface accepts: subvolume and subvolume group names, cephx client ids.
//
// Names reach Ceph as path components (/volumes/<group>/<subvolume>/...) and as parts of cephx
// caps, so they are checked strictly before any command is sent, and a name can never escape its
// parent directory:
//  - subvolume and group names: 1-64 characters from [A-Za-z0-9_.-], not starting with '.', '-'
//    or '_' (so never "." or "..", never option-like, never one of the volumes module's reserved
//    "_nogroup", "_deleting", "_index", "_legacy" directories), no '/' anywhere;
//  - client ids: 1-64 characters from [A-Za-z0-9_.-], not starting with '.' or '-', and without
//    the "client." prefix (Ceph would read "client.alice" as the id of client.client.alice).
// The validate_* functions reject a bad name (kInvalidArgument, with the name and the rule); they
// never change it. sanitize_name() is for callers that derive a name from user input (a share
// name in relation data): it maps any string to a valid name, deterministically.
//
// Example:
//   auto status = cephfs::validate_subvolume_name(request.name);   // "../x" -> kInvalidArgument
//   std::string name = cephfs::sanitize_name("team/../share");     // "team-share-<8 hex>"
#pragma once

#include <string>
#include <string_view>

#include "ops/result.h"

namespace cephfs {

inline constexpr std::size_t kMaxNameLength = 64;

ops::Status validate_subvolume_name(std::string_view name);
ops::Status validate_group_name(std::string_view name);  // "" (the default group) is valid
ops::Status validate_client_id(std::string_view id);

// A valid subvolume/group name or client id for any input. Characters outside [A-Za-z0-9_.-]
// become '-', runs of '-' collapse, leading '.', '-', '_' and trailing '-' are dropped, and the
// result is cut to fit. When that changed the input, "-" and 8 hex digits of a hash of the whole
// input are appended, so "a/b" and "a-b" stay distinct; valid names come back unchanged. An input
// with nothing usable gives "share-<hash>".
std::string sanitize_name(std::string_view raw);

}  // namespace cephfs
