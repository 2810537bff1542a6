#include "core/db/pg_binaries.h"

#include "core/db/cluster_error.h"

#include <QCollator>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>

#include <algorithm>

namespace quiver {

namespace {

constexpr int kVersionQueryTimeoutMs = 15000;

QString executableName(const QString& name) {
#ifdef Q_OS_WIN
    return name + QStringLiteral(".exe");
#else
    return name;
#endif
}

bool hasServerPrograms(const QString& dir) {
    for (const char* tool : {"initdb", "pg_ctl", "postgres"}) {
        const QFileInfo info(dir + QLatin1Char('/') + executableName(QString::fromLatin1(tool)));
        if (!info.isFile() || !info.isExecutable())
            return false;
    }
    return true;
}

// Subdirectories of `parent` named prefix + version (+ suffix), newest version first.
QStringList versionedDirs(const QString& parent, const QString& prefix, const QString& suffix) {
    const QDir dir(parent);
    QStringList names =
        dir.entryList({prefix + QLatin1Char('*')}, QDir::Dirs | QDir::NoDotAndDotDot);
    static const QRegularExpression versionLike(QStringLiteral("^[0-9]+(\\.[0-9]+)?$"));
    names.erase(std::remove_if(names.begin(), names.end(),
                               [&](const QString& n) {
                                   return !versionLike.match(n.mid(prefix.size())).hasMatch();
                               }),
                names.end());
    QCollator collator;
    collator.setNumericMode(true);
    std::sort(names.begin(), names.end(),
              [&](const QString& a, const QString& b) { return collator.compare(a, b) > 0; });
    QStringList out;
    for (const QString& n : names)
        out << dir.absoluteFilePath(n) + suffix;
    return out;
}

QString pgConfigBinDir() {
    const QString pgConfig = QStandardPaths::findExecutable(QStringLiteral("pg_config"));
    if (pgConfig.isEmpty())
        return {};
    QProcess p;
    p.start(pgConfig, {QStringLiteral("--bindir")});
    if (!p.waitForFinished(kVersionQueryTimeoutMs) || p.exitStatus() != QProcess::NormalExit ||
        p.exitCode() != 0)
        return {};
    return QString::fromLocal8Bit(p.readAllStandardOutput()).trimmed();
}

struct VersionInfo {
    QString version;
    int major = 0;
};

// `postgres -V` prints e.g. "postgres (PostgreSQL) 15.5 (Debian 15.5-0+deb12u1)".
VersionInfo serverVersion(const QString& dir) {
    QProcess p;
    p.start(dir + QLatin1Char('/') + executableName(QStringLiteral("postgres")),
            {QStringLiteral("-V")});
    if (!p.waitForFinished(kVersionQueryTimeoutMs) || p.exitStatus() != QProcess::NormalExit ||
        p.exitCode() != 0)
        return {};
    static const QRegularExpression re(QStringLiteral("\\(PostgreSQL\\)\\s+([0-9]+)(\\.[0-9]+)?"));
    const auto m = re.match(QString::fromLocal8Bit(p.readAllStandardOutput()));
    if (!m.hasMatch())
        return {};
    VersionInfo v;
    v.version = m.captured(1) + m.captured(2);
    v.major = m.captured(1).toInt();
    return v;
}

QString installHint() {
#if defined(Q_OS_MACOS)
    return QStringLiteral("install PostgreSQL (`brew install postgresql@16` or Postgres.app)");
#elif defined(Q_OS_WIN)
    return QStringLiteral("install PostgreSQL from https://www.postgresql.org/download/windows/");
#else
    return QStringLiteral("install the `postgresql` package");
#endif
}

} // namespace

QString PgBinaries::program(const QString& name) const {
    return m_binDir + QLatin1Char('/') + executableName(name);
}

QStringList PgBinaries::candidateDirectories() {
    QStringList dirs;
    // A copy bundled by the installer (packaging/windows, packaging/macos) comes first.
    if (QCoreApplication::instance()) {
        const QString appDir = QCoreApplication::applicationDirPath();
        dirs << appDir + QStringLiteral("/../pgsql/bin")            // Windows: <prefix>/pgsql
             << appDir + QStringLiteral("/../Resources/pgsql/bin"); // macOS: Quiver.app
    }
#if defined(Q_OS_WIN)
    dirs << versionedDirs(QStringLiteral("C:/Program Files/PostgreSQL"), QString(),
                          QStringLiteral("/bin"));
#else
    // Debian and Ubuntu keep each major version apart; PGDG's RPMs use /usr/pgsql-N.
    dirs << versionedDirs(QStringLiteral("/usr/lib/postgresql"), QString(), QStringLiteral("/bin"));
    dirs << versionedDirs(QStringLiteral("/usr"), QStringLiteral("pgsql-"), QStringLiteral("/bin"));
    const QString fromPgConfig = pgConfigBinDir();
    if (!fromPgConfig.isEmpty())
        dirs << fromPgConfig;
#endif
#if defined(Q_OS_MACOS)
    for (const char* prefix : {"/opt/homebrew/opt", "/usr/local/opt"}) {
        const QString p = QString::fromLatin1(prefix);
        dirs << versionedDirs(p, QStringLiteral("postgresql@"), QStringLiteral("/bin"));
        dirs << p + QStringLiteral("/postgresql/bin");
    }
    dirs << QStringLiteral("/Applications/Postgres.app/Contents/Versions/latest/bin");
    dirs << versionedDirs(QStringLiteral("/Applications/Postgres.app/Contents/Versions"), QString(),
                          QStringLiteral("/bin"));
#endif
    const QString onPath = QStandardPaths::findExecutable(QStringLiteral("pg_ctl"));
    if (!onPath.isEmpty())
        dirs << QFileInfo(onPath).absolutePath();

    QStringList unique;
    for (const QString& d : std::as_const(dirs)) {
        const QString canonical = QFileInfo(d).canonicalFilePath();
        const QString key = canonical.isEmpty() ? QDir::cleanPath(d) : canonical;
        if (!unique.contains(key))
            unique << key;
    }
    return unique;
}

PgBinaries PgBinaries::locate(int preferredMajor) {
    const QString fromEnv = qEnvironmentVariable("QUIVER_PG_BINDIR");
    if (!fromEnv.isEmpty()) {
        if (!hasServerPrograms(fromEnv))
            throw ClusterError(
                QStringLiteral("PostgreSQL server binaries not found in QUIVER_PG_BINDIR (%1): it "
                               "must hold initdb, pg_ctl and postgres. %2, or set "
                               "QUIVER_PG_BINDIR to the directory that holds them.")
                    .arg(QDir::toNativeSeparators(fromEnv),
                         installHint().replace(0, 1, QLatin1Char('I'))));
        return locateIn({fromEnv}, preferredMajor);
    }
    return locateIn(candidateDirectories(), preferredMajor);
}

PgBinaries PgBinaries::locateIn(const QStringList& candidateDirs, int preferredMajor) {
    PgBinaries fallback;
    QStringList tooOld;
    for (const QString& dir : candidateDirs) {
        if (!hasServerPrograms(dir))
            continue;
        const VersionInfo v = serverVersion(dir);
        if (v.major == 0)
            continue;
        if (v.major < kMinimumMajorVersion) {
            tooOld << QStringLiteral("PostgreSQL %1 in %2")
                          .arg(v.version, QDir::toNativeSeparators(dir));
            continue;
        }
        PgBinaries b;
        b.m_binDir = QDir::cleanPath(dir);
        b.m_version = v.version;
        b.m_major = v.major;
        if (preferredMajor == 0 || b.m_major == preferredMajor)
            return b;
        if (fallback.m_major == 0)
            fallback = b;
    }
    if (fallback.m_major != 0)
        return fallback;
    if (!tooOld.isEmpty())
        throw ClusterError(
            QStringLiteral("The PostgreSQL server binaries found are too old (%1): "
                           "Quiver needs PostgreSQL %2 or newer. %3, or set "
                           "QUIVER_PG_BINDIR to a newer installation's bin directory.")
                .arg(tooOld.join(QStringLiteral(", ")))
                .arg(kMinimumMajorVersion)
                .arg(installHint().replace(0, 1, QLatin1Char('I'))));
    throw ClusterError(QStringLiteral("PostgreSQL server binaries not found: %1, or set "
                                      "QUIVER_PG_BINDIR.")
                           .arg(installHint()));
}

} // namespace quiver
