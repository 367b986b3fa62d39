// Compiles and links against the installed headers and static libraries.
#include "ops/main.h"

#include "charms/storage_libs/v0/cephfs_interfaces.h"
#include "ops/charm.h"

class ConsumerCharm : public ops::CharmBase {
 public:
  explicit ConsumerCharm(ops::Framework& framework)
      : CharmBase(framework), share_(*this, "cephfs-share") {}

 private:
  charms::storage_libs::v0::CephFSRequires share_;
};

int main(int argc, char** argv) {
  if (argc > 1) return ops::main<ConsumerCharm>(argc, argv);
  return charms::storage_libs::v0::LIBPATCH == 2 ? 0 : 1;
}
