#include "charms/filesystem_client/v0/filesystem_info_uri.h"

#include <arpa/inet.h>

#include <limits>

namespace charms::filesystem_client::v0 {
namespace {

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-' || c == '~';
}

bool is_ascii_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

ops::Error data_error(std::string message) {
  return ops::Error{ops::ErrorCode::kInvalidData, std::move(message)};
}

// Python's form encoding of one value (quote_plus with safe=''): space -> '+'.
std::string form_encode(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ' ') {
      out += '+';
    } else {
      out += percent_encode(std::string_view(&c, 1));
    }
  }
  return out;
}

// Python's unquote_plus.
std::string form_decode(std::string_view text) {
  std::string plus_as_space(text);
  for (char& c : plus_as_space) {
    if (c == '+') c = ' ';
  }
  return percent_decode(plus_as_space);
}

// The length of the valid UTF-8 sequence at `at`, or the length of its maximal invalid prefix as a
// negative number (at least 1 byte), per the Unicode "maximal subpart" practice Python follows.
int utf8_sequence(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  if (lead < 0x80) return 1;
  int length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return -1;
  }
  for (int i = 1; i < length; ++i) {
    if (at + i >= text.size()) return -i;
    const unsigned char c = byte(at + i);
    const unsigned char lo = i == 1 ? low : 0x80;
    const unsigned char hi = i == 1 ? high : 0xBF;
    if (c < lo || c > hi) return -i;
  }
  return length;
}

std::string repair_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  std::size_t at = 0;
  while (at < bytes.size()) {
    const int n = utf8_sequence(bytes, at);
    if (n > 0) {
      out.append(bytes.substr(at, static_cast<std::size_t>(n)));
      at += static_cast<std::size_t>(n);
    } else {
      out += "\xEF\xBF\xBD";
      at += static_cast<std::size_t>(-n);
    }
  }
  return out;
}

// Python's int() on a str, for the ASCII forms: surrounding whitespace, a sign, digits with single
// '_' between them. nullopt when it does not parse or does not fit in 64 bits.
std::optional<std::int64_t> python_int(std::string_view text) {
  constexpr std::string_view kSpace = " \t\n\v\f\r";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return std::nullopt;
  text = text.substr(first, text.find_last_not_of(kSpace) - first + 1);
  bool negative = false;
  if (text.front() == '+' || text.front() == '-') {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty() || !is_digit(text.front()) || !is_digit(text.back())) return std::nullopt;
  std::uint64_t value = 0;
  constexpr std::uint64_t kLimit = std::numeric_limits<std::int64_t>::max();
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '_') {
      if (!is_digit(text[i - 1])) return std::nullopt;  // "1__2"; the ends are digits
      continue;
    }
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
    if (value > kLimit) return std::nullopt;
  }
  const auto signed_value = static_cast<std::int64_t>(value);
  return negative ? -signed_value : signed_value;
}

// Python's urlsplit check of a bracketed host in the netloc (_check_bracketed_netloc).
bool bracketed_netloc_ok(std::string_view netloc) {
  const bool open = netloc.find('[') != std::string_view::npos;
  const bool close = netloc.find(']') != std::string_view::npos;
  if (open != close) return false;
  if (!open) return true;
  const auto at = netloc.rfind('@');
  const std::string_view hostinfo = at == std::string_view::npos ? netloc : netloc.substr(at + 1);
  const auto bracket = hostinfo.find('[');
  if (bracket == std::string_view::npos) return true;
  if (bracket != 0) return false;  // no data is allowed before the bracket
  const auto end = hostinfo.find(']');
  if (end == std::string_view::npos) return true;  // the ']' is in the user part
  const std::string_view after = hostinfo.substr(end + 1);
  if (!after.empty() && after.front() != ':') return false;
  const std::string address(hostinfo.substr(1, end - 1));
  in6_addr ignored{};
  return inet_pton(AF_INET6, address.c_str(), &ignored) == 1;
}

// The URI as error messages quote it: the value of an `auth` option that does not name a secret
// (a plain key) is replaced, so that a message can be logged.
std::string uri_for_message(std::string_view uri) {
  std::string out(uri);
  const auto question = out.find('?');
  if (question == std::string::npos) return "`" + out + "`";
  for (std::size_t start = question + 1; start < out.size();) {
    auto end = out.find('&', start);
    if (end == std::string::npos) end = out.size();
    const std::string_view field = std::string_view(out).substr(start, end - start);
    if (field.starts_with("auth=") && !field.substr(5).starts_with("secret")) {
      out.replace(start + 5, end - start - 5, "<redacted>");
      end = start + 5 + std::string_view("<redacted>").size();
    }
    start = end + 1;
  }
  return "`" + out + "`";
}

}  // namespace

std::optional<std::string> UriParts::option(std::string_view key) const {
  for (const auto& [name, value] : options) {
    if (name == key) return value;
  }
  return std::nullopt;
}

std::string percent_encode(std::string_view text, std::string_view safe) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (is_unreserved(byte) || safe.find(c) != std::string_view::npos) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

std::string percent_decode(std::string_view text) {
  std::string bytes;
  bytes.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
        hex_value(text[i + 2]) >= 0) {
      bytes += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      bytes += text[i];
    }
  }
  return repair_utf8(bytes);
}

