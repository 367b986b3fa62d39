// Lets the charm binaries run on Ubuntu 22.04 (glibc 2.35) although the build machine has glibc
// 2.36: the static libstdc++ of GCC 12 calls arc4random (GLIBC_2.36) in std::random_device, which
// gets linked in through libstdc++'s own COW-string instantiations even though no charm uses it.
// Charm binaries (storage_libs_charm_binary) are linked with -Wl,--wrap=arc4random, so that
// reference lands here and is served by getrandom(2) (GLIBC_2.25) instead. Nothing else in the
// binary changes.
#include <sys/random.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>

// The name is the linker's: --wrap=arc4random resolves arc4random to __wrap_arc4random.
extern "C" std::uint32_t __wrap_arc4random(void) {  // NOLINT(bugprone-reserved-identifier)
  std::uint32_t value = 0;
  auto* out = reinterpret_cast<unsigned char*>(&value);
  std::size_t left = sizeof value;
  while (left > 0) {
    const ssize_t n = ::getrandom(out, left, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::abort();  // as arc4random, which cannot fail
    }
    out += n;
    left -= static_cast<std::size_t>(n);
  }
  return value;
}
