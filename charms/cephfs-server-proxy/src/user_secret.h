// read_user_secret: the content of a Juju user secret that an operator named in a config option
// (auth-secret, admin-secret), read with --refresh so a new revision is picked up at once.
//
// Contract: Juju answers `secret-get` for a secret that does not exist with "not found" and for
// one that exists but was not granted to this application with "permission denied" (a plain
// ModelError in ops). Both mean the operator has to act, so both become one kInvalidArgument
// error whose message names the option and the fix:
//   "auth-secret invalid: secret secret:abc not found or not granted to cephfs-server-proxy;
//    run: juju grant-secret secret:abc cephfs-server-proxy"
// Any other hook-tool failure is thrown as usual (the hook fails and Juju retries it). The
// content is never part of a message.
#pragma once

#include <string>
#include <string_view>

#include "ops/backend.h"
#include "ops/model.h"
#include "ops/result.h"

namespace cephfs_server_proxy {

ops::Result<ops::SecretContent> read_user_secret(ops::Model& model, std::string_view option,
                                                 const std::string& secret_id);

}  // namespace cephfs_server_proxy
