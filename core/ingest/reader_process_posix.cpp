#include "core/ingest/reader_process.h"

#include <QFile>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef Q_OS_LINUX
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

namespace quiver {

namespace {

// How often a wait looks at the cancel flag.
constexpr int kSliceMs = 100;
// Reaping a process whose stream has closed: it is exiting, so this is short; the bound only
// matters for one that closed its stream and kept running.
constexpr int kReapPollMs = 5;

#ifdef MSG_NOSIGNAL
constexpr int kSendFlags = MSG_NOSIGNAL;
#else
constexpr int kSendFlags = 0; // SO_NOSIGPIPE is set on the socket instead
#endif

void closeOnExec(int fd) {
    ::fcntl(fd, F_SETFD, ::fcntl(fd, F_GETFD) | FD_CLOEXEC);
}

// In the child between fork and exec: async-signal-safe calls only.
[[noreturn]] void execChild(int stream, const char* program, char* const* argv, char* const* envp,
                            pid_t parent, int maxFd) {
#ifdef Q_OS_LINUX
    // The helper dies with the thread that started it, even if the importer is killed.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent)
        ::_exit(127);
#else
    (void)parent;
#endif
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl;
    std::memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    ::sigaction(SIGPIPE, &dfl, nullptr);
    if (::dup2(stream, 0) < 0 || ::dup2(stream, 1) < 0)
        ::_exit(127);
        // Nothing else of the importer's (database sockets, other helpers' streams) goes along.
#if defined(Q_OS_LINUX) && defined(SYS_close_range)
    if (::syscall(SYS_close_range, 3U, ~0U, 0U) != 0)
#endif
    {
        for (int fd = 3; fd < maxFd; ++fd)
            ::close(fd);
    }
    ::execve(program, argv, envp);
    ::_exit(127);
}

} // namespace

struct ReaderProcess::Impl {
    pid_t pid = -1;
    int fd = -1;
    bool reaped = true;
    Exit ended;

    void closeStream() {
        if (fd >= 0)
            ::close(fd);
        fd = -1;
    }
    void record(int status) {
        reaped = true;
        ended.crashed = WIFSIGNALED(status);
        ended.code = ended.crashed ? WTERMSIG(status) : WEXITSTATUS(status);
    }
    Io wait(short events, QDeadlineTimer deadline, const std::atomic<bool>* cancelled) const {
        for (;;) {
            if (cancelled && cancelled->load(std::memory_order_relaxed))
                return Io::Cancelled;
            const qint64 left = deadline.remainingTime();
            if (left == 0)
                return Io::TimedOut;
            const int slice = left < 0 ? kSliceMs : int(std::min<qint64>(left, kSliceMs));
            pollfd p{fd, events, 0};
            const int n = ::poll(&p, 1, slice);
            if (n > 0)
                return Io::Done; // ready, or hung up: the next call says which
            if (n < 0 && errno != EINTR)
                return Io::Closed;
        }
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
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
        *error = QString::fromLocal8Bit(std::strerror(errno));
        return false;
    }
    // Close-on-exec, so that a helper started by another thread never holds this one's end
    // (its end of file would then never come).
    closeOnExec(sv[0]);
    closeOnExec(sv[1]);
#ifdef SO_NOSIGPIPE
    const int on = 1;
    ::setsockopt(sv[0], SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on);
#endif

    // Everything the child needs is made before fork: it may not allocate.
    const std::string path = QFile::encodeName(program).toStdString();
    std::vector<std::string> args{path};
    for (const QString& a : arguments)
        args.push_back(a.toStdString());
    std::vector<std::string> env;
    for (const QString& e : environment)
        env.push_back(QFile::encodeName(e).toStdString());
    std::vector<char*> argv;
    for (std::string& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (std::string& e : env)
        envp.push_back(e.data());
    envp.push_back(nullptr);
    const long openMax = ::sysconf(_SC_OPEN_MAX);
    const int maxFd = int(std::clamp<long>(openMax, 256, 65536));
    const pid_t parent = ::getpid();

    const pid_t pid = ::fork();
    if (pid < 0) {
        *error = QString::fromLocal8Bit(std::strerror(errno));
        ::close(sv[0]);
        ::close(sv[1]);
        return false;
    }
    if (pid == 0)
        execChild(sv[1], path.c_str(), argv.data(), envp.data(), parent, maxFd);
    ::close(sv[1]);
    ::fcntl(sv[0], F_SETFL, ::fcntl(sv[0], F_GETFL) | O_NONBLOCK);
    d->pid = pid;
    d->fd = sv[0];
    d->reaped = false;
    return true;
}

bool ReaderProcess::isRunning() const {
    return !d->reaped;
}

qint64 ReaderProcess::pid() const {
    return d->reaped ? -1 : qint64(d->pid);
}

ReaderProcess::Io ReaderProcess::write(const QByteArray& data, QDeadlineTimer deadline,
                                       const std::atomic<bool>* cancelled) {
    qsizetype done = 0;
    while (done < data.size()) {
        if (d->fd < 0)
            return Io::Closed;
        const ssize_t n =
            ::send(d->fd, data.constData() + done, size_t(data.size() - done), kSendFlags);
        if (n > 0) {
            done += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            const Io w = d->wait(POLLOUT, deadline, cancelled);
            if (w != Io::Done)
                return w;
            continue;
        }
        return Io::Closed;
    }
    return Io::Done;
}

ReaderProcess::Io ReaderProcess::read(char* buffer, qint64 size, QDeadlineTimer deadline,
                                      const std::atomic<bool>* cancelled) {
    qint64 done = 0;
    while (done < size) {
        if (d->fd < 0)
            return Io::Closed;
        const ssize_t n = ::recv(d->fd, buffer + done, size_t(size - done), 0);
        if (n > 0) {
            done += n;
            continue;
        }
        if (n == 0)
            return Io::Closed;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            const Io w = d->wait(POLLIN, deadline, cancelled);
            if (w != Io::Done)
                return w;
            continue;
        }
        return Io::Closed;
    }
    return Io::Done;
}

void ReaderProcess::kill() {
    d->closeStream();
    if (d->reaped)
        return;
    ::kill(d->pid, SIGKILL);
    int status = 0;
    while (::waitpid(d->pid, &status, 0) < 0 && errno == EINTR) {
    }
    d->record(status);
    d->ended.killed = true;
}

ReaderProcess::Exit ReaderProcess::finish(QDeadlineTimer deadline) {
    d->closeStream();
    while (!d->reaped) {
        int status = 0;
        const pid_t r = ::waitpid(d->pid, &status, WNOHANG);
        if (r == d->pid) {
            d->record(status);
            break;
        }
        if (r < 0 && errno != EINTR) {
            // Reaped elsewhere (SIGCHLD ignored): how it ended is unknown.
            d->reaped = true;
            d->ended = Exit{true, 0, false};
            break;
        }
        if (deadline.hasExpired()) {
            kill();
            break;
        }
        ::poll(nullptr, 0, kReapPollMs);
    }
    return d->ended;
}

} // namespace quiver
