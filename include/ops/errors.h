// Exceptions of the charm line, named like Python ops. Below the charm line the runtime returns
// ops::Result; the Model turns backend errors into these. They are caught in exactly one place:
// the dispatch entry point (ops::main / ops::testing::Context), which logs, sets a status where
// right and picks the exit code.
//
// Messages never contain secret content.
#pragma once

#include <stdexcept>
#include <string>

#include "ops/result.h"

namespace ops {

// A hook tool failed (or its output could not be used). code() is the ops::ErrorCode of the
// failure when it came from a Result (throw_error), e.g. kInvalidArgument for a tool that refused
// its arguments (Juju exits 2), so a caller can tell "Juju said no to this value" from "the tool
// failed"; kModelError otherwise.
class ModelError : public std::runtime_error {
 public:
  explicit ModelError(const std::string& message, ErrorCode code = ErrorCode::kModelError)
      : std::runtime_error(message), code_(code) {}

  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

// The relation does not exist (any more).
class RelationNotFoundError : public ModelError {
 public:
  using ModelError::ModelError;
};

// The secret does not exist or this unit may not see it.
class SecretNotFoundError : public ModelError {
 public:
  using ModelError::ModelError;
};

// A relation databag was used wrongly (base of the two below).
class RelationDataError : public ModelError {
 public:
  using ModelError::ModelError;
};

// Access to a databag that Juju's rules forbid (e.g. a non-leader writing its app bag).
class RelationDataAccessError : public RelationDataError {
 public:
  using RelationDataError::RelationDataError;
};

// A key or value that Juju cannot store.
class RelationDataTypeError : public RelationDataError {
 public:
  using RelationDataError::RelationDataError;
};

// get_relation(endpoint) without an id found more than one relation.
class TooManyRelatedAppsError : public ModelError {
 public:
  using ModelError::ModelError;
};

// A status that cannot be set (error, unknown) or set where it is not allowed.
class InvalidStatusError : public ModelError {
 public:
  using ModelError::ModelError;
};

// Raised by Result-returning layers' errors when turned into exceptions at the charm line.
// Maps kRelationNotFound -> RelationNotFoundError, kSecretNotFound -> SecretNotFoundError, and
// everything else to ModelError carrying the code.
[[noreturn]] void throw_error(const Error& error);

// Returns the value or throws the mapped exception.
template <class T>
T unwrap(Result<T> result) {
  if (!result) throw_error(result.error());
  return std::move(result).value();
}
inline void unwrap(const Status& status) {
  if (!status) throw_error(status.error());
}

}  // namespace ops
