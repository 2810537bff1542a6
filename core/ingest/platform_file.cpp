#include "core/ingest/platform_file.h"

#include <QFile>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#else
#include <QFileInfo>
#endif

namespace quiver {

#ifdef Q_OS_UNIX

namespace {

qint64 nanoseconds(const struct timespec& t) {
    return qint64(t.tv_sec) * 1000000000 + qint64(t.tv_nsec);
}

FileStatus fromStat(const struct stat& st) {
    using Kind = FileStatus::Kind;
    FileStatus s;
    if (S_ISREG(st.st_mode))
        s.kind = Kind::Regular;
    else if (S_ISDIR(st.st_mode))
        s.kind = Kind::Directory;
    else if (S_ISLNK(st.st_mode))
        s.kind = Kind::SymbolicLink;
    else if (S_ISFIFO(st.st_mode))
        s.kind = Kind::Fifo;
    else if (S_ISSOCK(st.st_mode))
        s.kind = Kind::Socket;
    else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
        s.kind = Kind::Device;
    else
        s.kind = Kind::Other;
    s.size = qint64(st.st_size);
#ifdef Q_OS_DARWIN
    s.modifiedNs = nanoseconds(st.st_mtimespec);
    s.changedNs = nanoseconds(st.st_ctimespec);
#else
    s.modifiedNs = nanoseconds(st.st_mtim);
    s.changedNs = nanoseconds(st.st_ctim);
#endif
    s.device = quint64(st.st_dev);
    s.inode = quint64(st.st_ino);
    return s;
}

QString errnoText(int error) {
    return QString::fromLocal8Bit(std::strerror(error));
}

} // namespace

struct PlatformFile::Impl {
    int fd = -1;
};

#else // Windows and other systems without the POSIX calls: QFile, checked before opening.

struct PlatformFile::Impl {
    QFile file;
    QString path;
};

#endif

PlatformFile::PlatformFile()
    : d(std::make_unique<Impl>()) {}

PlatformFile::~PlatformFile() {
    close();
}

#ifdef Q_OS_UNIX

bool PlatformFile::open(const QString& path) {
    close();
    const QByteArray native = QFile::encodeName(path);
    int fd = -1;
    do {
        fd = ::open(native.constData(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        const int err = errno;
        m_errorText = errnoText(err);
        m_openError = err == ENOENT || err == ENOTDIR ? OpenError::Missing
                      : err == ELOOP                  ? OpenError::SymbolicLink
                      : err == EACCES || err == EPERM ? OpenError::PermissionDenied
                                                      : OpenError::Other;
        return false;
    }
    d->fd = fd;
    m_openError = OpenError::None;
    m_errorText.clear();
    return true;
}

FileStatus PlatformFile::status() const {
    struct stat st {};
    if (d->fd < 0 || ::fstat(d->fd, &st) != 0) {
        FileStatus missing;
        missing.error = d->fd < 0 ? EBADF : errno;
        return missing;
    }
    return fromStat(st);
}

qint64 PlatformFile::read(char* buffer, qint64 size) {
    for (;;) {
        const ssize_t got = ::read(d->fd, buffer, static_cast<size_t>(size));
        if (got >= 0)
            return qint64(got);
        if (errno == EINTR)
            continue;
        m_errorText = errnoText(errno);
        return -1;
    }
}

void PlatformFile::close() {
    if (d->fd >= 0)
        ::close(d->fd);
    d->fd = -1;
}

FileStatus PlatformFile::statusOf(const QString& path) {
    struct stat st {};
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0) {
        FileStatus missing;
        missing.error = errno;
        return missing;
    }
    return fromStat(st);
}

#else // QFile

bool PlatformFile::open(const QString& path) {
    close();
    const FileStatus before = statusOf(path);
    if (!before.exists()) {
        m_openError = OpenError::Missing;
        m_errorText = QStringLiteral("no such file");
        return false;
    }
    if (before.kind == FileStatus::Kind::SymbolicLink) {
        m_openError = OpenError::SymbolicLink;
        m_errorText = QStringLiteral("a symbolic link");
        return false;
    }
    d->file.setFileName(path);
    d->path = path;
    if (!d->file.open(QIODevice::ReadOnly | QIODevice::Unbuffered)) {
        m_openError = d->file.error() == QFileDevice::PermissionsError ? OpenError::PermissionDenied
                                                                       : OpenError::Other;
        m_errorText = d->file.errorString();
        return false;
    }
    m_openError = OpenError::None;
    m_errorText.clear();
    return true;
}

FileStatus PlatformFile::status() const {
    return d->file.isOpen() ? statusOf(d->path) : FileStatus();
}

qint64 PlatformFile::read(char* buffer, qint64 size) {
    const qint64 got = d->file.read(buffer, size);
    if (got < 0)
        m_errorText = d->file.errorString();
    return got;
}

void PlatformFile::close() {
    d->file.close();
}

FileStatus PlatformFile::statusOf(const QString& path) {
    using Kind = FileStatus::Kind;
    const QFileInfo info(path);
    FileStatus s;
    if (info.isSymLink())
        s.kind = Kind::SymbolicLink;
    else if (!info.exists())
        return s;
    else if (info.isDir())
        s.kind = Kind::Directory;
    else if (info.isFile())
        s.kind = Kind::Regular;
    else
        s.kind = Kind::Other;
    s.size = info.size();
    s.modifiedNs = info.lastModified().toMSecsSinceEpoch() * 1000000;
    return s;
}

#endif

} // namespace quiver
