#include "mount_files.h"

#include <fmt/ranges.h>

namespace cephfs_client {
namespace {

constexpr std::string_view kFstabMarkerStart = "# cephfs-client charm: ";
constexpr std::string_view kFstabMarkerEnd = " (written by the charm; do not edit)";

// Characters each format must not see inside one value (control bytes are always refused).
constexpr std::string_view kUnitForbidden = " %\\\"'$";
constexpr std::string_view kFstabForbidden = " \\#";
constexpr std::string_view kConfForbidden = " #;=$\\\"'";
constexpr std::string_view kKeyringUserForbidden = " #;=$\\\"'[]";

std::string_view describe(char c) {
  switch (c) {
    case ' ':
      return "whitespace";
    case '%':
      return "'%'";
    case '\\':
      return "'\\'";
    case '"':
    case '\'':
      return "a quote";
    case '$':
      return "'$'";
    case '#':
      return "'#'";
    case ';':
      return "';'";
    case '=':
      return "'='";
    case ',':
      return "','";
    case '[':
    case ']':
      return "a bracket";
    default:
      return "a character it may not hold";
  }
}

// The value, or an error naming the file, the field and the kind of character.
ops::Status check(std::string_view file, std::string_view field, std::string_view value,
                  std::string_view forbidden) {
  const std::string prefix =
      "refusing to write the " + std::string(file) + ": " + std::string(field) + " ";
  if (value.empty()) return ops::Error{ops::ErrorCode::kInvalidArgument, prefix + "is empty"};
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      return ops::Error{ops::ErrorCode::kInvalidArgument, prefix + "contains a control character"};
    }
    if (forbidden.find(c) != std::string_view::npos) {
      return ops::Error{ops::ErrorCode::kInvalidArgument,
                        prefix + "contains " + std::string(describe(c))};
    }
  }
  return {};
}

bool is_base64(std::string_view key) {
  if (key.empty() || key.size() % 4 != 0) return false;
  std::size_t padding = 0;
  while (padding < key.size() && key[key.size() - 1 - padding] == '=') ++padding;
  if (padding > 2) return false;
  for (char c : key.substr(0, key.size() - padding)) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '/';
    if (!ok) return false;
  }
  return true;
}

ops::Status check_key(std::string_view file, std::string_view key) {
  if (is_base64(key)) return {};
  return ops::Error{ops::ErrorCode::kInvalidArgument,
                    "refusing to write the " + std::string(file) + ": the key is not base64"};
}

// Each mount option on its own: with ',' forbidden inside one, the joined list has exactly these.
ops::Status check_options(std::string_view file, const MountPlan& plan,
                          std::string_view forbidden) {
  const std::string with_comma = std::string(forbidden) + ",";
  for (const auto& option : plan.mount_options()) {
    if (auto ok = check(file, "a mount option", option, with_comma); !ok) return ok;
  }
  return {};
}

}  // namespace

std::string mount_unit_name(std::string_view mountpoint) {
  while (mountpoint.starts_with('/')) mountpoint.remove_prefix(1);
  while (mountpoint.ends_with('/')) mountpoint.remove_suffix(1);
  if (mountpoint.empty()) return "-.mount";
  std::string out;
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < mountpoint.size(); ++i) {
    const char c = mountpoint[i];
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == ':' || c == '_' || (c == '.' && i != 0);
    if (c == '/') {
      out += '-';
    } else if (plain) {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out + ".mount";
}

std::string fstab_marker(std::string_view mountpoint) {
  return std::string(kFstabMarkerStart) + std::string(mountpoint) + std::string(kFstabMarkerEnd);
}

ops::Result<std::string> render_mount_unit(const MountPlan& plan) {
  constexpr std::string_view kFile = "mount unit";
  for (auto [field, value] : {std::pair<std::string_view, std::string>{"What", plan.source()},
                              {"Where", plan.mountpoint},
                              {"the share", plan.share()}}) {
    if (auto ok = check(kFile, field, value, kUnitForbidden); !ok) return ok.error();
  }
  if (auto ok = check_options(kFile, plan, kUnitForbidden); !ok) return ok.error();
  std::string text(kUnitMarker);
  text += "\n[Unit]\nDescription=" +
          (plan.is_cephfs() ? std::string("CephFS share ") : plan.fs_type() + " file system ") +
          plan.share() + " (cephfs-client)\n";
  text += "After=network-online.target\nWants=network-online.target\n\n";
  text += "[Mount]\nWhat=" + plan.source() + "\nWhere=" + plan.mountpoint +
          "\nType=" + plan.fs_type() +
          "\nOptions=" + fmt::to_string(fmt::join(plan.mount_options(), ",")) + "\n\n";
  text += "[Install]\nWantedBy=remote-fs.target\n";
  return text;
}

ops::Result<std::string> render_fstab_entry(const MountPlan& plan) {
  constexpr std::string_view kFile = "fstab entry";
  if (auto ok = check(kFile, "the device", plan.source(), kFstabForbidden); !ok) return ok.error();
  if (auto ok = check(kFile, "the mountpoint", plan.mountpoint, kFstabForbidden); !ok) {
    return ok.error();
  }
  if (auto ok = check_options(kFile, plan, kFstabForbidden); !ok) return ok.error();
  return fstab_marker(plan.mountpoint) + "\n" + plan.source() + " " + plan.mountpoint + " " +
         plan.fs_type() + " " + fmt::to_string(fmt::join(plan.mount_options(), ",")) + " 0 0\n";
}

ops::Result<std::string> render_ceph_conf(const MountPlan& plan) {
  constexpr std::string_view kFile = "ceph.conf";
  const std::string mon_host = plan.conf_mon_host();
  if (auto ok = check(kFile, "fsid", plan.fsid.str(), kConfForbidden); !ok) return ok.error();
  if (auto ok = check(kFile, "mon_host", mon_host, kConfForbidden); !ok) return ok.error();
  return "[global]\n\tfsid = " + plan.fsid.str() + "\n\tmon_host = " + mon_host + "\n";
}

ops::Result<std::string> render_keyring(const MountPlan& plan, std::string_view key) {
  constexpr std::string_view kFile = "keyring";
  if (auto ok = check(kFile, "the user", plan.user.str(), kKeyringUserForbidden); !ok) {
    return ok.error();
  }
  if (auto ok = check_key(kFile, key); !ok) return ok.error();
  return "[client." + plan.user.str() + "]\n\tkey = " + std::string(key) + "\n";
}

ops::Result<std::string> render_secret_file(std::string_view key) {
  if (auto ok = check_key("secret file", key); !ok) return ok.error();
  return std::string(key) + "\n";
}

}  // namespace cephfs_client
