// Result<T>: the project's value-or-error type, used below the charm line (backend, parsers, Ceph
// wrappers). A Result holds either a T or an ops::Error with a code and a human-readable message.
//
// Contract:
//  - value() on an error Result (or error() on a success) aborts via assert in debug builds and is
//    undefined otherwise: check ok() first, or use value_or().
//  - Messages never contain secret content (cephx keys, secret values); callers must keep it so.
//
// Example:
//   ops::Result<int> parse_port(std::string_view s);
//   auto port = parse_port("6789");
//   if (!port) return port.error();
//   use(*port);
//
// std::expected is not used because clang-16 cannot compile libstdc++ 12's <expected>.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace ops {

enum class ErrorCode {
  kModelError,        // a hook tool failed for a reason not covered below
  kRelationNotFound,  // Juju: "relation not found"
  kSecretNotFound,    // Juju: secret "<id>" not found, or not visible to this unit
  kPermissionDenied,  // Juju: permission denied / not the leader / cannot write relation settings
  kToolNotFound,      // the hook tool is not on PATH (not running under Juju?)
  kInvalidOutput,     // a hook tool printed something that does not parse
  kInvalidArgument,   // the caller passed a value Juju would reject
  kTimeout,           // a hook tool or external call did not finish in time
  kIoError,           // a file could not be read or written
  kCorruptState,      // a state file exists but is not valid
  kInvalidData,       // remote data (databags, secret content) does not have the expected shape
  kUnavailable,       // an external service (e.g. Ceph) is down or unreachable
};

// Name of the code, e.g. "relation-not-found"; stable, usable in logs and tests.
std::string_view to_string(ErrorCode code);

// clang-tidy's analyzer loses track of which member of Result's std::variant is active and
// calls copying this Error reading garbage (a false positive):
// NOLINTNEXTLINE(clang-analyzer-core.uninitialized.Assign)
struct Error {
  ErrorCode code = ErrorCode::kModelError;
  std::string message;

  friend bool operator==(const Error&, const Error&) = default;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value)
      : data_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : data_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(data_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(data_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(data_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(data_);
  }

  template <class U>
  T value_or(U&& fallback) const& {
    return ok() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, Error> data_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace ops
