#include "core/ingest/folder_fingerprint.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

namespace quiver {

FolderFingerprint fingerprintFolder(const QString& root, const std::atomic<bool>& stop) {
    FolderFingerprint result;
    result.dirs.append(root);
    QDirIterator it(root, QDir::AllEntries | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    QStringList entries;
    while (!stop.load(std::memory_order_relaxed) && it.hasNext()) {
        it.next();
        const QFileInfo info = it.fileInfo();
        if (info.isDir()) {
            result.dirs.append(info.absoluteFilePath());
            continue;
        }
        entries.append(QStringLiteral("%1\t%2\t%3")
                           .arg(info.absoluteFilePath())
                           .arg(info.size())
                           .arg(info.lastModified().toMSecsSinceEpoch()));
    }
    if (stop.load())
        return result;
    // Sorted: the order of a directory listing may change while its contents do not.
    entries.sort();
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const QString& e : std::as_const(entries))
        hash.addData(e.toUtf8());
    result.hash = hash.result();
    result.complete = true;
    return result;
}

} // namespace quiver
