# Fails when a .ts file is not what lupdate would make of the sources now: runs lupdate on
# copies of them and compares. Writes nothing to the source tree.
# -DLUPDATE=<lupdate> -DSOURCES_LIST=<file naming the sources> -DTS_FILES=<a|b> -DOPTIONS=<a|b>
# -DINCLUDE_DIR=<dir> -DWORK_DIR=<scratch dir>
string(REPLACE "|" ";" TS_FILES "${TS_FILES}")
string(REPLACE "|" ";" OPTIONS "${OPTIONS}")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(copies)
foreach(ts IN LISTS TS_FILES)
  get_filename_component(name "${ts}" NAME)
  file(COPY_FILE "${ts}" "${WORK_DIR}/${name}")
  list(APPEND copies "${WORK_DIR}/${name}")
endforeach()
execute_process(COMMAND "${LUPDATE}" ${OPTIONS} -silent -I "${INCLUDE_DIR}" "@${SOURCES_LIST}"
                        -ts ${copies}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "lupdate failed (${rc}):\n${out}")
endif()
set(stale)
foreach(ts IN LISTS TS_FILES)
  get_filename_component(name "${ts}" NAME)
  file(READ "${ts}" before)
  file(READ "${WORK_DIR}/${name}" after)
  if(NOT before STREQUAL after)
    list(APPEND stale "${name}")
  endif()
endforeach()
if(stale)
  list(JOIN stale ", " stale)
  message(FATAL_ERROR "Translations are out of date with the sources (${stale}): run "
                      "`cmake --build <build dir> --target update_translations`, translate what "
                      "is new and commit the .ts files. lupdate's version is in ${WORK_DIR}.")
endif()
message(STATUS "The .ts files hold the strings of the sources")
