# Install-time step (packaging/macos/macos.cmake): builds quiver.icns, the bundle's icon set, from
# the PNGs that resources/ renders from the SVG at build time. iconutil takes a folder of
# icon_<size>x<size>[@2x].png files; each entry below is "<rendered size> <name in the set>".
# Inputs: QUIVER_ICON_PNG_DIR, QUIVER_ICONSET_DIR, QUIVER_ICNS_DESTINATION (relative to the prefix).
cmake_policy(PUSH)
cmake_policy(VERSION 3.25)
set(_entries
    "16 icon_16x16" "32 icon_16x16@2x" "32 icon_32x32" "64 icon_32x32@2x" "128 icon_128x128"
    "256 icon_128x128@2x" "256 icon_256x256" "512 icon_256x256@2x" "512 icon_512x512")
file(REMOVE_RECURSE "${QUIVER_ICONSET_DIR}")
file(MAKE_DIRECTORY "${QUIVER_ICONSET_DIR}")
foreach(entry IN LISTS _entries)
  string(REPLACE " " ";" entry "${entry}")
  list(GET entry 0 size)
  list(GET entry 1 name)
  if(NOT EXISTS "${QUIVER_ICON_PNG_DIR}/quiver-${size}.png")
    message(FATAL_ERROR "${QUIVER_ICON_PNG_DIR}/quiver-${size}.png is missing: build first")
  endif()
  file(COPY_FILE "${QUIVER_ICON_PNG_DIR}/quiver-${size}.png" "${QUIVER_ICONSET_DIR}/${name}.png")
endforeach()

set(_destination "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}/${QUIVER_ICNS_DESTINATION}")
file(MAKE_DIRECTORY "${_destination}")
message(STATUS "Installing: ${_destination}/quiver.icns")
execute_process(COMMAND iconutil --convert icns --output "${_destination}/quiver.icns"
                        "${QUIVER_ICONSET_DIR}"
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "iconutil could not make quiver.icns from ${QUIVER_ICONSET_DIR}")
endif()
cmake_policy(POP)
