#include "core/db/file_lock.h"

#include "core/db/os_user.h"

#include <QFile>

#include <cerrno>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#else
#include <QLockFile>
#endif

namespace quiver {

FileLock::~FileLock() {
    release();
}

FileLock::Result FileLock::acquire(const QString& path, bool wait, QString* error) {
    release();
#ifdef Q_OS_UNIX
    // O_CLOEXEC: the server started by pg_ctl must not inherit (and so keep) our locks.
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (error)
            *error = systemErrorText(errno);
        return Result::Error;
    }
    int rc = 0;
    do {
        rc = ::flock(fd, wait ? LOCK_EX : (LOCK_EX | LOCK_NB));
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        const int err = errno;
        ::close(fd);
        if (err == EWOULDBLOCK)
            return Result::Busy;
        if (error)
            *error = systemErrorText(err);
        return Result::Error;
    }
    m_fd = fd;
    return Result::Locked;
#else
    auto lock = std::make_unique<QLockFile>(path);
    lock->setStaleLockTime(0);
    const bool ok = wait ? lock->lock() : lock->tryLock(0);
    if (!ok) {
        if (lock->error() == QLockFile::LockFailedError)
            return Result::Busy;
        if (error)
            *error = QStringLiteral("cannot create %1").arg(path);
        return Result::Error;
    }
    m_lock = std::move(lock);
    return Result::Locked;
#endif
}

void FileLock::release() {
#ifdef Q_OS_UNIX
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
#else
    m_lock.reset();
#endif
}

} // namespace quiver
