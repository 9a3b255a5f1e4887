# Layering by include directories (DESIGN.md, "Rules of the house"): core depends on nothing of
# ours; sim, imaging and topology on core only; app on all. Headers are included from the project
# root ("core/x.hpp", "imaging/detect/y.hpp"), so instead of the root every library gets one or more
# include roots in the build tree, each holding symbolic links to the source folders (or single
# headers) it may use, and nothing else: `#include "sim/…"` in imaging then fails with "No such
# file" at compile time. The executables, tests, validation and benchmarks may use every layer and
# include the project root. tests/layers/include_layers.py checks that forbidden includes fail.

set(NANOMIX_INCLUDE_ROOTS "${PROJECT_BINARY_DIR}/include_roots")

# nanomix_include_root(NAME PATH...): ${NANOMIX_INCLUDE_ROOTS}/NAME holding a symbolic link for
# each PATH (a folder or a header, relative to the project root) at the same relative path.
function(nanomix_include_root name)
  set(root "${NANOMIX_INCLUDE_ROOTS}/${name}")
  file(REMOVE_RECURSE "${root}")
  foreach(path IN LISTS ARGN)
    if(NOT EXISTS "${PROJECT_SOURCE_DIR}/${path}")
      message(FATAL_ERROR "nanomix_include_root(${name}): ${path} does not exist")
    endif()
    get_filename_component(parent "${root}/${path}" DIRECTORY)
    file(MAKE_DIRECTORY "${parent}")
    file(CREATE_LINK "${PROJECT_SOURCE_DIR}/${path}" "${root}/${path}" SYMBOLIC)
  endforeach()
endfunction()