ops::Result<std::string> encode_uri(const UriParts& parts) {
  if (parts.scheme.empty()) {
    return ops::Error{ops::ErrorCode::kInvalidArgument, "scheme cannot be empty"};
  }
  if (parts.hosts.empty()) {
    return ops::Error{ops::ErrorCode::kInvalidArgument, "list of hosts cannot be empty"};
  }
  std::string hosts;
  for (std::size_t i = 0; i < parts.hosts.size(); ++i) {
    if (i > 0) hosts += ',';
    hosts += parts.hosts[i];
  }
  std::string path = parts.path;
  if (path.empty() || path.front() != '/') path.insert(path.begin(), '/');

  std::string uri = parts.scheme + "://";
  if (!parts.user.empty()) uri += percent_encode(parts.user) + "@";
  uri += "(" + percent_encode(hosts) + ")";
  uri += percent_encode(path, "/");
  for (std::size_t i = 0; i < parts.options.size(); ++i) {
    uri += i == 0 ? '?' : '&';
    uri += form_encode(parts.options[i].first) + "=" + form_encode(parts.options[i].second);
  }
  return uri;
}

ops::Result<UriParts> decode_uri(std::string_view raw) {
  // urlsplit: leading and trailing C0 controls and spaces are stripped, tabs and newlines removed.
  std::string text;
  {
    std::size_t begin = 0;
    std::size_t end = raw.size();
    while (begin < end && static_cast<unsigned char>(raw[begin]) <= 0x20) ++begin;
    while (end > begin && static_cast<unsigned char>(raw[end - 1]) <= 0x20) --end;
    for (char c : raw.substr(begin, end - begin)) {
      if (c != '\t' && c != '\r' && c != '\n') text += c;
    }
  }
  const std::string quoted_uri = uri_for_message(raw);

  UriParts parts;
  std::string_view rest = text;
  if (const auto colon = rest.find(':');
      colon != std::string_view::npos && colon > 0 && is_ascii_alpha(rest.front())) {
    bool valid = true;
    for (char c : rest.substr(0, colon)) {
      if (!is_ascii_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') valid = false;
    }
    if (valid) {
      for (char c : rest.substr(0, colon)) parts.scheme += ascii_lower(c);
      rest.remove_prefix(colon + 1);
    }
  }
  std::string_view netloc;
  if (rest.starts_with("//")) {
    const auto end = rest.find_first_of("/?#", 2);
    netloc = rest.substr(2, end == std::string_view::npos ? std::string_view::npos : end - 2);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    if (!bracketed_netloc_ok(netloc)) return data_error("Invalid IPv6 URL");
  }
  std::string_view path = rest;
  std::string_view query;
  if (const auto question = rest.find('?'); question != std::string_view::npos) {
    path = rest.substr(0, question);
    query = rest.substr(question + 1);
  }

  // hostname: after the last '@', before the first ':', lower-cased up to the first '%'.
  const auto at = netloc.rfind('@');
  const std::string_view hostinfo = at == std::string_view::npos ? netloc : netloc.substr(at + 1);
  std::string hostname(hostinfo.substr(0, hostinfo.find(':')));
  for (char& c : hostname) {
    if (c == '%') break;
    c = ascii_lower(c);
  }
  const std::string hosts = percent_decode(hostname);
  if (hosts.size() < 2 || hosts.front() != '(' || hosts.back() != ')') {
    return data_error("invalid list of hosts for endpoint " + quoted_uri);
  }
  std::string_view inner(hosts);
  inner = inner.substr(1, inner.size() - 2);
  for (std::size_t start = 0;;) {
    const auto comma = inner.find(',', start);
    parts.hosts.emplace_back(inner.substr(start, comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }

  if (at != std::string_view::npos) {
    const std::string_view userinfo = netloc.substr(0, at);
    parts.user = percent_decode(userinfo.substr(0, userinfo.find(':')));
  }
  parts.path = percent_decode(path);
  if (parts.path.empty()) parts.path = "/";

  if (!query.empty()) {
    for (std::size_t start = 0;;) {
      const auto amp = query.find('&', start);
      const std::string_view field = query.substr(start, amp - start);
      const auto equals = field.find('=');
      if (equals == std::string_view::npos) {
        return data_error("invalid options for endpoint " + quoted_uri);
      }
      std::string name = form_decode(field.substr(0, equals));
      std::string value = form_decode(field.substr(equals + 1));
      if (!value.empty()) {  // parse_qs drops blank values
        bool merged = false;
        for (auto& [key, existing] : parts.options) {
          if (key == name) {
            existing += "," + value;
            merged = true;
          }
        }
        if (!merged) parts.options.emplace_back(std::move(name), std::move(value));
      }
      if (amp == std::string_view::npos) break;
      start = amp + 1;
    }
  }
  return parts;
}

ops::Result<HostInfo> parse_hostinfo(std::string_view host) {
  if (host.empty()) return data_error("invalid empty host");
  HostInfo info;
  std::string_view port_text;
  bool has_port = false;
  if (host.front() == '[') {
    const auto close = host.find(']');
    if (close == std::string_view::npos) return data_error("unclosed bracket for host");
    info.hostname = std::string(host.substr(1, close - 1));
    const std::string_view after = host.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return data_error("expected `:` after IPv6 address");
      port_text = after.substr(1);
      has_port = true;
    }
  } else {
    const auto colon = host.find(':');
    info.hostname = std::string(host.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = host.substr(colon + 1);
      has_port = true;
    }
  }
  if (has_port) {
    info.port = python_int(port_text);
    if (!info.port) return data_error("expected int after `:` in host");
  }
  return info;
}

}  // namespace charms::filesystem_client::v0
