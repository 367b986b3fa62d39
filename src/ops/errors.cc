#include "ops/errors.h"

namespace ops {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kModelError:
      return "model-error";
    case ErrorCode::kRelationNotFound:
      return "relation-not-found";
    case ErrorCode::kSecretNotFound:
      return "secret-not-found";
    case ErrorCode::kPermissionDenied:
      return "permission-denied";
    case ErrorCode::kToolNotFound:
      return "tool-not-found";
    case ErrorCode::kInvalidOutput:
      return "invalid-output";
    case ErrorCode::kInvalidArgument:
      return "invalid-argument";
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kIoError:
      return "io-error";
    case ErrorCode::kCorruptState:
      return "corrupt-state";
    case ErrorCode::kInvalidData:
      return "invalid-data";
    case ErrorCode::kUnavailable:
      return "unavailable";
  }
  return "unknown";
}

void throw_error(const Error& error) {
  switch (error.code) {
    case ErrorCode::kRelationNotFound:
      throw RelationNotFoundError(error.message);
    case ErrorCode::kSecretNotFound:
      throw SecretNotFoundError(error.message);
    default:
      throw ModelError(error.message, error.code);
  }
}

}  // namespace ops
