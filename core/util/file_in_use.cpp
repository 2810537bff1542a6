#include "core/util/file_in_use.h"

#include <QFile>

#include <utility>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#endif

namespace quiver {

#ifdef Q_OS_UNIX
namespace {

int openNoFollow(const QString& path) {
    return ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
}

int flockRetrying(int fd, int op) {
    int rc = 0;
    do {
        rc = ::flock(fd, op);
    } while (rc != 0 && errno == EINTR);
    return rc;
}

} // namespace

FileInUse::FileInUse(const QString& path) {
    const int fd = openNoFollow(path);
    if (fd < 0)
        return;
    // Blocking is fine: the exclusive holder is a remover that never waits while holding it.
    if (flockRetrying(fd, LOCK_SH) != 0) {
        ::close(fd);
        return;
    }
    m_fd = fd;
}

FileInUse::~FileInUse() {
    if (m_fd >= 0)
        ::close(m_fd);
}

bool FileInUse::removeIfUnused(const QString& path) {
    const int fd = openNoFollow(path);
    if (fd < 0)
        return errno == ENOENT;
    bool removed = false;
    if (flockRetrying(fd, LOCK_EX | LOCK_NB) == 0)
        removed = ::unlink(QFile::encodeName(path).constData()) == 0 || errno == ENOENT;
    ::close(fd);
    return removed;
}
#else
FileInUse::FileInUse(const QString&) {}

FileInUse::~FileInUse() = default;

bool FileInUse::removeIfUnused(const QString& path) {
    return QFile::remove(path) || !QFile::exists(path);
}
#endif

FileInUse::FileInUse(FileInUse&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)) {}

FileInUse& FileInUse::operator=(FileInUse&& other) noexcept {
    if (this != &other) {
        FileInUse gone(std::move(*this));
        m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
}

} // namespace quiver
