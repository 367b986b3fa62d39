# Third-party dependencies, all from Debian's packages (scripts/install-deps installs them).
find_package(nlohmann_json 3.10 REQUIRED)
find_package(fmt 9 REQUIRED)
find_package(Threads REQUIRED)
# Command lines: ops-charm-meta (always built) and juju-sim.
find_package(CLI11 REQUIRED)

# yaml-cpp: Debian's CMake config only exports the shared library. Charm binaries must run on
# Ubuntu machines without yaml-cpp installed, so link the static archive Debian also ships.
find_library(STORAGE_LIBS_YAML_CPP_STATIC NAMES libyaml-cpp.a REQUIRED)
if(NOT TARGET storage_libs_yaml_cpp)
  add_library(storage_libs_yaml_cpp STATIC IMPORTED GLOBAL)
  set_target_properties(storage_libs_yaml_cpp PROPERTIES
                        IMPORTED_LOCATION ${STORAGE_LIBS_YAML_CPP_STATIC})
endif()

if(STORAGE_LIBS_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
if(STORAGE_LIBS_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
if(STORAGE_LIBS_BUILD_JUJU_SIM)
  find_package(SQLite3 REQUIRED)
endif()
