# macOS disk image: quiver.app and a link to /Applications to drag it onto. The bundle holds
# everything, so that it can be signed and notarised as one:
#   Contents/MacOS/       quiver, quiver-cli, quiver-reader
#   Contents/Frameworks/  Qt and the libraries of vcpkg.json (copied there by macdeployqt)
#   Contents/Resources/   quiver.icns, the local model (models/<name>), libmagic's magic.mgc
#   Contents/Info.plist   bundle id io.quiver.Quiver, version and icon (app/CMakeLists.txt)
# The icon set and the model go in at install time; macdeployqt, moving quiver-cli inside and the
# optional signature happen on CPack's staged copy only (finish-bundle.cmake), so that a plain
# `cmake --install` never deletes anything. PostgreSQL's server programs come from Homebrew or
# Postgres.app (found at run time) unless QUIVER_BUNDLE_PG_DIR names an installation to copy in.
set(QUIVER_BUNDLE_PG_DIR "" CACHE PATH "PostgreSQL installation whose bin/lib/share to bundle")
set(QUIVER_BUNDLE_TESSDATA_DIR "" CACHE PATH "Folder of Tesseract .traineddata files to bundle")
include(${CMAKE_CURRENT_LIST_DIR}/../bundle-helpers.cmake)

# The staging tree is the disk image's root (packaging/CMakeLists.txt's /usr is Linux's).
set(CPACK_PACKAGING_INSTALL_PREFIX "/")
set(CPACK_PACKAGE_FILE_NAME "quiver-${PROJECT_VERSION}-macos-${CMAKE_SYSTEM_PROCESSOR}")
set(CPACK_DMG_VOLUME_NAME "Quiver")
set(CPACK_DMG_FORMAT "UDZO")

if(NOT TARGET quiver)
  # A headless build (QUIVER_BUILD_GUI=OFF) has no bundle: an archive of bin/ and share/.
  set(CPACK_GENERATOR "TGZ")
  return()
endif()

set(_quiver_resources quiver.app/Contents/Resources)

# The local model, from the build tree's copy (target quiver_model_files); ModelLocator looks in
# <exe dir>/../Resources/models/<name>.
install(DIRECTORY "${PROJECT_BINARY_DIR}/share/quiver/models/" DESTINATION "${_quiver_resources}/models")

# libmagic's database. QUIVER_LIBMAGIC is <prefix>/lib/libmagic.dylib; vcpkg keeps the database in
# share/libmagic/misc, Homebrew in share/misc.
get_filename_component(_quiver_magic_libdir "${QUIVER_LIBMAGIC}" DIRECTORY)
find_file(QUIVER_MAGIC_DATABASE magic.mgc NO_DEFAULT_PATH
          PATHS "${_quiver_magic_libdir}/../share/libmagic/misc" "${_quiver_magic_libdir}/../share/misc")
if(QUIVER_MAGIC_DATABASE)
  install(FILES "${QUIVER_MAGIC_DATABASE}" DESTINATION "${_quiver_resources}")
else()
  message(WARNING "libmagic's magic.mgc not found near ${QUIVER_LIBMAGIC}: the bundle will lack it")
endif()

# The icon set (Info.plist names quiver.icns), from the PNGs rendered at build time.
install(CODE "set(QUIVER_ICON_PNG_DIR \"${PROJECT_BINARY_DIR}/resources/icons\")
              set(QUIVER_ICONSET_DIR \"${CMAKE_CURRENT_BINARY_DIR}/quiver.iconset\")
              set(QUIVER_ICNS_DESTINATION \"${_quiver_resources}\")")
install(SCRIPT "${CMAKE_CURRENT_LIST_DIR}/make-icns.cmake")

quiver_bundle_tessdata("${_quiver_resources}/tessdata")

if(QUIVER_BUNDLE_PG_DIR)
  install(DIRECTORY "${QUIVER_BUNDLE_PG_DIR}/bin" "${QUIVER_BUNDLE_PG_DIR}/lib"
                    "${QUIVER_BUNDLE_PG_DIR}/share" DESTINATION "${_quiver_resources}/pgsql")
endif()

quiver_find_qt_deploy_tool(MACDEPLOYQT_EXE macdeployqt)
if(NOT MACDEPLOYQT_EXE)
  message(WARNING "macdeployqt not found: `cpack` will fail to make the disk image")
endif()

# Where macdeployqt finds the libraries the programs name by @rpath (installed programs carry no
# build-tree rpath): Qt's and libmagic's folders, which are vcpkg's one lib folder in CI.
get_target_property(_quiver_qtcore Qt6::Core IMPORTED_LOCATION_RELEASE)
if(NOT _quiver_qtcore)
  get_target_property(_quiver_qtcore Qt6::Core IMPORTED_LOCATION)
endif()
get_filename_component(_quiver_qt_libdir "${_quiver_qtcore}" DIRECTORY)
if(_quiver_qt_libdir MATCHES "\\.framework")
  string(REGEX REPLACE "/[^/]*\\.framework.*$" "" _quiver_qt_libdir "${_quiver_qt_libdir}")
endif()
set(CPACK_QUIVER_LIBRARY_DIRS "${_quiver_qt_libdir};${_quiver_magic_libdir}")
set(CPACK_QUIVER_MACDEPLOYQT "${MACDEPLOYQT_EXE}")
set(CPACK_PRE_BUILD_SCRIPTS "${CMAKE_CURRENT_LIST_DIR}/finish-bundle.cmake")
