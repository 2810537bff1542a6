#pragma once

#include <QByteArray>
#include <QDeadlineTimer>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>

namespace quiver {

// One quiver-reader process seen from the importer: a byte stream to and from it (its standard
// input and output) and its life. Every wait is bounded by a deadline and ends within a tenth
// of a second of the cancel flag being set. The process is killed when this object goes.
// POSIX: fork/exec over a socket pair; elsewhere QProcess.
class ReaderProcess {
public:
    enum class Io { Done, Closed, TimedOut, Cancelled };
    struct Exit {
        bool crashed = false; // ended by a signal (or, on Windows, an exception)
        int code = 0;         // exit code, or the signal's number when crashed
        bool killed = false;  // by kill() here
    };

    ReaderProcess();
    ~ReaderProcess();
    ReaderProcess(const ReaderProcess&) = delete;
    ReaderProcess& operator=(const ReaderProcess&) = delete;

    // environment: NAME=value entries, the whole of the child's environment.
    bool start(const QString& program, const QStringList& arguments, const QStringList& environment,
               QString* error);
    bool isRunning() const;
    qint64 pid() const;

    Io write(const QByteArray& data, QDeadlineTimer deadline, const std::atomic<bool>* cancelled);
    // Exactly size bytes into buffer.
    Io read(char* buffer, qint64 size, QDeadlineTimer deadline, const std::atomic<bool>* cancelled);

    // Ends it at once (SIGKILL, TerminateProcess) and reaps it.
    void kill();
    // How it ended, once its stream closed: waits for it until the deadline, then kills it.
    Exit finish(QDeadlineTimer deadline);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace quiver
