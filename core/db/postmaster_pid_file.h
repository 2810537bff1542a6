#pragma once

#include <QString>

namespace quiver {

// What a PostgreSQL server's postmaster.pid says, and whether the process it names is alive:
// the facts the private cluster needs to tell a running server from a stale lock file.
// postmaster.pid: pid, data directory, start time, port, first socket directory, listen address,
// shared memory key and id, status.
struct PidFile {
    bool present = false;
    qint64 pid = 0;
    int port = 0;
    QString socketDir;
    qint64 shmId = -1;
    QString status;
};

enum class PidOwner {
    None,        // no such process (or a zombie): the pid file is stale
    ThisCluster, // a live server process working in our data directory
    Unrelated,   // a live process that is certainly not a server of ours (pid reused)
    Unknown,     // alive, and we cannot tell: treat as a live server, never touch its files
};

// A missing or unreadable file gives present == false.
PidFile readPidFile(const QString& path);
PidOwner classifyPid(qint64 pid, const QString& canonicalDataDir);
bool isLive(PidOwner o);
// Server processes that outlived a killed postmaster keep its shared memory attached; a new
// postmaster refuses to start until they are gone.
bool sharedMemoryInUse(qint64 shmId);

} // namespace quiver
