# What the Windows installer and the macOS bundle both do (windows/windows.cmake,
# macos/macos.cmake).

# Qt's deployment tool `tool` (windeployqt, macdeployqt) into `var`: Qt's imported tool target
# where Qt exports it (vcpkg and the Qt installer both do), else found beside Qt's CMake package.
function(quiver_find_qt_deploy_tool var tool)
  if(TARGET Qt6::${tool})
    get_target_property(_exe Qt6::${tool} IMPORTED_LOCATION_RELEASE)
    if(NOT _exe)
      get_target_property(_exe Qt6::${tool} IMPORTED_LOCATION)
    endif()
  endif()
  if(NOT _exe)
    find_program(QUIVER_${tool}_EXE ${tool}
                 HINTS "${Qt6_DIR}/../../../bin" "${Qt6_DIR}/../../tools/Qt6/bin")
    set(_exe "${QUIVER_${tool}_EXE}")
  endif()
  set(${var} "${_exe}" PARENT_SCOPE)
endfunction()

# Tesseract's language data into `destination`, when the build is given a folder of it
# (QUIVER_BUNDLE_TESSDATA_DIR; the workflows fetch eng.traineddata). OcrEngine looks beside the
# programs (core/ingest/bundled_data.h); without it OCR needs TESSDATA_PREFIX.
function(quiver_bundle_tessdata destination)
  if(NOT QUIVER_BUNDLE_TESSDATA_DIR)
    return()
  endif()
  file(GLOB _traineddata "${QUIVER_BUNDLE_TESSDATA_DIR}/*.traineddata")
  if(NOT _traineddata)
    message(FATAL_ERROR "QUIVER_BUNDLE_TESSDATA_DIR (${QUIVER_BUNDLE_TESSDATA_DIR}) holds no .traineddata")
  endif()
  install(FILES ${_traineddata} DESTINATION "${destination}")
endfunction()
