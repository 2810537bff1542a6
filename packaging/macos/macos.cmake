# macOS disk image: Quiver.app with Qt's frameworks deployed by macdeployqt, and a link to
# /Applications to drag it onto. PostgreSQL's server programs come from Homebrew or Postgres.app
# (found at run time) unless QUIVER_BUNDLE_PG_DIR names an installation to copy into the bundle.
set(QUIVER_BUNDLE_PG_DIR "" CACHE PATH "PostgreSQL installation whose bin/lib/share to bundle")

find_program(MACDEPLOYQT_EXE macdeployqt HINTS "${Qt6_DIR}/../../../bin")
if(MACDEPLOYQT_EXE)
  install(CODE "
    execute_process(COMMAND \"${MACDEPLOYQT_EXE}\" \"\${CMAKE_INSTALL_PREFIX}/quiver.app\"
                    RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR \"macdeployqt failed\")
    endif()")
else()
  message(WARNING "macdeployqt not found: the disk image will lack Qt's frameworks")
endif()
if(QUIVER_BUNDLE_PG_DIR)
  install(DIRECTORY "${QUIVER_BUNDLE_PG_DIR}/bin" "${QUIVER_BUNDLE_PG_DIR}/lib"
                    "${QUIVER_BUNDLE_PG_DIR}/share" DESTINATION quiver.app/Contents/Resources/pgsql)
endif()

set(CPACK_DMG_VOLUME_NAME "Quiver")
set(CPACK_DMG_FORMAT "UDZO")
