#include "ops/main.h"

#include "key_process.h"
#include "proxy_charm.h"

int main(int argc, char** argv) {
  // Before anything reads a key (relation data, secrets, librados): see key_process.h.
  cephx::protect_key_memory();
  return ops::main<cephfs_server_proxy::ProxyCharm>(argc, argv);
}
