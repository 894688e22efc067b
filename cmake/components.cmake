# Making WASI 0.2 components for the tests: finds the pinned jco (tests/wasi_p2/package.json,
# installed by `./dev` with `npm ci`) and defines
#   jco_command(OUTPUT IN [ARGS...])  a build step running `jco ARGS`, writing OUTPUT from IN
#   component_guest(NAME C_FILE WIT_DIR WORLD)  a C guest importing wasi:* directly -> NAME.wasm
# Sets WASMCAP_JCO (the command: node + jco's entry point) when jco runs and is the pinned version;
# otherwise leaves it empty, sets WASMCAP_JCO_MISSING to why, and tells the user once: the
# component tests are then skipped, never a build failure.
include_guard(GLOBAL)

set(WASMCAP_JCO_VERSION 1.35.0) # keep in step with tests/wasi_p2/package.json
set(WASMCAP_NODE_TOOLS ${PROJECT_SOURCE_DIR}/tests/wasi_p2)
# Re-configure when `npm ci` changes what is installed (npm rewrites this file on every install).
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${WASMCAP_NODE_TOOLS}/package-lock.json)
if(EXISTS ${WASMCAP_NODE_TOOLS}/node_modules/.package-lock.json)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
    ${WASMCAP_NODE_TOOLS}/node_modules/.package-lock.json)
endif()

find_program(WASI_CLANG NAMES clang-19 clang)
set(WASMCAP_JCO "")
set(WASMCAP_JCO_MISSING "")
find_program(WASMCAP_NODE NAMES node nodejs)
set(jco_js ${WASMCAP_NODE_TOOLS}/node_modules/@bytecodealliance/jco/dist/jco.js)
if(NOT WASMCAP_NODE)
  set(WASMCAP_JCO_MISSING "node is not installed")
elseif(NOT EXISTS ${jco_js})
  set(WASMCAP_JCO_MISSING "jco is not installed in tests/wasi_p2/node_modules")
else()
  execute_process(COMMAND ${WASMCAP_NODE} ${jco_js} --version RESULT_VARIABLE rc
    OUTPUT_VARIABLE version ERROR_VARIABLE err OUTPUT_STRIP_TRAILING_WHITESPACE TIMEOUT 60)
  if(NOT rc EQUAL 0)
    set(WASMCAP_JCO_MISSING "`jco --version` failed: ${err}")
  elseif(NOT version STREQUAL WASMCAP_JCO_VERSION)
    set(WASMCAP_JCO_MISSING "jco ${version} is installed, the tests want ${WASMCAP_JCO_VERSION}")
  else()
    set(WASMCAP_JCO ${WASMCAP_NODE} ${jco_js})
  endif()
endif()
if(WASMCAP_JCO_MISSING)
  # NOTICE (stderr): `./dev` hides the configure step's stdout, and this should be seen.
  message(NOTICE "wasmcap: component tests skipped: ${WASMCAP_JCO_MISSING} "
    "(./dev installs it: `npm ci` in tests/wasi_p2, which needs registry.npmjs.org)")
endif()

# jco_command(OUTPUT IN [ARGS...]): a custom command running `jco ARGS...` that makes OUTPUT
# from IN (both absolute paths; ARGS name them). Only call it when WASMCAP_JCO is set.
function(jco_command output input)
  get_filename_component(name ${output} NAME)
  add_custom_command(OUTPUT ${output}
    COMMAND ${WASMCAP_JCO} ${ARGN}
    DEPENDS ${input} ${WASMCAP_NODE_TOOLS}/package-lock.json
    COMMENT "jco ${name}"
    VERBATIM)
endfunction()

# stage_wit(WIT_DIR OUT COPIES_VAR): the WIT folder jco and componentize-js read, made at OUT:
# WIT_DIR's files, and deps/<package>/ with copies of the vendored WASI packages (copies: jco's
# filesystem does not follow symbolic links). COPIES_VAR gets the copied files (to depend on).
function(stage_wit wit_dir out copies_var)
  file(GLOB wit_files ${wit_dir}/*.wit)
  file(GLOB wasi_wit RELATIVE ${PROJECT_SOURCE_DIR}/wit/wasi-0.2.12
    ${PROJECT_SOURCE_DIR}/wit/wasi-0.2.12/*/*.wit)
  set(copies)
  foreach(f ${wit_files})
    get_filename_component(base ${f} NAME)
    configure_file(${f} ${out}/${base} COPYONLY)
    list(APPEND copies ${out}/${base})
  endforeach()
  foreach(f ${wasi_wit})
    configure_file(${PROJECT_SOURCE_DIR}/wit/wasi-0.2.12/${f} ${out}/deps/${f} COPYONLY)
    list(APPEND copies ${out}/deps/${f})
  endforeach()
  set(${copies_var} ${copies} PARENT_SCOPE)
endfunction()

