#include "ops/main.h"

#include "client_charm.h"
#include "key_process.h"

int main(int argc, char** argv) {
  // Before anything reads a key (relation data, secrets, librados): see key_process.h.
  cephx::protect_key_memory();
  return ops::main<cephfs_client::ClientCharm>(argc, argv);
}
