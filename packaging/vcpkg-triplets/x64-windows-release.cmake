# 64-bit Windows, DLLs and the DLL C runtime like vcpkg's x64-windows, release builds only: the
# installer ships release binaries, and skipping the debug half halves CI's build and cache.
set(VCPKG_TARGET_ARCHITECTURE x64)
set(VCPKG_CRT_LINKAGE dynamic)
set(VCPKG_LIBRARY_LINKAGE dynamic)
set(VCPKG_BUILD_TYPE release)
