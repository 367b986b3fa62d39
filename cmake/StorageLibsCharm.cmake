# storage_libs_charm_dir(<binary target> NAME <charm name> CHARMCRAFT <path to charmcraft.yaml>)
#
# After <binary target> links, assembles a deployable charm directory
#   ${PROJECT_BINARY_DIR}/charms/<name>/{charmcraft.yaml, .ops-cpp-meta.json, dispatch}
# where `dispatch` is the stripped charm binary (mode 0755) and .ops-cpp-meta.json the metadata
# compiled by ops-charm-meta (so hooks skip YAML parsing). juju-sim deploys such a directory;
# scripts/pack-charms zips it into a .charm.
function(storage_libs_charm_dir target)
  cmake_parse_arguments(ARG "" "NAME;CHARMCRAFT" "" ${ARGN})
  set(dir ${PROJECT_BINARY_DIR}/charms/${ARG_NAME})
  find_program(STORAGE_LIBS_STRIP NAMES strip REQUIRED)
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
    COMMAND ${CMAKE_COMMAND} -E copy_if_different ${ARG_CHARMCRAFT} ${dir}/charmcraft.yaml
    COMMAND ${STORAGE_LIBS_STRIP} --strip-all -o ${dir}/dispatch $<TARGET_FILE:${target}>
    COMMAND chmod 0755 ${dir}/dispatch
    COMMAND $<TARGET_FILE:ops-charm-meta> compile ${dir}
    COMMENT "Assembling charm directory charms/${ARG_NAME}"
    VERBATIM)
  add_dependencies(${target} ops-charm-meta)
endfunction()
