// The fields of a CephFS share as validated types: what a provider publishes over a relation (the
// cluster fsid, the file system name, the exported path, the monitor addresses, the cephx user)
// can only become one of these types through parse(), which applies one strict grammar. Code that
// writes files or runs commands as root (the mount plan, the unit / fstab / ceph.conf / keyring
// writers) takes these types, never raw strings, so a remote value cannot reach it unchecked.
//
// Grammars. Lengths and characters are checked on every byte of the std::string_view (an embedded
// NUL is just another byte outside the grammar; nothing here goes through c_str()):
//   Fsid            1-64 of [0-9A-Za-z-]. A real fsid is a UUID; the upstream test fixture
//                   ("123456789-0abc-defg-hijk-lmnopqrstuvw") is not, and conformance must pass.
//   CephFsName      1-255 of [0-9A-Za-z_.-], not starting with '-' or '.' (never option-like,
//                   never "." or "..").
//   CephxUser       1-255 of [0-9A-Za-z_.-], not starting with '-' or '.' (the cephx id without
//                   the "client." type prefix).
//   SharePath       absolute ('/' first), at most 4096 bytes of valid UTF-8, no byte <= 0x20 or
//                   0x7f (no whitespace, no control byte), no "." or ".." segment.
//   MonitorAddress  one MON address:
//                     <host>:<port>               host: IPv4 dotted quad, [IPv6] or a DNS name
//                                                 (RFC 1123 labels of [A-Za-z0-9-], dots)
//                     v1:|v2:|any:<ip>:<port>[/<nonce>]          a typed address (IP only)
//                     [<typed>,<typed>,...]       a Ceph address vector of typed addresses
//                   port 1-65535, nonce 0-4294967295, at most 16 entries in a vector.
//
// Errors: kInvalidArgument whose message names the field and the rule and quotes the value with
// every byte outside printable ASCII escaped as \xNN (at most 64 bytes shown), e.g.
//   fsid "abc def" must be 1-64 letters, digits or '-' (the Ceph cluster id, e.g. ...)
// Never pass a key to these functions: the message quotes its input.
//
// Example:
//   auto monitor = cephfs::MonitorAddress::parse("[v2:10.0.0.1:3300/0,v1:10.0.0.1:6789/0]");
//   monitor->str();          // as published
//   monitor->kernel_form();  // "10.0.0.1:6789" (mount.ceph's mon_addr wants host:port)
#pragma once

#include <string>
#include <string_view>

#include "ops/result.h"

namespace cephfs {

// Escapes a remote value for a message or a log line: printable ASCII kept, '"', '\' and every
// other byte as \xNN, at most `max_shown` bytes, "..." when cut.
std::string escape_untrusted(std::string_view text, std::size_t max_shown = 64);
// escape_untrusted surrounded by double quotes.
std::string quote_untrusted(std::string_view text, std::size_t max_shown = 64);

// What the validated types have in common: the text, exactly as it was parsed.
template <class Tag>
class ValidatedText {
 public:
  const std::string& str() const { return text_; }
  friend bool operator==(const ValidatedText&, const ValidatedText&) = default;

 protected:
  explicit ValidatedText(std::string text) : text_(std::move(text)) {}

 private:
  std::string text_;
};

class Fsid : public ValidatedText<Fsid> {
 public:
  // `label` names the field in the error message ("fsid" when empty).
  static ops::Result<Fsid> parse(std::string_view text, std::string_view label = "fsid");

 private:
  using ValidatedText::ValidatedText;
};

class CephFsName : public ValidatedText<CephFsName> {
 public:
  static ops::Result<CephFsName> parse(std::string_view text, std::string_view label = "name");

 private:
  using ValidatedText::ValidatedText;
};

class CephxUser : public ValidatedText<CephxUser> {
 public:
  static ops::Result<CephxUser> parse(std::string_view text, std::string_view label = "username");

 private:
  using ValidatedText::ValidatedText;
};

class SharePath : public ValidatedText<SharePath> {
 public:
  static ops::Result<SharePath> parse(std::string_view text, std::string_view label = "path");

 private:
  using ValidatedText::ValidatedText;
};

class MonitorAddress : public ValidatedText<MonitorAddress> {
 public:
  static ops::Result<MonitorAddress> parse(std::string_view text,
                                           std::string_view label = "monitor host");

  // True for "v1:...", "v2:...", "any:..." and address vectors (the protocol is stated).
  bool typed() const { return typed_; }
  // One "<host>:<port>" for mount.ceph's mon_addr: an untyped address as it is; from a typed one
  // or a vector the v1 address, else the any, else the v2 one, without the nonce.
  // ceph.conf's mon_host takes every form as published (str()): typed ones keep their protocol.
  const std::string& kernel_form() const { return kernel_form_; }

  friend bool operator==(const MonitorAddress&, const MonitorAddress&) = default;

 private:
  MonitorAddress(std::string text, bool typed, std::string kernel_form)
      : ValidatedText(std::move(text)), typed_(typed), kernel_form_(std::move(kernel_form)) {}

  bool typed_ = false;
  std::string kernel_form_;
};

// Whether `text` is valid UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool is_valid_utf8(std::string_view text);

}  // namespace cephfs
