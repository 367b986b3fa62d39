#include "charms/storage_libs/v0/cephfs_share_validation.h"

#include <arpa/inet.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "charms/storage_libs/v0/cephfs_share_wire.h"
#include "charms/storage_libs/v0/python_json.h"
#include "error_text.h"

namespace charms::storage_libs::v0 {
namespace {

using Problem = std::optional<std::string>;  // nullopt: the value is fine

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool only(std::string_view text, bool (*allowed)(char)) {
  for (char c : text) {
    if (!allowed(c)) return false;
  }
  return true;
}

bool is_fsid_char(char c) { return is_alnum(c) || c == '-'; }
bool is_name_char(char c) { return is_alnum(c) || c == '_' || c == '.' || c == '-'; }
bool is_base64_char(char c) { return is_alnum(c) || c == '+' || c == '/'; }
bool is_ipv4_char(char c) { return is_digit(c) || c == '.'; }

bool is_ipv4(std::string_view text) {
  in_addr address{};
  return inet_pton(AF_INET, std::string(text).c_str(), &address) == 1;
}

bool is_ipv6(std::string_view text) {
  in6_addr address{};
  return inet_pton(AF_INET6, std::string(text).c_str(), &address) == 1;
}

// RFC 1123 host name: dot-separated labels of letters, digits and '-', not starting or ending
// with '-', 1-63 characters each, 253 in all; an optional final dot.
bool is_dns_name(std::string_view text) {
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  if (text.empty() || text.size() > 253) return false;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('.', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view label = text.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!is_alnum(c) && c != '-') return false;
    }
    start = end + 1;
  }
  return true;
}

Problem check_port(std::string_view port) {
  if (port.empty()) return "the port is missing";
  if (port.size() > 5 || !only(port, is_digit)) return "the port is not a number";
  const int value = std::stoi(std::string(port));
  if (value < 1 || value > 65535) return "the port is not in 1-65535";
  return std::nullopt;
}

// <host>:<port>, host a DNS name, IPv4 or [IPv6]; names allowed only when allow_names.
Problem check_host_port(std::string_view text, bool allow_names) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return "the port is missing";
  const std::string_view host = text.substr(0, colon);
  if (auto problem = check_port(text.substr(colon + 1))) return problem;
  if (host.empty()) return "the host is missing";
  if (host.front() == '[') {
    if (host.size() < 2 || host.back() != ']' || !is_ipv6(host.substr(1, host.size() - 2))) {
      return "the bracketed host is not an IPv6 address";
    }
    return std::nullopt;
  }
  if (host.find(':') != std::string_view::npos) {
    return "an IPv6 address must be in brackets, e.g. [2001:db8::1]:6789";
  }
  if (only(host, is_ipv4_char)) {
    if (!is_ipv4(host)) return "the host is not a valid IPv4 address";
    return std::nullopt;
  }
  if (!allow_names) return "an address vector entry needs an IP address, not a host name";
  if (!is_dns_name(host)) return "the host is not a valid host name";
  return std::nullopt;
}

// One entry of a Ceph address vector: v1:|v2:|any: <ip>:<port> [/<nonce>].
Problem check_addrvec_entry(std::string_view entry) {
  std::string_view rest;
  for (std::string_view type : {"v1:", "v2:", "any:"}) {
    if (entry.substr(0, type.size()) == type) rest = entry.substr(type.size());
  }
  if (rest.empty()) return "an address vector entry must start with v1:, v2: or any:";
  if (const std::size_t slash = rest.rfind('/'); slash != std::string_view::npos) {
    const std::string_view nonce = rest.substr(slash + 1);
    if (nonce.empty() || nonce.size() > 10 || !only(nonce, is_digit) ||
        std::stoull(std::string(nonce)) > UINT32_MAX) {
      return "the nonce after '/' is not a number";
    }
    rest = rest.substr(0, slash);
  }
  return check_host_port(rest, /*allow_names=*/false);
}

