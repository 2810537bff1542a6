#pragma once

#include <QString>
#include <QStringList>

namespace quiver {

// The PostgreSQL server programs (initdb, pg_ctl, postgres) of one installation.
class PgBinaries {
public:
    // Oldest server major version Quiver supports.
    static constexpr int kMinimumMajorVersion = 13;

    // Finds the server binaries: $QUIVER_PG_BINDIR if set (and nothing else), otherwise the
    // first usable directory of candidateDirectories(). When several versions are installed,
    // one whose major version equals preferredMajor (0: no preference) wins. Throws ClusterError
    // naming what to install when none is usable.
    static PgBinaries locate(int preferredMajor = 0);
    // The same search over an explicit list of directories.
    static PgBinaries locateIn(const QStringList& candidateDirs, int preferredMajor = 0);
    // Where server binaries are usually installed on this platform, most preferred first.
    static QStringList candidateDirectories();

    QString binDir() const { return m_binDir; }
    int majorVersion() const { return m_major; }
    QString version() const { return m_version; } // e.g. "15.5"
    QString program(const QString& name) const;   // full path of a tool in binDir()

private:
    QString m_binDir;
    QString m_version;
    int m_major = 0;
};

} // namespace quiver
