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
    ThisCluster, // a live `postgres` process working in our data directory
    Unrelated,   // a live process that is certainly not a server of ours (pid reused)
    Unknown,     // alive, and we cannot tell: never signal it, never touch its server's files
};

// A missing or unreadable file gives present == false.
PidFile readPidFile(const QString& path);
// On Linux a postmaster is known by its program (`postgres`) and by its working directory,
// which it changes to its data directory at start; elsewhere a live pid is Unknown.
PidOwner classifyPid(qint64 pid, const QString& canonicalDataDir);
bool isLive(PidOwner o);
// Whether the server that wrote the pid file may still run, so that its files must be left
// alone: its pid is a server of this data directory, or a process that cannot be identified
// while the file's shared memory is still in use (PostgreSQL's own interlock: every process of
// a server keeps that segment attached, and it goes when the last one exits). A file written
// before that segment existed (a server still starting) counts as running.
bool serverMayBeRunning(const PidFile& pidFile, PidOwner owner);
// Server processes that outlived a killed postmaster keep its shared memory attached; a new
// postmaster refuses to start until they are gone.
bool sharedMemoryInUse(qint64 shmId);

} // namespace quiver
