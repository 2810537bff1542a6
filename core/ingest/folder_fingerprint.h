#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <atomic>

namespace quiver {

// What the folder watcher compares to notice a change below a watched root.
struct FolderFingerprint {
    QByteArray hash;       // of the names, sizes and modification times of everything visible
    QStringList dirs;      // the root and every folder below it, for file-system events
    bool complete = false; // false when the walk was stopped before its end
};

// Walks root, one stat per entry. Blocks as long as the file system does (a dead network mount:
// for good), so it belongs off the GUI thread. Reads `stop` before each entry and returns what
// it has, incomplete, once it is set.
FolderFingerprint fingerprintFolder(const QString& root, const std::atomic<bool>& stop);

} // namespace quiver
