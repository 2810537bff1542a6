#include "core/db/postmaster_pid_file.h"

#include <QFile>
#include <QFileInfo>
#include <QStringList>

#include <cerrno>
#include <cstring>

#ifdef Q_OS_UNIX
#include <signal.h>
#include <sys/shm.h>
#include <unistd.h>
#endif

namespace quiver {

PidFile readPidFile(const QString& path) {
    PidFile pf;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return pf;
    pf.present = true;
    const QStringList lines = QString::fromLocal8Bit(f.readAll()).split(QLatin1Char('\n'));
    auto line = [&](int i) { return i < lines.size() ? lines.at(i).trimmed() : QString(); };
    pf.pid = line(0).toLongLong();
    pf.port = line(3).toInt();
    pf.socketDir = line(4);
    const QStringList shm = line(6).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (shm.size() == 2) {
        bool ok = false;
        const qint64 id = shm.at(1).toLongLong(&ok);
        if (ok)
            pf.shmId = id;
    }
    pf.status = line(7);
    return pf;
}

PidOwner classifyPid(qint64 pid, const QString& canonicalDataDir) {
    if (pid <= 0)
        return PidOwner::None;
#ifdef Q_OS_UNIX
    if (::kill(static_cast<pid_t>(pid), 0) != 0) {
        // EPERM: another user's process. PostgreSQL itself does not count it as a postmaster,
        // since the data directory is only accessible to us.
        return errno == EPERM ? PidOwner::Unrelated : PidOwner::None;
    }
#ifdef Q_OS_LINUX
    const QString proc = QStringLiteral("/proc/%1/").arg(pid);
    QFile stat(proc + QStringLiteral("stat"));
    if (stat.open(QIODevice::ReadOnly)) {
        const QByteArray s = stat.readAll();
        const qsizetype close = s.lastIndexOf(')');
        if (close >= 0 && close + 2 < s.size() &&
            (s.at(close + 2) == 'Z' || s.at(close + 2) == 'X'))
            return PidOwner::None; // killed, not yet reaped
    }
    // A postmaster works in its data directory.
    const QString cwd = QFileInfo(proc + QStringLiteral("cwd")).symLinkTarget();
    if (cwd.isEmpty())
        return PidOwner::Unknown;
    if (!canonicalDataDir.isEmpty() && cwd == canonicalDataDir)
        return PidOwner::ThisCluster;
    QFile comm(proc + QStringLiteral("comm"));
    if (comm.open(QIODevice::ReadOnly)) {
        const QByteArray name = comm.readAll().trimmed();
        if (name == "postgres" || name == "postmaster")
            return PidOwner::Unknown; // some other server; not ours to judge
    }
    return PidOwner::Unrelated;
#else
    Q_UNUSED(canonicalDataDir);
    return PidOwner::Unknown;
#endif
#else
    Q_UNUSED(canonicalDataDir);
    return PidOwner::Unknown;
#endif
}

bool isLive(PidOwner o) {
    return o == PidOwner::ThisCluster || o == PidOwner::Unknown;
}

bool sharedMemoryInUse(qint64 shmId) {
#ifdef Q_OS_UNIX
    if (shmId < 0)
        return false;
    struct shmid_ds ds;
    std::memset(&ds, 0, sizeof ds);
    if (::shmctl(static_cast<int>(shmId), IPC_STAT, &ds) != 0)
        return false;
    return ds.shm_perm.uid == ::geteuid() && ds.shm_nattch > 0;
#else
    Q_UNUSED(shmId);
    return false;
#endif
}

} // namespace quiver
