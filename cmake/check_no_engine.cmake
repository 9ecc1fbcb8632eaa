# cmake -DBINARY=<file> -P check_no_engine.cmake: fails if the binary loads a database engine
# (SQLite, libpq/libpqxx) or cpp-httplib, as `ldd` lists its shared libraries.
execute_process(COMMAND ldd ${BINARY} OUTPUT_VARIABLE libs RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "ldd ${BINARY} failed (${rc})")
endif()
string(REGEX MATCHALL "[^\n]*(libsqlite3|libpq|cpp-httplib)[^\n]*" found "${libs}")
if(found)
  list(JOIN found "\n" found)
  message(FATAL_ERROR "${BINARY} links what it must not:\n${found}")
endif()
message(STATUS "${BINARY}: no SQLite, libpq or cpp-httplib")
