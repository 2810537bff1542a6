#pragma once

#include <QString>

namespace quiver {

// Data files the installers put beside the programs, for libraries that otherwise look only where
// they were built (a vcpkg or Homebrew prefix the user's machine does not have): libmagic's
// database and Tesseract's language data. The layouts are those of packaging/: a macOS bundle
// (Contents/MacOS/<program>, Contents/Resources/...) and the Windows installer
// (bin\<program>, share\...). An empty result leaves the library to its own default: the
// system's files on Linux, or MAGIC / TESSDATA_PREFIX when the user set them.
QString bundledMagicDatabase(const QString& programDir);
QString bundledTessdata(const QString& programDir);

} // namespace quiver
