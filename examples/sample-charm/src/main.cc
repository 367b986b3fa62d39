#include "ops/main.h"

#include "hello_charm.h"

int main(int argc, char** argv) { return ops::main<hello::HelloCharm>(argc, argv); }
