# Windows-only link settings for the addon, included from CMakeLists.txt under if(WIN32).
# Two ways to get here:
#  - MSVC through cmake-js on Windows (`pnpm install` / `pnpm run build:native`): cmake-js passes the Node-API
#    .def file (package.json "binary.napi_versions") and where to put node.lib; we generate node.lib from it.
#  - MinGW-w64 cross-compiling on Linux (cmake/mingw-w64-x86_64.cmake, scripts/test-windows.sh): no cmake-js,
#    so we make the import library for node.exe's Node-API exports ourselves with dlltool, and link the GCC
#    runtime statically so the .node file needs nothing but system DLLs.
target_link_libraries(${PROJECT_NAME} PRIVATE ws2_32)
# _WIN32_WINNT 0x0601 (Windows 7): CancelIoEx and thread-pool waits.
target_compile_definitions(${PROJECT_NAME} PRIVATE WIN32_LEAN_AND_MEAN NOMINMAX _WIN32_WINNT=0x0601)

if(MSVC)
  if(CMAKE_JS_NODELIB_DEF AND CMAKE_JS_NODELIB_TARGET)
    execute_process(COMMAND ${CMAKE_AR} /def:${CMAKE_JS_NODELIB_DEF} /out:${CMAKE_JS_NODELIB_TARGET}
                            ${CMAKE_STATIC_LINKER_FLAGS})
  endif()
  target_compile_options(${PROJECT_NAME} PRIVATE /W3 /EHsc)
elseif(MINGW)
  execute_process(
    COMMAND node -p "require('node-api-headers').def_paths.node_api_def"
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
    OUTPUT_VARIABLE NODE_API_DEF
    OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT CMAKE_JS_INC)
    execute_process(
      COMMAND node -p "require('node-api-headers').include_dir"
      WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
      OUTPUT_VARIABLE NODE_API_INCLUDE
      OUTPUT_STRIP_TRAILING_WHITESPACE)
    target_include_directories(${PROJECT_NAME} PRIVATE ${NODE_API_INCLUDE})
  endif()
  if(NOT CMAKE_DLLTOOL)
    set(CMAKE_DLLTOOL dlltool)
  endif()
  # The def names NODE.EXE: the symbols resolve against the executable that loads the addon.
  set(NODE_API_IMPLIB ${CMAKE_CURRENT_BINARY_DIR}/libnode_api.a)
  add_custom_command(
    OUTPUT ${NODE_API_IMPLIB}
    COMMAND ${CMAKE_DLLTOOL} -d ${NODE_API_DEF} -l ${NODE_API_IMPLIB}
    DEPENDS ${NODE_API_DEF}
    COMMENT "Import library for node.exe's Node-API exports")
  add_custom_target(node_api_implib DEPENDS ${NODE_API_IMPLIB})
  add_dependencies(${PROJECT_NAME} node_api_implib)
  target_link_libraries(${PROJECT_NAME} PRIVATE ${NODE_API_IMPLIB})
  # -static: libstdc++, libgcc and winpthread go into the .node; only system DLLs remain as imports.
  target_link_options(${PROJECT_NAME} PRIVATE -static -static-libgcc -static-libstdc++)
  target_compile_options(${PROJECT_NAME} PRIVATE -Wall -Wextra -Wno-unused-parameter -Wno-cast-function-type)
endif()
