#include "cephfs/share_fields.h"

#include <arpa/inet.h>

#include <cstdint>
#include <optional>
#include <string>

namespace cephfs {
namespace {

constexpr std::size_t kMaxVectorEntries = 16;

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool only(std::string_view text, bool (*allowed)(char)) {
  for (char c : text) {
    if (!allowed(c)) return false;
  }
  return true;
}

bool is_fsid_char(char c) { return is_alnum(c) || c == '-'; }
bool is_name_char(char c) { return is_alnum(c) || c == '_' || c == '.' || c == '-'; }
bool is_ipv4_char(char c) { return is_digit(c) || c == '.'; }
bool is_ipv6_char(char c) { return is_hex(c) || c == ':' || c == '.'; }

ops::Error invalid(std::string_view label, std::string_view text, std::string_view rule) {
  return ops::Error{ops::ErrorCode::kInvalidArgument,
                    std::string(label) + " " + quote_untrusted(text) + " " + std::string(rule)};
}

// inet_pton reads a C string: the characters are checked first, so an embedded NUL (or anything
// after one) can never be cut off unseen.
bool is_ipv4(std::string_view text) {
  if (text.empty() || text.size() > 15 || !only(text, is_ipv4_char)) return false;
  in_addr address{};
  return inet_pton(AF_INET, std::string(text).c_str(), &address) == 1;
}

bool is_ipv6(std::string_view text) {
  if (text.empty() || text.size() > 45 || !only(text, is_ipv6_char)) return false;
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

using Problem = std::optional<std::string>;  // nullopt: the value is fine

Problem check_port(std::string_view port) {
  if (port.empty()) return "the port is missing";
  if (port.size() > 5 || !only(port, is_digit)) return "the port is not a number";
  int value = 0;
  for (char c : port) value = value * 10 + (c - '0');
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

// The rank of an entry's type for the kernel form (lower is preferred), and its address without
// type and nonce.
struct TypedEntry {
  int rank = 0;
  std::string_view address;
};

// One typed address: v1:|v2:|any: <ip>:<port> [/<nonce>].
Problem check_typed_entry(std::string_view entry, TypedEntry& out) {
  constexpr std::string_view kTypes[] = {"v1:", "any:", "v2:"};
  std::string_view rest;
  for (int rank = 0; rank < 3; ++rank) {
    if (entry.starts_with(kTypes[rank])) {
      rest = entry.substr(kTypes[rank].size());
      out.rank = rank;
    }
  }
  if (rest.empty()) return "an address vector entry must start with v1:, v2: or any:";
  if (const std::size_t slash = rest.rfind('/'); slash != std::string_view::npos) {
    const std::string_view nonce = rest.substr(slash + 1);
    std::uint64_t value = 0;
    for (char c : nonce) value = value * 10 + static_cast<std::uint64_t>(c - '0');
    if (nonce.empty() || nonce.size() > 10 || !only(nonce, is_digit) || value > UINT32_MAX) {
      return "the nonce after '/' is not a number";
    }
    rest = rest.substr(0, slash);
  }
  out.address = rest;
  return check_host_port(rest, /*allow_names=*/false);
}

// Checks `text`; on success sets typed and kernel_form.
Problem check_monitor(std::string_view text, bool& typed, std::string& kernel_form) {
  if (text.empty()) return "the address is empty";
  if (text.size() > 1024) return "the address is longer than 1024 bytes";
  if (text.front() == '[' && text.back() == ']') {
    // An address vector.
    const std::string_view inner = text.substr(1, text.size() - 2);
    if (inner.empty()) return "the address vector is empty";
    std::optional<TypedEntry> best;
    std::size_t entries = 0;
    std::size_t start = 0;
    while (start <= inner.size()) {
      std::size_t comma = inner.find(',', start);
      if (comma == std::string_view::npos) comma = inner.size();
      TypedEntry entry;
      if (auto problem = check_typed_entry(inner.substr(start, comma - start), entry)) {
        return problem;
      }
      if (++entries > kMaxVectorEntries) return "the address vector has more than 16 entries";
      if (!best || entry.rank < best->rank) best = entry;
      start = comma + 1;
    }
    typed = true;
    kernel_form = std::string(best->address);
    return std::nullopt;
  }
  if (text.starts_with("v1:") || text.starts_with("v2:") || text.starts_with("any:")) {
    TypedEntry entry;
    if (auto problem = check_typed_entry(text, entry)) return problem;
    typed = true;
    kernel_form = std::string(entry.address);
    return std::nullopt;
  }
  if (auto problem = check_host_port(text, /*allow_names=*/true)) return problem;
  typed = false;
  kernel_form = std::string(text);
  return std::nullopt;
}

}  // namespace

std::string quote_untrusted(std::string_view text, std::size_t max_shown) {
  return "\"" + escape_untrusted(text, max_shown) + "\"";
}

std::string escape_untrusted(std::string_view text, std::size_t max_shown) {
  constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < max_shown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  if (text.size() > max_shown) out += "...";
  return out;
}

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    std::uint32_t code = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
      code = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      code = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      code = lead & 0x07;
    } else {
      return false;
    }
    if (text.size() - i < length) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    if ((length == 3 && code < 0x800) || (length == 4 && (code < 0x10000 || code > 0x10FFFF)) ||
        (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

ops::Result<Fsid> Fsid::parse(std::string_view text, std::string_view label) {
  if (text.empty() || text.size() > 64 || !only(text, is_fsid_char)) {
    return invalid(label, text,
                   "must be 1-64 letters, digits or '-' (the Ceph cluster id, e.g. "
                   "354ca7c4-f10d-11ee-93f8-1f85f87b7845)");
  }
  return Fsid(std::string(text));
}

namespace {

// The grammar CephFsName and CephxUser share.
bool is_ceph_name(std::string_view text) {
  return !text.empty() && text.size() <= 255 && only(text, is_name_char) && text.front() != '-' &&
         text.front() != '.';
}

}  // namespace

ops::Result<CephFsName> CephFsName::parse(std::string_view text, std::string_view label) {
  if (!is_ceph_name(text)) {
    return invalid(label, text,
                   "must be 1-255 letters, digits, '_', '.' or '-', not starting with '-' or '.' "
                   "(a CephFS file system name)");
  }
  return CephFsName(std::string(text));
}

ops::Result<CephxUser> CephxUser::parse(std::string_view text, std::string_view label) {
  if (!is_ceph_name(text)) {
    return invalid(label, text,
                   "must be 1-255 letters, digits, '_', '.' or '-', not starting with '-' or '.' "
                   "(the cephx id without 'client.')");
  }
  return CephxUser(std::string(text));
}

ops::Result<SharePath> SharePath::parse(std::string_view text, std::string_view label) {
  bool ok = !text.empty() && text.front() == '/' && text.size() <= 4096 && is_valid_utf8(text);
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7F) ok = false;
  }
  for (std::size_t start = 1; ok && start <= text.size();) {
    std::size_t end = text.find('/', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view segment = text.substr(start, end - start);
    if (segment == "." || segment == "..") ok = false;
    start = end + 1;
  }
  if (!ok) {
    return invalid(label, text,
                   "must be an absolute path (starting with '/') of at most 4096 bytes of UTF-8 "
                   "without whitespace, control characters or '.' / '..' segments");
  }
  return SharePath(std::string(text));
}

ops::Result<MonitorAddress> MonitorAddress::parse(std::string_view text, std::string_view label) {
  bool typed = false;
  std::string kernel_form;
  if (auto problem = check_monitor(text, typed, kernel_form)) {
    return invalid(label, text,
                   "is not <host>:<port> or a Ceph address vector like "
                   "[v2:10.0.0.1:3300/0,v1:10.0.0.1:6789/0]: " +
                       *problem);
  }
  return MonitorAddress(std::string(text), typed, std::move(kernel_form));
}

}  // namespace cephfs
