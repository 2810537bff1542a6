# Windows installer (NSIS): Start-menu entry, uninstaller, upgrades in place.
# Qt's DLLs and plugins are copied next to quiver.exe by windeployqt at install time, so the
# installer carries exactly what the build linked. PostgreSQL's server programs for the private
# database are found on the system (QUIVER_PG_BINDIR, then the EnterpriseDB installer's folders)
# unless QUIVER_BUNDLE_PG_DIR names a PostgreSQL installation to bundle.
set(QUIVER_BUNDLE_PG_DIR "" CACHE PATH "PostgreSQL installation whose bin/lib/share to bundle")

find_program(WINDEPLOYQT_EXE windeployqt HINTS "${Qt6_DIR}/../../../bin")
if(WINDEPLOYQT_EXE)
  install(CODE "
    execute_process(COMMAND \"${WINDEPLOYQT_EXE}\" --release --no-translations --compiler-runtime
                            \"\${CMAKE_INSTALL_PREFIX}/bin/quiver.exe\"
                    RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR \"windeployqt failed\")
    endif()")
else()
  message(WARNING "windeployqt not found: the installer will lack Qt's DLLs")
endif()
if(QUIVER_BUNDLE_PG_DIR)
  install(DIRECTORY "${QUIVER_BUNDLE_PG_DIR}/bin" "${QUIVER_BUNDLE_PG_DIR}/lib"
                    "${QUIVER_BUNDLE_PG_DIR}/share" DESTINATION pgsql)
endif()

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
set(CPACK_WIX_PRODUCT_ICON "${PROJECT_SOURCE_DIR}/resources/icons/quiver.svg")
