// The one check of a secret content key, Juju's rule ^([a-z](?:-?[a-z0-9]){2,})$: a lowercase
// letter, then at least two more lowercase letters or digits, single hyphens between them, no
// hyphen at the end. Used by ops::Secret, both backends and juju-sim before a key is used (it
// becomes a file name in key#file=<path> arguments).
#pragma once

#include <string_view>

namespace ops {

bool is_valid_secret_key(std::string_view key);

}  // namespace ops
