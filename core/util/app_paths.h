#pragma once

#include <QString>

namespace quiver {

// Where Quiver keeps its files. One level named "Quiver" under the platform's data and cache
// locations (~/.local/share/Quiver, ~/Library/Application Support/Quiver,
// %LOCALAPPDATA%/Quiver): Qt's AppLocalDataLocation would append organisation and application
// name, both "Quiver", and give .../Quiver/Quiver.
QString appDataDir();
QString appCacheDir();

// The running program's folder, also without a QCoreApplication (tools, the fuzz driver: then the
// process's own path, on Linux): where the installers put the data files beside the programs.
QString programDir();

// Earlier versions kept their data in <data>/Quiver/Quiver. Moves each entry of that folder up
// one level unless an entry of that name exists there already or a server is still running
// from it (its postmaster.pid is present); returns the path of the legacy folder's `postgres`
// when it must stay in use for now, else an empty string. Safe to call repeatedly.
QString migrateLegacyDataDir();

// Creates `path` (and its parents) if missing and makes it a folder only its owner may list or
// enter: what Quiver keeps there is derived from the user's documents. False on failure.
bool makePrivateFolder(const QString& path);

} // namespace quiver
