# Windows installer (NSIS): Start-menu entry, uninstaller, upgrades in place. The installed tree:
#   bin/           quiver.exe, quiver-cli.exe, quiver-reader.exe, every DLL they load (the libraries
#                  of vcpkg.json, Qt's with its plugins, the MSVC runtime)
#   bin/models/    the local sentence model (cmake/QuiverModelFiles.cmake)
#   share/misc/    libmagic's database, where libmagic looks for it next to a program in bin/
# PostgreSQL's server programs for the private database are found on the system (QUIVER_PG_BINDIR,
# then the EnterpriseDB installer's folders) unless QUIVER_BUNDLE_PG_DIR names one to bundle.
set(QUIVER_BUNDLE_PG_DIR "" CACHE PATH "PostgreSQL installation whose bin/lib/share to bundle")
set(QUIVER_BUNDLE_TESSDATA_DIR "" CACHE PATH "Folder of Tesseract .traineddata files to bundle")
include(${CMAKE_CURRENT_LIST_DIR}/../bundle-helpers.cmake)

# The staging tree is the installation folder itself (packaging/CMakeLists.txt's /usr is Linux's).
set(CPACK_PACKAGING_INSTALL_PREFIX "/")

# Libraries from vcpkg: its toolchain copies each program's DLLs next to it at install time.
set(_quiver_programs quiver-cli quiver-reader)
if(TARGET quiver)
  list(APPEND _quiver_programs quiver)
endif()
if(COMMAND x_vcpkg_install_local_dependencies)
  x_vcpkg_install_local_dependencies(TARGETS ${_quiver_programs} DESTINATION bin)
endif()

# The MSVC runtime, app-local, so that no separate redistributable must be installed first.
set(CMAKE_INSTALL_SYSTEM_RUNTIME_DESTINATION bin)
include(InstallRequiredSystemLibraries)

# Qt's DLLs and plugins (platform, styles, image formats, TLS) beside quiver.exe;
# quiver-cli and quiver-reader share the same folder and so the same Qt.
quiver_find_qt_deploy_tool(WINDEPLOYQT_EXE windeployqt)
if(WINDEPLOYQT_EXE AND TARGET quiver)
  install(CODE "
    execute_process(COMMAND \"${WINDEPLOYQT_EXE}\" --release --no-translations --no-compiler-runtime
                            \"\${CMAKE_INSTALL_PREFIX}/bin/quiver.exe\"
                    RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR \"windeployqt failed\")
    endif()")
elseif(TARGET quiver)
  message(WARNING "windeployqt not found: the installer will lack Qt's DLLs")
endif()

# libmagic (vcpkg's build) looks for <program dir>/../share/misc/magic.mgc when its program lies
# in a folder named bin, so the database goes there. QUIVER_LIBMAGIC is lib/magic.lib; vcpkg keeps
# the database in share/libmagic/misc.
get_filename_component(_quiver_magic_prefix "${QUIVER_LIBMAGIC}" DIRECTORY)
get_filename_component(_quiver_magic_prefix "${_quiver_magic_prefix}" DIRECTORY)
find_file(QUIVER_MAGIC_DATABASE magic.mgc NO_DEFAULT_PATH
          PATHS "${_quiver_magic_prefix}/share/libmagic/misc" "${_quiver_magic_prefix}/share/misc")
if(QUIVER_MAGIC_DATABASE)
  install(FILES "${QUIVER_MAGIC_DATABASE}" DESTINATION share/misc)
else()
  message(WARNING "libmagic's magic.mgc not found near ${QUIVER_LIBMAGIC}: the installed Quiver "
                  "will not recognise file types")
endif()

quiver_bundle_tessdata(share/tessdata)

if(QUIVER_BUNDLE_PG_DIR)
  install(DIRECTORY "${QUIVER_BUNDLE_PG_DIR}/bin" "${QUIVER_BUNDLE_PG_DIR}/lib"
                    "${QUIVER_BUNDLE_PG_DIR}/share" DESTINATION pgsql)
endif()

set(CPACK_PACKAGE_FILE_NAME "quiver-${PROJECT_VERSION}-win64")
set(CPACK_NSIS_PACKAGE_NAME "Quiver")
set(CPACK_NSIS_DISPLAY_NAME "Quiver ${PROJECT_VERSION}")
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\quiver.exe")
set(CPACK_NSIS_URL_INFO_ABOUT "${PROJECT_HOMEPAGE_URL}")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_NSIS_MODIFY_PATH OFF)
set(CPACK_NSIS_EXECUTABLES_DIRECTORY "bin")
set(CPACK_NSIS_MENU_LINKS "bin/quiver.exe" "Quiver")
# A fixed code, so that a newer installer replaces an older one (also used by WiX builds).
set(CPACK_WIX_UPGRADE_GUID "6C1B0E4A-5B7E-4D2F-9A51-2E9C7B0F4D31")
