#include "core/ingest/file_status.h"

namespace quiver {

bool FileStatus::sameFileAs(const FileStatus& other) const {
    if (!hasIdentity() || !other.hasIdentity())
        return true;
    return device == other.device && inode == other.inode;
}

bool FileStatus::unchangedSince(const FileStatus& earlier) const {
    return kind == earlier.kind && sameFileAs(earlier) && size == earlier.size &&
           modifiedNs == earlier.modifiedNs && changedNs == earlier.changedNs;
}

QDateTime FileStatus::modified() const {
    return QDateTime::fromMSecsSinceEpoch(modifiedNs / 1000000);
}

QString FileStatus::kindName(Kind kind) {
    switch (kind) {
    case Kind::Missing:
        return QStringLiteral("nothing (it does not exist)");
    case Kind::Regular:
        return QStringLiteral("a regular file");
    case Kind::Directory:
        return QStringLiteral("a folder");
    case Kind::SymbolicLink:
        return QStringLiteral("a symbolic link");
    case Kind::Fifo:
        return QStringLiteral("a named pipe (FIFO)");
    case Kind::Socket:
        return QStringLiteral("a socket");
    case Kind::Device:
        return QStringLiteral("a device");
    case Kind::Other:
        break;
    }
    return QStringLiteral("a special file");
}

} // namespace quiver
