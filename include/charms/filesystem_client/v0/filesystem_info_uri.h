// The URI layer of the filesystem_info interface: the one string a provider publishes under
// `endpoint`, `<scheme>://[<user>@](<host>,<host>...)<path>[?<options>]`, as the Python library
// charms.filesystem_client.v0.filesystem_info (LIBPATCH 3) writes and reads it (shared/
// conformance/filesystem_info/cases.json `encode`, `decode`, `hostinfo` are the authority).
//
// Encoding: the host list is joined with ',' and percent-encoded as one string inside literal
// parentheses; the user is percent-encoded; the path is percent-encoded with '/' kept ("" becomes
// "/"); options are form-encoded (space -> '+') in the order given. Only A-Z a-z 0-9 _ . - ~ stay
// literal.
//
// Decoding mirrors Python's urllib (urlparse without fragments, parse_qs with strict parsing):
// the scheme is lower-cased, the user is what precedes the last '@' up to its first ':', the
// hosts are the (lower-cased, then percent-decoded) text between '(' and ')' split on ',' (empty
// hosts kept), the path is percent-decoded ('#' is part of it), repeated options are joined with
// ',' and options with an empty value are dropped. Percent-decoded bytes that are not UTF-8 become
// U+FFFD, as Python's unquote does.
//
// Errors are values, never exceptions. Messages are Python's, so a log reads the same in both
// implementations, except that a quoted URI has the value of a plain (non-secret) `auth` option
// replaced by "<redacted>" (Python prints the key):
//   kInvalidArgument  encode: "scheme cannot be empty", "list of hosts cannot be empty"
//   kInvalidData      decode: "invalid list of hosts for endpoint `<uri>`", "invalid options for
//                     endpoint `<uri>`", "Invalid IPv6 URL" (Python's ValueError);
//                     hostinfo: "invalid empty host", "unclosed bracket for host", "expected `:`
//                     after IPv6 address", "expected int after `:` in host"
//
// Example:
//   auto uri = encode_uri({.scheme = "nfs", .hosts = {"10.0.0.1:2049"}, .path = "/export"});
//   // "nfs://(10.0.0.1%3A2049)/export"
//   auto parts = decode_uri(*uri);
//   auto host = parse_hostinfo(parts->hosts[0]);  // {"10.0.0.1", 2049}
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ops/result.h"

namespace charms::filesystem_client::v0 {

// The parts of an endpoint URI. Options keep their order (the wire order matters for byte
// equality; a decoded URI lists them in order of first appearance).
struct UriParts {
  std::string scheme{};
  std::vector<std::string> hosts{};
  std::string user{};  // "" when none
  std::string path{};
  std::vector<std::pair<std::string, std::string>> options{};

  // The value of an option, or nullopt.
  std::optional<std::string> option(std::string_view key) const;
  friend bool operator==(const UriParts&, const UriParts&) = default;
};

// One host as Python's _hostinfo splits it: "[v6]:port", "[v6]", "host:port" or "host". The port
// is whatever Python's int() accepts (so -1 and 99999 parse; typed infos check the range).
struct HostInfo {
  std::string hostname{};
  std::optional<std::int64_t> port{};
  friend bool operator==(const HostInfo&, const HostInfo&) = default;
};

ops::Result<std::string> encode_uri(const UriParts& parts);
ops::Result<UriParts> decode_uri(std::string_view uri);
ops::Result<HostInfo> parse_hostinfo(std::string_view host);

// Percent-encoding helpers, exposed for the typed layer and tests. `safe` lists extra bytes kept.
std::string percent_encode(std::string_view text, std::string_view safe = "");
// Python's unquote: %XX decoded (invalid escapes kept as they are), invalid UTF-8 -> U+FFFD.
std::string percent_decode(std::string_view text);

}  // namespace charms::filesystem_client::v0
