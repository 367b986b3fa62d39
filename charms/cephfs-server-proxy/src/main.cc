#include "ops/main.h"

#include "proxy_charm.h"

int main(int argc, char** argv) { return ops::main<cephfs_server_proxy::ProxyCharm>(argc, argv); }
