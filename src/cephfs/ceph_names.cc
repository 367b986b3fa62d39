#include "cephfs/ceph_names.h"

#include <fmt/format.h>

#include <cstdint>

namespace cephfs {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

// The name as it may appear in a message: quoted, cut, control characters escaped.
std::string quoted(std::string_view name) {
  std::string out = "'";
  for (char c : name.substr(0, 80)) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  out += name.size() > 80 ? "...'" : "'";
  return out;
}

ops::Status check(std::string_view what, std::string_view name, std::string_view forbidden_first) {
  auto invalid = [&](std::string_view why) {
    return ops::Error{ops::ErrorCode::kInvalidArgument,
                      fmt::format("{} {} is not valid: {}; use 1-{} characters from A-Z a-z 0-9 _ "
                                  ". - not starting with any of \"{}\"",
                                  what, quoted(name), why, kMaxNameLength, forbidden_first)};
  };
  if (name.empty()) return invalid("it is empty");
  if (name.size() > kMaxNameLength) return invalid("it is too long");
  for (char c : name) {
    if (c == '/') return invalid("it contains '/'");
    if (!is_name_char(c)) return invalid("it contains a character outside the allowed set");
  }
  if (forbidden_first.find(name.front()) != std::string_view::npos) {
    return invalid(fmt::format("it starts with '{}'", name.front()));
  }
  return {};
}

// FNV-1a, 32 bits: stable across runs and platforms, enough to keep sanitized names apart.
std::uint32_t fnv1a(std::string_view s) {
  std::uint32_t h = 2166136261u;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return h;
}

}  // namespace

ops::Status validate_subvolume_name(std::string_view name) {
  return check("subvolume name", name, ".-_");
}

ops::Status validate_group_name(std::string_view name) {
  if (name.empty()) return {};
  return check("subvolume group name", name, ".-_");
}

ops::Status validate_client_id(std::string_view id) {
  if (id.starts_with("client.")) {
    return ops::Error{ops::ErrorCode::kInvalidArgument,
                      fmt::format("client id {} must not start with \"client.\": pass the id only "
                                  "(\"alice\" for client.alice)",
                                  quoted(id))};
  }
  return check("client id", id, ".-");
}

std::string sanitize_name(std::string_view raw) {
  if (validate_subvolume_name(raw).ok()) return std::string(raw);
  std::string out;
  for (char c : raw) {
    char mapped = is_name_char(c) ? c : '-';
    if (mapped == '-' && !out.empty() && out.back() == '-') continue;
    out += mapped;
  }
  std::size_t first = out.find_first_not_of(".-_");
  out = first == std::string::npos ? std::string() : out.substr(first);
  std::string suffix = fmt::format("-{:08x}", fnv1a(raw));
  if (out.size() > kMaxNameLength - suffix.size()) out.resize(kMaxNameLength - suffix.size());
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.empty()) out = "share";
  return out + suffix;
}

}  // namespace cephfs
