#include "ops/main.h"

#include "client_charm.h"

int main(int argc, char** argv) { return ops::main<cephfs_client::ClientCharm>(argc, argv); }
