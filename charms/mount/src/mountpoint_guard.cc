#include "mountpoint_guard.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "file_descriptor.h"

#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT 0x00002000  // Linux 5.8; older headers lack it
#endif

namespace cephfs_client {
namespace {

// Printable and bounded: the mountpoint may come from a relation.
std::string shown(std::string_view path) {
  std::string out;
  for (char c : path.substr(0, 64)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (path.size() > 64) out += "...";
  return out;
}

std::string owner_name(uid_t uid) { return uid == 0 ? "root" : "uid " + std::to_string(uid); }

ops::Error unsafe(std::string_view mountpoint, std::string_view component, const std::string& why,
                  uid_t trusted_uid) {
  return ops::Error{ops::ErrorCode::kInvalidArgument,
                    "mountpoint '" + shown(mountpoint) + "' unsafe: " + shown(component) + " " +
                        why + "; every existing directory on the path must be a real directory " +
                        "owned by " + owner_name(trusted_uid) +
                        " and not writable by group or others"};
}

ops::Error io_error(const std::string& what, std::string_view component) {
  return ops::Error{ops::ErrorCode::kIoError,
                    what + " " + shown(component) + ": " + std::strerror(errno)};
}

// The segments of an absolute, normalised path ("/srv/a" -> {"srv", "a"}).
ops::Result<std::vector<std::string>> components_of(std::string_view mountpoint) {
  std::vector<std::string> out;
  const auto invalid = ops::Error{
      ops::ErrorCode::kInvalidArgument,
      "mountpoint '" + shown(mountpoint) + "' invalid: it must be an absolute, normalised path"};
  if (mountpoint.size() < 2 || mountpoint[0] != '/') return invalid;
  for (std::size_t start = 1; start <= mountpoint.size();) {
    auto end = mountpoint.find('/', start);
    if (end == std::string_view::npos) end = mountpoint.size();
    const auto segment = mountpoint.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") return invalid;
    out.emplace_back(segment);
    start = end + 1;
  }
  return out;
}

// The owner, mode and mount of what `fd` (an O_PATH descriptor is fine) refers to, from cached
// attributes: a hung network file system must not hang the hook here.
bool inspect(const FileDescriptor& fd, struct statx& st) {
  return ::statx(fd.get(), "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW | AT_STATX_DONT_SYNC,
                 STATX_TYPE | STATX_MODE | STATX_UID, &st) == 0;
}

bool is_mount_root(const struct statx& st, const struct statx& parent) {
  if (st.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) {
    return (st.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
  }
  return st.stx_dev_major != parent.stx_dev_major || st.stx_dev_minor != parent.stx_dev_minor;
}

// The reason `st` is unsafe, or "" when it is a safe directory.
std::string problem(const struct statx& st, bool mount_root, uid_t trusted_uid) {
  if (S_ISLNK(st.stx_mode)) return "is a symlink";
  if (!S_ISDIR(st.stx_mode)) return "is not a directory";
  if (mount_root) return {};  // owner and mode are the mounted file system's
  if (st.stx_uid != trusted_uid) {
    return "is owned by uid " + std::to_string(st.stx_uid) + ", not " + owner_name(trusted_uid);
  }
  if ((st.stx_mode & (S_IWGRP | S_IWOTH)) != 0) return "is writable by group or others";
  return {};
}

ops::Result<FileDescriptor> open_root(const std::filesystem::path& root, struct statx& st) {
  FileDescriptor fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return io_error("cannot open the root directory", root.string());
  if (!inspect(fd, st)) return io_error("cannot inspect the root directory", root.string());
  return fd;
}

}  // namespace

ops::Status check_mountpoint_components(const std::filesystem::path& root,
                                        std::string_view mountpoint, uid_t trusted_uid) {
  auto components = components_of(mountpoint);
  if (!components) return components.error();
  struct statx parent_st {};
  auto parent = open_root(root, parent_st);
  if (!parent) return parent.error();
  std::string path;
  for (std::size_t i = 0; i < components->size(); ++i) {
    const std::string& name = (*components)[i];
    path += "/" + name;
    FileDescriptor fd(::openat(parent->get(), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid()) {
      if (errno == ENOENT) return {};  // the rest is missing too: creating it is safe
      return io_error("cannot open", path);
    }
    struct statx st {};
    if (!inspect(fd, st)) return io_error("cannot inspect", path);
    const bool last = i + 1 == components->size();
    const std::string why = problem(st, last && is_mount_root(st, parent_st), trusted_uid);
    if (!why.empty()) return unsafe(mountpoint, path, why, trusted_uid);
    *parent = std::move(fd);
    parent_st = st;
  }
  return {};
}

ops::Result<bool> create_mountpoint_directories(const std::filesystem::path& root,
                                                std::string_view mountpoint, uid_t trusted_uid) {
  if (auto safe = check_mountpoint_components(root, mountpoint, trusted_uid); !safe) {
    return safe.error();
  }
  auto components = components_of(mountpoint);
  if (!components) return components.error();
  struct statx parent_st {};
  auto parent = open_root(root, parent_st);
  if (!parent) return parent.error();
  bool created = false;
  std::string path;
  for (std::size_t i = 0; i < components->size(); ++i) {
    const std::string& name = (*components)[i];
    path += "/" + name;
    created = false;
    FileDescriptor fd(::openat(parent->get(), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid() && errno == ENOENT) {
      if (::mkdirat(parent->get(), name.c_str(), 0755) == 0) {
        created = true;
      } else if (errno != EEXIST) {  // EEXIST: made concurrently; checked below like any other
        return io_error("cannot create", path);
      }
      // A created directory is opened for real (fchmod and fchown need that). Never following
      // a symlink: one planted in the meantime fails here (ELOOP or ENOTDIR).
      fd = FileDescriptor(::openat(parent->get(), name.c_str(),
                                   created ? O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
                                           : O_PATH | O_NOFOLLOW | O_CLOEXEC));
    }
    if (!fd.valid()) {
      if (errno == ELOOP || errno == ENOTDIR) {
        return unsafe(mountpoint, path, "is a symlink or not a directory", trusted_uid);
      }
      return io_error("cannot open", path);
    }
    struct statx st {};
    if (!inspect(fd, st)) return io_error("cannot inspect", path);
    if (created) {
      // 0755 whatever the umask, and no set-group-ID bit inherited from the parent.
      if (::fchmod(fd.get(), 0755) != 0) return io_error("cannot set the mode of", path);
      if (st.stx_uid != trusted_uid && ::fchown(fd.get(), trusted_uid, -1) != 0) {
        return io_error("cannot set the owner of", path);
      }
    } else {
      const bool last = i + 1 == components->size();
      const std::string why = problem(st, last && is_mount_root(st, parent_st), trusted_uid);
      if (!why.empty()) return unsafe(mountpoint, path, why, trusted_uid);
    }
    *parent = std::move(fd);
    parent_st = st;
  }
  // What was there before and what was made: all of it must pass, now that it exists.
  if (auto safe = check_mountpoint_components(root, mountpoint, trusted_uid); !safe) {
    return safe.error();
  }
  return created;
}

}  // namespace cephfs_client
