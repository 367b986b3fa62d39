// validate_cephx_key: whether a string is a cephx secret as Ceph prints it (`ceph auth get-key`,
// the `key = ...` line of a keyring), so a charm can refuse a wrong or truncated key before it is
// published or written to a key file.
//
// Shape (Ceph's CryptoKey encoding, base64 of 28 bytes = exactly 40 characters ending in "=="):
//   u16 type      1 (CEPH_CRYPTO_AES), little endian
//   u32 seconds, u32 nanoseconds   creation time (any value)
//   u16 length    16, little endian
//   16 bytes      the AES secret
// The base64 must be canonical (re-encoding the bytes gives the same text), so a key with
// whitespace, a newline or a comma can never pass.
//
// The error message says what is wrong with the key but never contains the key or any part of
// it. Pure and thread-safe.
//
// Example:
//   if (auto ok = cephx::validate_cephx_key(key); !ok) block("auth-info invalid: " + ...);
#pragma once

#include <string_view>

#include "ops/result.h"

namespace cephx {

inline constexpr std::size_t kCephxKeyLength = 40;

// kInvalidArgument with a message such as "the key is 24 characters long; a cephx key is 40".
ops::Status validate_cephx_key(std::string_view key);

// `key` without one trailing "\n" or "\r\n": what a secret made from a file
// (`juju add-secret name key#file=/path`) holds when the file ends with a newline, as files
// written by editors and `echo` do. Nothing else is changed.
std::string_view without_line_end(std::string_view key);

}  // namespace cephx
