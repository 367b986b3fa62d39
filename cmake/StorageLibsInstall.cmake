# `cmake --install` gives headers, static libraries, the ops-charm-meta tool, a find_package config
# and pkg-config files.
include(CMakePackageConfigHelpers)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS ${STORAGE_LIBS_INSTALL_TARGETS} storage_libs_options
        EXPORT storage-libs-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# The metadata compiler, for out-of-tree charms' packing steps (docs/writing-a-charm.md); exported
# as storage_libs::ops-charm-meta.
install(TARGETS ops-charm-meta EXPORT storage-libs-targets
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT storage-libs-targets NAMESPACE storage_libs::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/storage-libs)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/storage-libs-config.cmake.in
                              ${PROJECT_BINARY_DIR}/storage-libs-config.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/storage-libs)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/storage-libs-config-version.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/storage-libs-config.cmake
              ${PROJECT_BINARY_DIR}/storage-libs-config-version.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/storage-libs)
configure_file(${PROJECT_SOURCE_DIR}/cmake/storage-libs.pc.in
               ${PROJECT_BINARY_DIR}/storage-libs.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/storage-libs.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
