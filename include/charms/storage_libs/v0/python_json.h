// python_json_dumps: JSON text byte-identical to CPython's `json.dumps(value)` with default
// arguments. The cephfs_share wire values (`share_info`, `cache`, `plain:` auth) are produced by
// Python's json module, and a peer compares them as strings, so a re-encoding that is merely
// equivalent still counts as a change (protocol reference, quirk 17).
//
// Contract:
//  - Separators are ", " and ": "; no other whitespace, no trailing newline.
//  - Object keys keep the order of the input (pass an nlohmann::ordered_json to control it).
//  - Strings are escaped like CPython's ensure_ascii encoder: \" \\ \n \r \t \b \f, every other
//    code point outside U+0020..U+007E as \uXXXX with lowercase hex (U+007F included), code points
//    above U+FFFF as a surrogate pair; "/" is not escaped.
//  - Numbers: integers in decimal; floats like Python's repr (shortest round-trip digits, "1.0",
//    "1e+16", "1e-05"), NaN and infinities as NaN / Infinity / -Infinity (allow_nan=True).
//  - Errors (code kInvalidArgument), never a partial output:
//      * a string (value or key) that is not valid UTF-8 (a Python str is always Unicode, so no
//        faithful encoding exists; overlong forms, UTF-8-encoded surrogates and code points above
//        U+10FFFF are invalid too). The message gives the byte offset, never the content, since
//        strings may carry credentials;
//      * a binary value (Python has no JSON form for it);
//      * nesting deeper than kPythonJsonMaxDepth (Python would raise RecursionError).
//  - Thread-safe; no global state.
//
// Example:
//   nlohmann::ordered_json v = {{"name", "/data"}, {"hosts", {"a:1", "b:2"}}};
//   auto text = python_json_dumps(v);  // {"name": "/data", "hosts": ["a:1", "b:2"]}
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "ops/result.h"

namespace charms::storage_libs::v0 {

inline constexpr int kPythonJsonMaxDepth = 512;

ops::Result<std::string> python_json_dumps(const nlohmann::ordered_json& value);

}  // namespace charms::storage_libs::v0
