# strata_embed(OUTPUT <file.cc> NAMESPACE <ns> BASE <dir> FILES <files...>)
#
# Compiles data files (schema SQL, the release catalogue) into the binaries, so that an
# installed `strata` needs nothing beside it. The generated source defines
#   const std::vector<EmbeddedFile>& <ns>::EmbeddedFiles();
# with each file's path relative to BASE and its bytes.
function(strata_embed)
  cmake_parse_arguments(ARG "" "OUTPUT;NAMESPACE;BASE" "FILES" ${ARGN})
  add_custom_command(
    OUTPUT ${ARG_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${ARG_OUTPUT} -DNAMESPACE=${ARG_NAMESPACE}
            -DBASE=${ARG_BASE} "-DFILES=${ARG_FILES}" -P ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    DEPENDS ${ARG_FILES} ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    COMMENT "Embedding ${ARG_NAMESPACE} data files"
    VERBATIM)
endfunction()
