# quiver_add_test(<name> SOURCES <files...> [LIBS <targets...>] LABELS <labels...> [UNPRIVILEGED])
#
# One Qt Test executable per unit, registered with CTest. The labels decide the environment:
#   unit      plain; no server, no network beyond loopback
#   db        requires the shared PostgreSQL fixture (QUIVER_TEST_PG_DIR points at it)
#   keychain  runs inside dbus-run-session with a fresh, unlocked gnome-keyring
#   gui       runs on the offscreen platform
# UNPRIVILEGED runs the test as the `postgres` system user when ctest runs as root.

# Short and fixed: Unix socket paths must stay under ~100 bytes.
string(MD5 _quiver_build_hash "${PROJECT_BINARY_DIR}")
string(SUBSTRING "${_quiver_build_hash}" 0 10 _quiver_build_hash)
set(QUIVER_TEST_PG_DIR "/tmp/quiver-pg-${_quiver_build_hash}")

function(quiver_add_test name)
  cmake_parse_arguments(T "UNPRIVILEGED" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE Qt6::Test quiver_test_harness ${T_LIBS})

  set(command $<TARGET_FILE:${name}>)
  if(T_UNPRIVILEGED)
    list(PREPEND command ${PROJECT_SOURCE_DIR}/tests/harness/as_unprivileged.sh)
  endif()
  if("keychain" IN_LIST T_LABELS)
    list(PREPEND command ${PROJECT_SOURCE_DIR}/tests/harness/with_keychain.sh)
  endif()
  add_test(NAME ${name} COMMAND ${command})
  # Imports read files in the quiver-reader helper, found through QUIVER_READER_PROGRAM. The
  # index engine's and the map's tests need neither it nor the rest of core (the ThreadSanitizer
  # stage builds only the engine's).
  set(engine_only TRUE)
  foreach(lib IN LISTS T_LIBS)
    if(NOT lib STREQUAL "quiver_diskann" AND NOT lib STREQUAL "quiver_map")
      set(engine_only FALSE)
    endif()
  endforeach()
  if(NOT engine_only)
    add_dependencies(${name} quiver-reader)
  endif()

  set(env "LC_ALL=C.UTF-8" "QT_QPA_PLATFORM=offscreen" "QUIVER_TEST_PG_DIR=${QUIVER_TEST_PG_DIR}"
          "QUIVER_SOURCE_DIR=${PROJECT_SOURCE_DIR}" "QUIVER_BINARY_DIR=${PROJECT_BINARY_DIR}"
          "QUIVER_READER_PROGRAM=$<TARGET_FILE:quiver-reader>"
          "ASAN_OPTIONS=detect_leaks=1:abort_on_error=1"
          "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/harness/lsan.supp:print_suppressions=0"
          "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}" ENVIRONMENT "${env}"
                                          TIMEOUT ${T_TIMEOUT})
  if("db" IN_LIST T_LABELS)
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED pg)
  endif()
endfunction()
