# Installing rena as a library: librena-core / librena-sim / librena-hw, public
# headers under include/rena/, pkg-config files and a CMake package config,
# so a user's program can find_package(rena) or `pkg-config --libs rena-core`.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set_target_properties(rena_core PROPERTIES OUTPUT_NAME rena-core EXPORT_NAME core)
set_target_properties(rena_sim PROPERTIES OUTPUT_NAME rena-sim EXPORT_NAME sim)
set_target_properties(rena_hw PROPERTIES OUTPUT_NAME rena-hw EXPORT_NAME hw)

foreach(part core sim hw)
  file(GLOB headers ${PROJECT_SOURCE_DIR}/${part}/*.h)
  list(FILTER headers EXCLUDE REGEX "_internal\\.h$")
  install(FILES ${headers} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/rena COMPONENT dev)
endforeach()

install(TARGETS rena_core rena_sim rena_hw EXPORT renaTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
install(TARGETS rena RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenes ${PROJECT_SOURCE_DIR}/assets
        DESTINATION ${CMAKE_INSTALL_DATADIR}/rena
        PATTERN "*.py" EXCLUDE)

install(EXPORT renaTargets NAMESPACE rena:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rena)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/renaConfig.cmake.in
  ${PROJECT_BINARY_DIR}/renaConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rena)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/renaConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/renaConfig.cmake ${PROJECT_BINARY_DIR}/renaConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rena)

# pkg-config files find the prefix relative to themselves, so an installed
# tree can be moved (or installed with --prefix) and still work.
file(RELATIVE_PATH RENA_PC_PREFIX_REL ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
if(OpenMP_C_FOUND)
  set(RENA_PC_OPENMP "-fopenmp")
endif()
foreach(pc rena-core rena-sim rena-hw)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/${pc}.pc.in ${PROJECT_BINARY_DIR}/${pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/${pc}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()
