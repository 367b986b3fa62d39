// Mountpoint guard: the checks that keep a mount made as root from being redirected by a local
// unprivileged user.
//
// The charm runs as root and mounts at a path that comes from configuration (later from a
// principal charm). If a user can change any directory on that path — replace it by a symlink,
// or own it and rename or swap what is below it — a root mount (and the files the charm writes
// there) lands where the user chose: over /etc, over another user's home, anywhere. So every
// component of the mountpoint that exists must be a real directory (never a symlink), owned by
// the trusted user (root in production) and not writable by group or others. A path made only of
// such directories can only be changed by root, so a check followed by a mount is safe: no
// unprivileged user can change the path between the two.
//
// `root` prefixes the mountpoint ("/" in production, a temporary directory in tests) and is
// trusted: it is opened as given and never checked. Each component below it is opened with
// openat(parent, name, O_PATH | O_NOFOLLOW) and inspected through that descriptor, so no symlink
// is ever followed and what is checked is what the next step walks through. Owner and mode come
// from statx(AT_STATX_DONT_SYNC), which does not wait for a network file system.
//
// One exception: when the final component is the root of a mount (a share mounted there
// earlier, remounted now), its owner and mode are those of the mounted file system, not of the
// directory below, so only the symlink and directory checks apply to it.
//
// The mountpoint must be absolute and normalised (validate_mountpoint); otherwise
// kInvalidArgument. Errors:
//   kInvalidArgument  an unsafe component, as a status text, e.g. "mountpoint '/srv/a/b' unsafe:
//                     /srv/a is a symlink; ..." ("is owned by uid 1000, not root", "is writable
//                     by group or others", "is not a directory"); paths are the mountpoint's,
//                     without the root prefix.
//   kIoError          the root or a component cannot be opened or created (errno text).
//
// Example:
//   if (auto safe = check_mountpoint_components("/", "/srv/data", 0); !safe) return safe;
//   auto created = create_mountpoint_directories("/", "/srv/data", 0);  // true: made /srv/data
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string_view>

#include "ops/result.h"

namespace cephfs_client {

// Checks each existing component of `mountpoint` below `root`, from the top; stops at the first
// one that does not exist (nothing below it exists either, and creating it is safe).
ops::Status check_mountpoint_components(const std::filesystem::path& root,
                                        std::string_view mountpoint, uid_t trusted_uid);

// Checks, then creates the missing components of `mountpoint` below `root` one at a time
// (mkdirat in the parent's descriptor, mode 0755 whatever the umask, owned by `trusted_uid`),
// never following a symlink, and checks the whole path again afterwards. A component that
// appears concurrently (EEXIST) is opened without following symlinks and checked like any other.
// Returns whether it created the final directory.
ops::Result<bool> create_mountpoint_directories(const std::filesystem::path& root,
                                                std::string_view mountpoint, uid_t trusted_uid);

}  // namespace cephfs_client
