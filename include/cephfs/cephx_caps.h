// The cephx capabilities that confine a client to one namespace-isolated subvolume.
//
// Why not `fs authorize <fs> client.x <path> rw`: its osd cap ("allow rw tag cephfs data=<fs>")
// covers the whole data pool, and file objects are named after guessable inode numbers, so a
// client could read and overwrite other clients' file data through RADOS. A subvolume created
// with --namespace-isolated keeps its file data in its own RADOS namespace; these caps allow only
// that namespace:
//
//   mon "allow r fsname=<fs>"
//   mds "allow rw fsname=<fs> path=<subvolume path>"       ("allow r ..." for read-only)
//   osd "allow rw pool=<data pool> namespace=<namespace>"  ("allow r ..." for read-only)
//
// (the same shape as `fs subvolume authorize`, plus fsname= so the key is also bound to one file
// system). Verified against Ceph 16.2: another namespace is "Operation not permitted" for rados,
// another path is EPERM for a mount.
#pragma once

#include <string>

#include "ops/result.h"

namespace cephfs {

enum class Access { kReadWrite, kReadOnly };

struct CephxCaps {
  std::string mon;
  std::string mds;
  std::string osd;

  friend bool operator==(const CephxCaps&, const CephxCaps&) = default;
};

// Caps for a subvolume. Every argument must be non-empty and made of characters that cannot
// change the meaning of a cap string ([A-Za-z0-9_.-], and '/' in the path, which must be
// absolute); otherwise kInvalidArgument, naming the argument.
ops::Result<CephxCaps> subvolume_caps(const std::string& fs_name, const std::string& path,
                                      const std::string& data_pool,
                                      const std::string& pool_namespace, Access access);

}  // namespace cephfs
