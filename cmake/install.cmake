# Installation: the engine's objects bundled twice without a second compile, as a static library
# libwasmcap.a and a shared library libwasmcap.so.MAJOR (soname, only the public C and C++ API
# exported: libwasmcap.map), the public headers, a CMake package (find_package(wasmcap):
# wasmcap::wasmcap is the shared library, wasmcap::static the static one) and pkg-config files
# for both (wasmcap, wasmcap-static). Included at the end of the root CMakeLists.txt.
if(NOT TARGET wasmcap_api)
  return()
endif()
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# The layers the public API needs, in dependency order (wast and the CLI are not part of it).
set(wasmcap_bundled_layers support wit wit_tables ir binary validate component text runtime interp
  llvm wasi profile api)
set(wasmcap_bundled_objects)
foreach(layer ${wasmcap_bundled_layers})
  if(TARGET wasmcap_${layer})
    list(APPEND wasmcap_bundled_objects $<TARGET_OBJECTS:wasmcap_${layer}>)
  endif()
endforeach()

# `wasmcap` is the CLI's target name, so the libraries are wasmcap_lib (libwasmcap.a, exported as
# wasmcap::static) and wasmcap_shared (libwasmcap.so, exported as wasmcap::wasmcap).
add_library(wasmcap_lib STATIC ${wasmcap_bundled_objects})
set_target_properties(wasmcap_lib PROPERTIES OUTPUT_NAME wasmcap EXPORT_NAME static
  LINKER_LANGUAGE CXX)
target_include_directories(wasmcap_lib INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
add_library(wasmcap::static ALIAS wasmcap_lib)

set(wasmcap_map ${CMAKE_CURRENT_LIST_DIR}/libwasmcap.map)
add_library(wasmcap_shared SHARED ${wasmcap_bundled_objects})
set_target_properties(wasmcap_shared PROPERTIES OUTPUT_NAME wasmcap EXPORT_NAME wasmcap
  LINKER_LANGUAGE CXX VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR}
  LINK_DEPENDS ${wasmcap_map})
target_include_directories(wasmcap_shared INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
find_package(Threads REQUIRED)
target_link_libraries(wasmcap_shared PRIVATE Threads::Threads ${CMAKE_DL_LIBS})
# -z defs: every symbol the engine uses is resolved at link time (a layer missing from the bundle
# fails here, not in an embedder's program); not under the sanitizers, whose runtime the
# executable provides.
target_link_options(wasmcap_shared PRIVATE -Wl,--version-script=${wasmcap_map})
if(NOT WASMCAP_SANITIZED)
  target_link_options(wasmcap_shared PRIVATE -Wl,-z,defs)
endif()
add_library(wasmcap::wasmcap ALIAS wasmcap_shared)

# What a program linking libwasmcap.a needs besides it: the C++ runtime (a C program links with
# the C++ linker, or adds -lstdc++), and the sanitizer runtimes when the library was built with
# them (an ASan build's objects call into them). Not libLLVM: the JIT tier is the plugin
# lib/wasmcap/libwasmcap-llvm.so (src/llvm/CMakeLists.txt), loaded on the first JIT compile.
set(wasmcap_pc_libs_private "-lstdc++ -lm")
set(wasmcap_pc_link_flags "")
set(wasmcap_pc_shared_link_flags "")
if(WASMCAP_SANITIZE)
  target_link_options(wasmcap_lib INTERFACE -fsanitize=address,undefined)
  # A C driver would leave out UBSan's C++ half (the library's vptr checks need it), and that
  # half needs the C++ runtime on the command line (a C program on the shared library would
  # otherwise have it only indirectly, which the linker does not accept).
  target_link_options(wasmcap_shared INTERFACE -fsanitize=address,undefined
    -fsanitize-link-c++-runtime)
  target_link_libraries(wasmcap_shared INTERFACE stdc++)
  set(wasmcap_pc_link_flags " -fsanitize=address,undefined -fsanitize-link-c++-runtime")
  set(wasmcap_pc_shared_link_flags "${wasmcap_pc_link_flags} -lstdc++")
endif()

install(TARGETS wasmcap_lib wasmcap_shared EXPORT wasmcapTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/wasmcap DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp")
install(FILES ${PROJECT_SOURCE_DIR}/include/wasm.h ${PROJECT_SOURCE_DIR}/include/wasmcap.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(wasmcap_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/wasmcap)
install(EXPORT wasmcapTargets NAMESPACE wasmcap:: DESTINATION ${wasmcap_cmake_dir})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/wasmcapConfig.cmake.in
  ${PROJECT_BINARY_DIR}/wasmcapConfig.cmake INSTALL_DESTINATION ${wasmcap_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/wasmcapConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/wasmcapConfig.cmake
  ${PROJECT_BINARY_DIR}/wasmcapConfigVersion.cmake DESTINATION ${wasmcap_cmake_dir})

# pkg-config: ${pcfiledir}-relative, so the installed tree can move.
file(RELATIVE_PATH wasmcap_pc_to_prefix /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" wasmcap_pc_to_prefix "${wasmcap_pc_to_prefix}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/wasmcap.pc.in ${PROJECT_BINARY_DIR}/wasmcap.pc @ONLY)
configure_file(${CMAKE_CURRENT_LIST_DIR}/wasmcap-static.pc.in ${PROJECT_BINARY_DIR}/wasmcap-static.pc
  @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/wasmcap.pc ${PROJECT_BINARY_DIR}/wasmcap-static.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
