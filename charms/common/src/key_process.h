// Hardening of a process that holds a cephx key in memory (the cephfs-client charm, the
// cephfs-server-proxy charm with its librados connection): no core dump and no ptrace attach by
// other processes of the same user, so the key cannot leave through a crash dump or a debugger
// that a local user starts. Call it first thing in main().
//
// protect_key_memory(): prctl(PR_SET_DUMPABLE, 0) (also makes /proc/<pid>/mem, environ... root's
// only) and RLIMIT_CORE 0. Returns false when either call failed (the process still runs; a key
// in a core file is the only thing at stake, and no core is written for a non-dumpable process).
#pragma once

namespace cephx {

bool protect_key_memory();

}  // namespace cephx
