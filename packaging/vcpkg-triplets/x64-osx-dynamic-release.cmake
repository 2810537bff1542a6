# macOS on x86_64, shared libraries, release builds only. Shared rather than vcpkg's default
# static: pkg-config's plain link lines (core/ingest) then suffice, Qt stays replaceable under the
# LGPL, and macdeployqt copies the libraries into quiver.app. The deployment target matches the
# one the workflow gives CMake for Quiver itself.
set(VCPKG_TARGET_ARCHITECTURE x64)
set(VCPKG_CRT_LINKAGE dynamic)
set(VCPKG_LIBRARY_LINKAGE dynamic)
set(VCPKG_CMAKE_SYSTEM_NAME Darwin)
set(VCPKG_OSX_ARCHITECTURES x86_64)
set(VCPKG_OSX_DEPLOYMENT_TARGET 14.0)
set(VCPKG_BUILD_TYPE release)