# component_guest(NAME C_FILE WIT_DIR WORLD): builds ${CMAKE_CURRENT_BINARY_DIR}/NAME.wasm, a
# component from a C file that calls wasi:* functions directly (declared by hand in canonical-ABI
# form, see tests/wasi_p2/wasi_p2.h) and exports what WORLD exports (wasi:cli/run's `run` as
# the export name "wasi:cli/run@0.2.12#run", plus `cabi_realloc` and the memory).
#   C_FILE  compiled with clang-19 for wasm32 without libc (-ffreestanding -nostdlib: no preview1
#           imports, so no adapter); -Wall -Wextra -Werror; tests/wasi_p2 on the include path.
#   WIT_DIR a folder with the world's .wit file(s) (one package); its dependencies are the vendored
#           WASI packages (wit/wasi-0.2.12), found through a deps/ folder made in the build tree.
#   WORLD   the world of WIT_DIR to embed.
# Steps: clang -> NAME.core.wasm, `jco embed` (tests/wasi_p2/jco_embed.mjs, which says why not
# the CLI's) -> NAME.embed.wasm, `jco new` -> NAME.wasm (no adapter: the guest imports no preview1).
# Adds the target component_NAME (part of ALL). Needs WASMCAP_JCO and WASI_CLANG.
function(component_guest name c_file wit_dir world)
  set(out ${CMAKE_CURRENT_BINARY_DIR})
  get_filename_component(c_file ${c_file} ABSOLUTE)
  get_filename_component(wit_dir ${wit_dir} ABSOLUTE)
  set(wit ${out}/${name}.wit)
  stage_wit(${wit_dir} ${wit} copies)

  add_custom_command(OUTPUT ${out}/${name}.core.wasm
    COMMAND ${WASI_CLANG} --target=wasm32-wasi -ffreestanding -nostdlib -O2 -Wall -Wextra -Werror
            -I${PROJECT_SOURCE_DIR}/tests/wasi_p2 -Wl,--no-entry -Wl,--strip-debug
            ${c_file} -o ${out}/${name}.core.wasm
    DEPENDS ${c_file} ${PROJECT_SOURCE_DIR}/tests/wasi_p2/wasi_p2.h
    COMMENT "component guest ${name}: core module"
    VERBATIM)
  add_custom_command(OUTPUT ${out}/${name}.embed.wasm
    COMMAND ${WASMCAP_NODE} ${WASMCAP_NODE_TOOLS}/jco_embed.mjs ${wit} ${world}
            ${out}/${name}.core.wasm ${out}/${name}.embed.wasm
    DEPENDS ${out}/${name}.core.wasm ${WASMCAP_NODE_TOOLS}/jco_embed.mjs ${copies}
    COMMENT "component guest ${name}: jco embed (world ${world})"
    VERBATIM)
  jco_command(${out}/${name}.wasm ${out}/${name}.embed.wasm
    new ${out}/${name}.embed.wasm -o ${out}/${name}.wasm)
  add_custom_target(component_${name} ALL DEPENDS ${out}/${name}.wasm)
endfunction()

# js_handler(NAME JS_FILE WIT_DIR WORLD): builds ${CMAKE_CURRENT_BINARY_DIR}/NAME.wasm, a
# component from a JavaScript module, with componentize-js (pinned in tests/wasi_p2/package.json;
# its engine, StarlingMonkey, makes a ~13 MB component; the build takes ~30 s). WIT_DIR holds the
# world; the vendored WASI packages are its deps (stage_wit), as for component_guest(). Sets
# WASMCAP_COMPONENTIZE_JS when the tool is installed; adds the target js_handler_NAME.
set(WASMCAP_COMPONENTIZE_JS "")
set(componentize_js ${WASMCAP_NODE_TOOLS}/node_modules/@bytecodealliance/componentize-js/src/cli.js)
if(WASMCAP_JCO AND EXISTS ${componentize_js})
  set(WASMCAP_COMPONENTIZE_JS ${WASMCAP_NODE} ${componentize_js})
endif()
function(js_handler name js_file wit_dir world)
  set(out ${CMAKE_CURRENT_BINARY_DIR})
  get_filename_component(js_file ${js_file} ABSOLUTE)
  get_filename_component(wit_dir ${wit_dir} ABSOLUTE)
  set(wit ${out}/${name}.wit)
  stage_wit(${wit_dir} ${wit} copies)
  add_custom_command(OUTPUT ${out}/${name}.wasm
    COMMAND ${WASMCAP_COMPONENTIZE_JS} ${js_file} --wit ${wit} --world-name ${world}
            -o ${out}/${name}.wasm
    DEPENDS ${js_file} ${copies} ${WASMCAP_NODE_TOOLS}/package-lock.json
    COMMENT "componentize-js ${name}.wasm"
    VERBATIM)
  add_custom_target(js_handler_${name} ALL DEPENDS ${out}/${name}.wasm)
endfunction()
