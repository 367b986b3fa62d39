# Project-wide compile settings applied through an interface target, never globally.
add_library(storage_libs_options INTERFACE)
target_compile_options(storage_libs_options INTERFACE -Wall -Wextra -Wpedantic)
if(STORAGE_LIBS_WERROR)
  target_compile_options(storage_libs_options INTERFACE -Werror)
endif()
if(STORAGE_LIBS_SANITIZE)
  # _GLIBCXX_ASSERTIONS: libstdc++ checks its preconditions (an empty std::optional dereferenced,
  # vector/string index out of range, std::get on the wrong alternative ...) and aborts.
  target_compile_options(storage_libs_options INTERFACE -fsanitize=address,undefined
                         -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_compile_definitions(storage_libs_options INTERFACE _GLIBCXX_ASSERTIONS)
  target_link_options(storage_libs_options INTERFACE -fsanitize=address,undefined)
endif()

# Charm binaries: libstdc++ and libgcc linked statically so they start on Ubuntu 22.04/24.04 with
# nothing extra installed; arc4random (GLIBC_2.36, pulled in by the static libstdc++) is served
# by src/ops/glibc_compat.cc so the oldest declared base (glibc 2.35) can run them.
#
# Peak RSS of a dispatch (issue #7, docs/benchmarks.md): a hook touches code spread over the whole
# binary and the kernel maps file pages 64 KiB around every fault, so the resident size follows
# the binary's size and the libraries it maps, not just the code that runs. Hence:
#   --gc-sections       drops the unreferenced sections (mostly unused template instantiations
#                       of nlohmann-json, fmt and libstdc++): about 20 % of the text;
#   -O1 --as-needed     no DT_NEEDED for a library nothing references;
#   libm                the only libm symbols are fegetround/fesetround (std::to_chars(double) in
#                       the static libstdc++); they are taken from the static libm (two leaf
#                       functions, no version reference), so libm.so (about 330 KiB resident) is
#                       not mapped at all.
find_file(STORAGE_LIBS_STATIC_LIBM NAMES libm.a PATHS ${CMAKE_CXX_IMPLICIT_LINK_DIRECTORIES}
          NO_DEFAULT_PATH)
mark_as_advanced(STORAGE_LIBS_STATIC_LIBM)
function(storage_libs_charm_binary target)
  target_link_libraries(${target} PRIVATE storage_libs_options)
  if(NOT STORAGE_LIBS_SANITIZE)
    target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc -Wl,--wrap=arc4random
                        -Wl,--gc-sections -Wl,-O1,--as-needed)
    target_sources(${target} PRIVATE $<TARGET_OBJECTS:storage_libs_glibc_compat>)
    if(STORAGE_LIBS_STATIC_LIBM AND CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
      target_link_options(${target} PRIVATE -Wl,-u,fegetround,-u,fesetround
                          -Wl,--push-state,-Bstatic,-lm,--pop-state)
    endif()
  endif()
endfunction()

# Precompiled headers for targets with many translation units: nlohmann/json.hpp alone is most of
# the compile time of this project. Off with STORAGE_LIBS_PCH=OFF (e.g. for include-what-you-use).
option(STORAGE_LIBS_PCH "Use precompiled headers" ON)
function(storage_libs_precompile target)
  if(STORAGE_LIBS_PCH)
    target_precompile_headers(${target} PRIVATE <nlohmann/json.hpp> <map> <optional> <string>
                              <string_view> <vector>)
  endif()
endfunction()
