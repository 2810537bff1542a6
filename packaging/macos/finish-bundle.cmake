# Run by CPack (CPACK_PRE_BUILD_SCRIPTS, packaging/macos/macos.cmake) on the staged tree just before
# it becomes the disk image, never on an installation: makes quiver.app self-contained and signs it.
#  1. quiver-cli joins quiver and quiver-reader in Contents/MacOS; what else was staged outside the
#     bundle (bin/, and share/ with Linux's desktop files and a second copy of the model) goes.
#  2. macdeployqt copies Qt, its plugins and every other non-system library into
#     Contents/Frameworks and points the programs at them.
#  3. With QUIVER_CODESIGN_IDENTITY set (a "Developer ID Application: ..." identity in the
#     keychain), macdeployqt signs every binary with the hardened runtime and a secure timestamp,
#     ready for notarisation; without it the bundle is signed ad hoc, which Apple Silicon needs to
#     run code whose load commands macdeployqt rewrote.
#  4. Every binary in the bundle is checked to load nothing from outside it but the system's.
cmake_policy(PUSH)
cmake_policy(VERSION 3.25)
file(GLOB _apps "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/quiver.app"
                "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*/quiver.app")
list(LENGTH _apps _count)
if(NOT _count EQUAL 1)
  message(FATAL_ERROR "expected one quiver.app in ${CPACK_TEMPORARY_INSTALL_DIRECTORY}, found: ${_apps}")
endif()
list(GET _apps 0 app)
get_filename_component(root "${app}" DIRECTORY)

if(EXISTS "${root}/bin/quiver-cli")
  file(RENAME "${root}/bin/quiver-cli" "${app}/Contents/MacOS/quiver-cli")
endif()
file(REMOVE_RECURSE "${root}/bin" "${root}/share")
foreach(program quiver quiver-cli quiver-reader)
  if(NOT EXISTS "${app}/Contents/MacOS/${program}")
    message(FATAL_ERROR "quiver.app lacks Contents/MacOS/${program}")
  endif()
endforeach()

if(NOT CPACK_QUIVER_MACDEPLOYQT)
  message(FATAL_ERROR "macdeployqt was not found when configuring: cannot deploy Qt into quiver.app")
endif()
set(args "${app}" -always-overwrite "-executable=${app}/Contents/MacOS/quiver-cli"
         "-executable=${app}/Contents/MacOS/quiver-reader")
foreach(dir IN LISTS CPACK_QUIVER_LIBRARY_DIRS)
  list(APPEND args "-libpath=${dir}")
endforeach()
set(identity "$ENV{QUIVER_CODESIGN_IDENTITY}")
if(identity)
  list(APPEND args "-sign-for-notarization=${identity}")
endif()
execute_process(COMMAND "${CPACK_QUIVER_MACDEPLOYQT}" ${args} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "macdeployqt failed on ${app}")
endif()
if(NOT identity)
  execute_process(COMMAND codesign --force --deep --sign - "${app}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "ad-hoc signing of ${app} failed")
  endif()
endif()

# Self-containment: each Mach-O file may load only system libraries or ones inside the bundle.
file(GLOB_RECURSE _binaries LIST_DIRECTORIES false "${app}/Contents/MacOS/*"
     "${app}/Contents/Frameworks/*" "${app}/Contents/PlugIns/*")
set(_outside "")
foreach(binary IN LISTS _binaries)
  if(IS_SYMLINK "${binary}")
    continue()
  endif()
  execute_process(COMMAND otool -L "${binary}" OUTPUT_VARIABLE out ERROR_QUIET RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR out MATCHES "is not an object file")
    continue()
  endif()
  string(REPLACE "\n" ";" lines "${out}")
  list(REMOVE_AT lines 0)
  foreach(line IN LISTS lines)
    string(STRIP "${line}" line)
    if(line STREQUAL "" OR line MATCHES "^(/usr/lib/|/System/|@rpath/|@executable_path/|@loader_path/)")
      continue()
    endif()
    list(APPEND _outside "${binary}: ${line}")
  endforeach()
endforeach()
if(_outside)
  list(JOIN _outside "\n  " _outside)
  message(FATAL_ERROR "quiver.app loads libraries from outside the bundle:\n  ${_outside}")
endif()
message(STATUS "quiver.app is self-contained")
cmake_policy(POP)
