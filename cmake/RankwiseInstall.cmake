# `cmake --install build --prefix P`: the layout of an HPC software stack (docs/install.md).
#   P/bin/rankwise, P/bin/rankwise-report
#   P/lib/rankwise/librankwise_ogr.so        looked for at <exe dir>/../lib/rankwise (vector_source.cpp)
#   P/<libdir>/librankwise_core.a, P/include/rankwise/...   the library, for find_package(rankwise)
#   P/<libdir>/cmake/rankwise/                rankwiseConfig.cmake, version file, rankwise::core
#   P/share/rankwise/jobs/, P/share/doc/rankwise/, P/share/modulefiles/rankwise/<version>[.lua]
#   P/lib/python3/dist-packages/rankwise/     the Python package (on PYTHONPATH by the modulefiles)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(RANKWISE_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/rankwise)

install(TARGETS rankwise RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# Always lib/, never lib64/ or lib/<multiarch>/: the executable looks exactly there.
install(TARGETS rankwise_ogr LIBRARY DESTINATION lib/rankwise)
install(PROGRAMS ${PROJECT_SOURCE_DIR}/tools/rankwise-report DESTINATION ${CMAKE_INSTALL_BINDIR})

# The library, its headers and the generated one (build_info.hpp) beside them.
set_target_properties(rankwise_core PROPERTIES EXPORT_NAME core)
set_target_properties(rankwise_sanitize PROPERTIES EXPORT_NAME sanitize)
install(TARGETS rankwise_core rankwise_sanitize EXPORT rankwiseTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/rankwise DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.hpp")
install(FILES ${PROJECT_BINARY_DIR}/generated/rankwise/build_info.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/rankwise)

install(EXPORT rankwiseTargets NAMESPACE rankwise:: DESTINATION ${RANKWISE_INSTALL_CMAKEDIR})
# PROJ as the build found it: its own CMake config, or the library we wrapped ourselves.
if(PROJ_FOUND)
  set(RANKWISE_PROJ_FROM_CONFIG TRUE)
else()
  set(RANKWISE_PROJ_FROM_CONFIG FALSE)
endif()
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/rankwiseConfig.cmake.in
  ${PROJECT_BINARY_DIR}/package/rankwiseConfig.cmake
  INSTALL_DESTINATION ${RANKWISE_INSTALL_CMAKEDIR})
# 0.x: a new minor version may change the API, so only the same minor version is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/package/rankwiseConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/package/rankwiseConfig.cmake
              ${PROJECT_BINARY_DIR}/package/rankwiseConfigVersion.cmake
        DESTINATION ${RANKWISE_INSTALL_CMAKEDIR})

# Job scripts and documentation (README.md beside docs/, so the README's links still resolve).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/jobs/ DESTINATION ${CMAKE_INSTALL_DATADIR}/rankwise/jobs
        USE_SOURCE_PERMISSIONS)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)

# The Python package (python/, docs/python.md): P/lib/python3/dist-packages/rankwise/, where
# Debian's python3 finds packages under a prefix; elsewhere the modulefiles put this directory
# on PYTHONPATH.
set(_mf_pythondir "")
if(TARGET rankwise_python)
  set(RANKWISE_INSTALL_PYTHONDIR lib/python3/dist-packages CACHE STRING
      "Python site-packages directory under the prefix (the package goes in its rankwise/)")
  install(TARGETS rankwise_python LIBRARY DESTINATION ${RANKWISE_INSTALL_PYTHONDIR}/rankwise)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/python/rankwise/
          DESTINATION ${RANKWISE_INSTALL_PYTHONDIR}/rankwise FILES_MATCHING PATTERN "*.py")
  set(_mf_pythondir ${RANKWISE_INSTALL_PYTHONDIR})
endif()

# Modulefiles (Lmod .lua, and Tcl for Environment Modules) that name the prefix given at
# install time (`--prefix` is only known then), so they can also be copied to a site's
# central modulefile tree. Written into the build tree, then installed like any file.
set(_mf_dir ${CMAKE_INSTALL_DATADIR}/modulefiles/rankwise)
set(_mf_stage ${PROJECT_BINARY_DIR}/package/modulefiles)
install(CODE "
  get_filename_component(RANKWISE_ROOT \"\${CMAKE_INSTALL_PREFIX}\" ABSOLUTE)
  set(RANKWISE_VERSION \"${PROJECT_VERSION}\")
  set(RANKWISE_PYTHONDIR \"${_mf_pythondir}\")
  configure_file(\"${PROJECT_SOURCE_DIR}/cmake/modulefile.lua.in\"
                 \"${_mf_stage}/${PROJECT_VERSION}.lua\" @ONLY)
  configure_file(\"${PROJECT_SOURCE_DIR}/cmake/modulefile.tcl.in\"
                 \"${_mf_stage}/${PROJECT_VERSION}\" @ONLY)
  file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${_mf_dir}\" TYPE FILE FILES
       \"${_mf_stage}/${PROJECT_VERSION}.lua\" \"${_mf_stage}/${PROJECT_VERSION}\")
")

