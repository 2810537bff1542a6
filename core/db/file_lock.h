#pragma once

#include <QString>

#include <memory>

#ifndef Q_OS_UNIX
class QLockFile;
#endif

namespace quiver {

// An exclusive lock on a file, held until release() or destruction. The kernel drops it when the
// process dies, so a crashed holder never leaves a stale lock behind.
class FileLock {
public:
    FileLock() = default;
    ~FileLock();
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

    enum class Result { Locked, Busy, Error };

    Result acquire(const QString& path, bool wait, QString* error);
    void release();

private:
#ifdef Q_OS_UNIX
    int m_fd = -1;
#else
    std::unique_ptr<QLockFile> m_lock;
#endif
};

} // namespace quiver
