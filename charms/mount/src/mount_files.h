// The text of every file the cephfs-client charm writes as root for a mount: the systemd .mount
// unit, the /etc/fstab entry, ceph-fuse's ceph.conf and keyring, and the kernel client's secret
// file. The values come from a MountPlan, whose fields are validated types already; these
// renderers are the last line of defence all the same: each refuses (an error, never silent
// escaping) a value that the target format would split or reinterpret, so one wrong grammar
// upstream cannot turn remote data into a directive of a root-owned file.
//
// Refused in every value: an empty value, any byte < 0x20 or 0x7f (NUL, newline...). On top:
//   unit (systemd):  whitespace, '%' (specifiers), '\' (escapes), quotes, and ',' inside one
//                    mount option (Options= is comma-separated); '$' (environment expansion)
//   fstab:           whitespace (field separator), '\' (octal escapes), '#' (comments), and ','
//                    inside one mount option
//   ceph.conf:       whitespace, '#' ';' (comments), '=' (key/value), '$' (metavariables such as
//                    $cluster), '\' (escapes, line continuation), quotes
//   keyring:         the user as for ceph.conf plus '[' ']'; the key must be base64
//   secret file:     the key must be base64
// Errors are kInvalidArgument: "refusing to write the <file>: <field> contains <what>", naming
// the field and the kind of character, never the value (it may be a key).
//
// Every function is pure and thread-safe.
//
// Example:
//   auto unit = render_mount_unit(plan);      // "# Written by ...\n[Unit]\n...[Mount]\nWhat=..."
//   if (!unit) return unit.error();
#pragma once

#include <string>
#include <string_view>

#include "mount_plan.h"
#include "ops/result.h"

namespace cephfs_client {

// The first line of every unit file the charm writes: a unit without it is not the charm's.
inline constexpr std::string_view kUnitMarker =
    "# Written by the cephfs-client charm. Do not edit: the charm rewrites or removes this file.";

// `systemd-escape --path <mountpoint>` + ".mount", e.g. "/srv/my-data" -> "srv-my\x2ddata.mount".
std::string mount_unit_name(std::string_view mountpoint);

// The comment line (without '\n') that precedes the charm's fstab entry for `mountpoint`, e.g.
// "# cephfs-client charm: /srv/data (written by the charm; do not edit)".
std::string fstab_marker(std::string_view mountpoint);

// The unit file, starting with kUnitMarker: [Unit] Description, After/Wants network-online;
// [Mount] What, Where, Type, Options; [Install] WantedBy=remote-fs.target.
ops::Result<std::string> render_mount_unit(const MountPlan& plan);

// The two /etc/fstab lines (fstab_marker + entry, each ending in '\n'), e.g.
//   # cephfs-client charm: /srv/data (written by the charm; do not edit)
//   none /srv/data fuse.ceph ceph.id=alice,ceph.conf=...,_netdev 0 0
ops::Result<std::string> render_fstab_entry(const MountPlan& plan);

// ceph-fuse's configuration: "[global]\n\tfsid = <fsid>\n\tmon_host = <a>,<b>\n".
ops::Result<std::string> render_ceph_conf(const MountPlan& plan);

// The keyring: "[client.<user>]\n\tkey = <key>\n".
ops::Result<std::string> render_keyring(const MountPlan& plan, std::string_view key);

// The kernel client's secretfile: "<key>\n".
ops::Result<std::string> render_secret_file(std::string_view key);

}  // namespace cephfs_client
