#include "core/db/postmaster_pid_file.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStringList>

#include <cerrno>
#include <cstring>

#ifdef Q_OS_UNIX
#include <signal.h>
#include <sys/shm.h>
#include <sys/stat.h>
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
    QFile state(proc + QStringLiteral("stat"));
    if (state.open(QIODevice::ReadOnly)) {
        const QByteArray s = state.readAll();
        const qsizetype close = s.lastIndexOf(')');
        if (close >= 0 && close + 2 < s.size() &&
            (s.at(close + 2) == 'Z' || s.at(close + 2) == 'X'))
            return PidOwner::None; // killed, not yet reaped
    }
    // The program: the executable when it can be read (an upgraded binary reads "... (deleted)"),
    // else the name the kernel keeps, which a postmaster never changes.
    QString program = QFile::symLinkTarget(proc + QStringLiteral("exe"));
    program.remove(QRegularExpression(QStringLiteral(" \\(deleted\\)$")));
    program = QFileInfo(program).fileName();
    if (program.isEmpty()) {
        QFile comm(proc + QStringLiteral("comm"));
        if (comm.open(QIODevice::ReadOnly))
            program = QString::fromLocal8Bit(comm.readAll().trimmed());
    }
    const bool server =
        program == QLatin1String("postgres") || program == QLatin1String("postmaster");
    if (!program.isEmpty() && !server)
        return PidOwner::Unrelated; // a shell or an editor, even one sitting in the data directory
    // A postmaster changes to its data directory at start and stays there. Compared as files,
    // so that a symlink or a bind mount of the same directory still matches.
    struct ::stat cwd;
    struct ::stat ours;
    if (::stat(QFile::encodeName(proc + QStringLiteral("cwd")).constData(), &cwd) != 0)
        return PidOwner::Unknown; // not ours to inspect (it may have made itself undumpable)
    if (canonicalDataDir.isEmpty() ||
        ::stat(QFile::encodeName(canonicalDataDir).constData(), &ours) != 0)
        return PidOwner::Unknown;
    if (cwd.st_dev != ours.st_dev || cwd.st_ino != ours.st_ino)
        return PidOwner::Unrelated; // a server, maybe, but of another data directory
    return server ? PidOwner::ThisCluster : PidOwner::Unknown;
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

bool serverMayBeRunning(const PidFile& pidFile, PidOwner owner) {
    if (!pidFile.present)
        return false;
    switch (owner) {
    case PidOwner::ThisCluster:
        return true;
    case PidOwner::Unknown:
        return pidFile.shmId < 0 || sharedMemoryInUse(pidFile.shmId);
    case PidOwner::None:
    case PidOwner::Unrelated:
        break;
    }
    return false;
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
