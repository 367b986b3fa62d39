#include "key_process.h"

#include <sys/prctl.h>
#include <sys/resource.h>

namespace cephx {

bool protect_key_memory() {
  const bool not_dumpable = ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0;
  const rlimit no_core{0, 0};
  const bool no_core_file = ::setrlimit(RLIMIT_CORE, &no_core) == 0;
  return not_dumpable && no_core_file;
}

}  // namespace cephx
