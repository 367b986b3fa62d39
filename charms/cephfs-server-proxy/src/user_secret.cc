#include "user_secret.h"

#include <fmt/format.h>

#include "ops/errors.h"
#include "ops/secret.h"

namespace cephfs_server_proxy {

ops::Result<ops::SecretContent> read_user_secret(ops::Model& model, std::string_view option,
                                                 const std::string& secret_id) {
  const std::string app = model.app().name;
  const auto not_granted = [&] {
    return ops::Error{ops::ErrorCode::kInvalidArgument,
                      fmt::format("{} invalid: secret {} not found or not granted to {}; run: "
                                  "juju grant-secret {} {}",
                                  option, secret_id, app, secret_id, app)};
  };
  try {
    ops::Secret secret(model, ops::Secret::canonicalize_id(secret_id, model.uuid()), std::nullopt);
    return secret.get_content(/*refresh=*/true);
  } catch (const ops::SecretNotFoundError&) {
    return not_granted();
  } catch (const ops::ModelError& error) {
    if (std::string_view(error.what()).find("permission denied") != std::string_view::npos) {
      return not_granted();
    }
    throw;
  }
}

}  // namespace cephfs_server_proxy