Problem check_monitor_host(std::string_view host) {
  if (host.empty()) return "the address is empty";
  if (host.front() == '[' && host.back() == ']') {
    const std::string_view inner = host.substr(1, host.size() - 2);
    if (inner.empty()) return "the address vector is empty";
    std::size_t start = 0;
    while (start <= inner.size()) {
      std::size_t comma = inner.find(',', start);
      if (comma == std::string_view::npos) comma = inner.size();
      if (auto problem = check_addrvec_entry(inner.substr(start, comma - start))) return problem;
      start = comma + 1;
    }
    return std::nullopt;
  }
  return check_host_port(host, /*allow_names=*/true);
}

std::string monitor_problem(std::string_view label, std::string_view host,
                            const std::string& problem) {
  return std::string(label) + " " + detail::quote_for_message(host) +
         " is not <host>:<port> or a Ceph address vector like "
         "[v2:10.0.0.1:3300/0,v1:10.0.0.1:6789/0]: " +
         problem;
}

bool is_valid_utf8(std::string_view text) {
  return python_json_dumps(nlohmann::ordered_json(std::string(text))).ok();
}

ops::Status collected(std::string_view wire_code, const std::vector<std::string>& problems) {
  if (problems.empty()) return {};
  std::string joined;
  for (const auto& problem : problems) {
    if (!joined.empty()) joined += "; ";
    joined += problem;
  }
  return detail::make_wire_error(ops::ErrorCode::kInvalidArgument, wire_code, joined);
}

}  // namespace

ops::Status validate_monitor_host(std::string_view host) {
  if (auto problem = check_monitor_host(host)) {
    return collected(kInvalidShareInfo, {monitor_problem("monitor host", host, *problem)});
  }
  return {};
}

ops::Status validate_share_info(const CephFSShareInfo& share_info) {
  std::vector<std::string> problems;
  const auto& [fsid, name, path, monitor_hosts] = share_info;
  if (fsid.empty() || fsid.size() > 64 || !only(fsid, is_fsid_char)) {
    problems.push_back("fsid " + detail::quote_for_message(fsid) +
                       " must be 1-64 letters, digits or '-' (the Ceph cluster id, e.g. "
                       "354ca7c4-f10d-11ee-93f8-1f85f87b7845)");
  }
  if (name.empty() || name.size() > 255 || !only(name, is_name_char)) {
    problems.push_back("name " + detail::quote_for_message(name) +
                       " must be 1-255 letters, digits, '_', '.' or '-' (a CephFS file system "
                       "name)");
  }
  bool path_ok = !path.empty() && path.front() == '/' && path.size() <= 4096 && is_valid_utf8(path);
  for (char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7F) path_ok = false;
  }
  if (!path_ok) {
    problems.push_back("path " + detail::quote_for_message(path) +
                       " must be an absolute path (starting with '/') of at most 4096 bytes of "
                       "UTF-8 without whitespace or control characters");
  }
  if (monitor_hosts.empty()) {
    problems.emplace_back(
        "monitor_hosts is empty; give at least one MON address, e.g. "
        "10.0.0.1:6789");
  }
  for (std::size_t i = 0; i < monitor_hosts.size(); ++i) {
    if (auto problem = check_monitor_host(monitor_hosts[i])) {
      problems.push_back(
          monitor_problem("monitor_hosts[" + std::to_string(i) + "]", monitor_hosts[i], *problem));
    }
  }
  return collected(kInvalidShareInfo, problems);
}

ops::Status validate_auth_info(const CephFSAuthInfo& auth_info) {
  std::vector<std::string> problems;
  const std::string& username = auth_info.username;
  if (username.empty() || username.size() > 255 || !only(username, is_name_char)) {
    problems.push_back("username " + detail::quote_for_message(username) +
                       " must be 1-255 letters, digits, '_', '.' or '-' (the cephx id without "
                       "'client.')");
  }
  // Only the key's length may be reported, never its text.
  std::string_view key = auth_info.key;
  const std::size_t length = key.size();
  while (!key.empty() && key.back() == '=') key.remove_suffix(1);
  const std::size_t padding = length - key.size();
  if (length == 0 || length % 4 != 0 || padding > 2 || key.empty() || !only(key, is_base64_char)) {
    problems.push_back("key (" + std::to_string(length) +
                       " characters) is not base64; give the cephx key as printed by "
                       "`ceph auth get-key`");
  }
  return collected(kInvalidAuthInfo, problems);
}

}  // namespace charms::storage_libs::v0
