#include "core/db/os_user.h"

#include <QDir>
#include <QFile>

#include <cerrno>
#include <cstring>

#ifdef Q_OS_UNIX
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace quiver {

QString systemErrorText(int error) {
    return QString::fromLocal8Bit(std::strerror(error));
}

QString osUserName() {
#ifdef Q_OS_UNIX
    if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name != nullptr)
        return QString::fromLocal8Bit(pw->pw_name);
    return qEnvironmentVariable("USER");
#else
    return qEnvironmentVariable("USERNAME");
#endif
}

std::optional<unsigned> effectiveUserId() {
#ifdef Q_OS_UNIX
    return static_cast<unsigned>(::geteuid());
#else
    return std::nullopt;
#endif
}

QString osUserTag() {
    if (const auto uid = effectiveUserId())
        return QString::number(*uid);
    return osUserName();
}

QString ensurePrivateDirectory(const QString& path) {
#ifdef Q_OS_UNIX
    const QByteArray native = QFile::encodeName(path);
    if (::mkdir(native.constData(), 0700) != 0 && errno != EEXIST)
        return systemErrorText(errno);
    // It may live in a shared temporary directory: it must be ours and private.
    struct stat st;
    if (::lstat(native.constData(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid())
        return QStringLiteral("it is not a directory owned by you");
    if ((st.st_mode & 07777) != 0700 && ::chmod(native.constData(), 0700) != 0)
        return systemErrorText(errno);
    return {};
#else
    // Under the user's own profile, which only the user can read.
    return QDir().mkpath(path) ? QString() : QStringLiteral("cannot create it");
#endif
}

} // namespace quiver
