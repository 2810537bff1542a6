#pragma once

#include <QDateTime>
#include <QString>

namespace quiver {

// What the file system says about one path or one open file: its kind, size, times and
// identity (device and inode). Filled by PlatformFile, never by QFileInfo, whose values are
// cached and follow symbolic links.
struct FileStatus {
    enum class Kind { Missing, Regular, Directory, SymbolicLink, Fifo, Socket, Device, Other };
    Kind kind = Kind::Missing;
    qint64 size = 0;
    qint64 modifiedNs = 0; // since the epoch
    qint64 changedNs = 0;  // inode change time (POSIX ctime); 0 where the platform has none
    quint64 device = 0;
    quint64 inode = 0; // 0 where the platform has no inodes: identities are then unknown
    int error = 0;     // Missing: errno of the failed call

    bool exists() const { return kind != Kind::Missing; }
    bool hasIdentity() const { return inode != 0; }
    // Same device and inode; true when either identity is unknown.
    bool sameFileAs(const FileStatus& other) const;
    // The same file with the same size and times: nothing wrote to it in between.
    bool unchangedSince(const FileStatus& earlier) const;
    QDateTime modified() const;
    // "a named pipe (FIFO)", "a socket", ... for reasons shown to the user.
    static QString kindName(Kind kind);
};

} // namespace quiver
