#include "ops/main.h"

#include "filesystem_client_charm.h"
#include "key_process.h"

int main(int argc, char** argv) {
  // Before anything reads a key (relation data, secrets): see key_process.h.
  cephx::protect_key_memory();
  return ops::main<filesystem_client::FilesystemClientCharm>(argc, argv);
}
