#include "core/ingest/reader_process.h"

#include <QProcess>
#include <QProcessEnvironment>

#include <algorithm>

namespace quiver {

namespace {

constexpr int kSliceMs = 100;

} // namespace

// Systems without fork: QProcess's blocking calls, which need no event loop.
struct ReaderProcess::Impl {
    std::unique_ptr<QProcess> process;
    Exit ended;
    bool done = true;

    int slice(QDeadlineTimer deadline) const {
        const qint64 left = deadline.remainingTime();
        return left < 0 ? kSliceMs : int(std::min<qint64>(left, kSliceMs));
    }
    Io check(QDeadlineTimer deadline, const std::atomic<bool>* cancelled) const {
        if (cancelled && cancelled->load(std::memory_order_relaxed))
            return Io::Cancelled;
        if (deadline.hasExpired())
            return Io::TimedOut;
        if (!process || process->state() != QProcess::Running)
            return Io::Closed;
        return Io::Done;
    }
};

ReaderProcess::ReaderProcess()
    : d(std::make_unique<Impl>()) {}

ReaderProcess::~ReaderProcess() {
    kill();
}

bool ReaderProcess::start(const QString& program, const QStringList& arguments,
                          const QStringList& environment, QString* error) {
    kill();
    d->ended = Exit();
    d->process = std::make_unique<QProcess>();
    QProcessEnvironment env;
    for (const QString& e : environment) {
        const qsizetype eq = e.indexOf(QLatin1Char('='));
        if (eq > 0)
            env.insert(e.left(eq), e.mid(eq + 1));
    }
    d->process->setProcessEnvironment(env);
    d->process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    d->process->start(program, arguments, QIODevice::ReadWrite);
    if (!d->process->waitForStarted(30'000)) {
        *error = d->process->errorString();
        d->process.reset();
        return false;
    }
    d->done = false;
    return true;
}

bool ReaderProcess::isRunning() const {
    return !d->done;
}

qint64 ReaderProcess::pid() const {
    return d->done || !d->process ? -1 : d->process->processId();
}

ReaderProcess::Io ReaderProcess::write(const QByteArray& data, QDeadlineTimer deadline,
                                       const std::atomic<bool>* cancelled) {
    if (!d->process)
        return Io::Closed;
    d->process->write(data);
    while (d->process->bytesToWrite() > 0) {
        const Io state = d->check(deadline, cancelled);
        if (state != Io::Done)
            return state;
        d->process->waitForBytesWritten(d->slice(deadline));
    }
    return Io::Done;
}

ReaderProcess::Io ReaderProcess::read(char* buffer, qint64 size, QDeadlineTimer deadline,
                                      const std::atomic<bool>* cancelled) {
    if (!d->process)
        return Io::Closed;
    qint64 done = 0;
    while (done < size) {
        const qint64 n = d->process->read(buffer + done, size - done);
        if (n > 0) {
            done += n;
            continue;
        }
        const Io state = d->check(deadline, cancelled);
        if (state != Io::Done)
            return state;
        d->process->waitForReadyRead(d->slice(deadline));
    }
    return Io::Done;
}

void ReaderProcess::kill() {
    if (!d->process)
        return;
    if (!d->done) {
        d->process->kill();
        d->process->waitForFinished(-1);
        d->ended.killed = true;
        d->ended.crashed = true;
        d->done = true;
    }
    d->process.reset();
}

ReaderProcess::Exit ReaderProcess::finish(QDeadlineTimer deadline) {
    if (!d->process || d->done)
        return d->ended;
    if (!d->process->waitForFinished(
            int(std::clamp<qint64>(deadline.remainingTime(), 0, 60'000)))) {
        kill();
        return d->ended;
    }
    d->ended.crashed = d->process->exitStatus() == QProcess::CrashExit;
    d->ended.code = d->process->exitCode();
    d->done = true;
    d->process.reset();
    return d->ended;
}

} // namespace quiver
