#include "core/ingest/reader_sandbox.h"

#ifdef Q_OS_LINUX
#include "core/ingest/reader_syscall_filter_linux.h"
#endif

#include <cerrno>
#include <cstring>
#include <sys/resource.h>

namespace quiver {

namespace {

QString mib(qint64 bytes) {
    return QStringLiteral("%1 MiB").arg(bytes / (1024 * 1024));
}

} // namespace

reader::SandboxReport ReaderSandbox::apply(qint64 memoryBytes) {
    reader::SandboxReport report;
    // A crashing reader must not leave a copy of the document it was reading on disk.
    const rlimit noCore{0, 0};
    ::setrlimit(RLIMIT_CORE, &noCore);

    if (!memoryLimitSupported()) {
        report.memoryNote = QStringLiteral("unavailable in this sanitizer build (its shadow memory "
                                           "needs terabytes of address space)");
    } else if (memoryBytes > 0) {
#ifdef Q_OS_MACOS
        report.memoryNote = QStringLiteral("macOS does not enforce address-space limits");
#else
        const rlimit as{static_cast<rlim_t>(memoryBytes), static_cast<rlim_t>(memoryBytes)};
        if (::setrlimit(RLIMIT_AS, &as) == 0)
            report.memoryLimitBytes = memoryBytes;
        else
            report.memoryNote =
                QStringLiteral("the system refused a %1 address-space limit (%2)")
                    .arg(mib(memoryBytes), QString::fromLocal8Bit(std::strerror(errno)));
#endif
    }

#ifdef Q_OS_LINUX
    report.syscallFilter = ReaderSyscallFilter::install(&report.syscallNote);
#else
    report.syscallNote = QStringLiteral("no system-call filter on this system");
#endif
    return report;
}

bool ReaderSandbox::limitCpuSeconds(int seconds) {
    // RLIMIT_CPU counts the process's whole life, and a helper reads many files: the soft limit
    // is moved to what has been used so far plus this file's share (SIGXCPU when it is spent).
    rusage usage{};
    rlimit cpu{};
    if (::getrusage(RUSAGE_SELF, &usage) != 0 || ::getrlimit(RLIMIT_CPU, &cpu) != 0)
        return false;
    const rlim_t used = static_cast<rlim_t>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + 1);
    rlim_t wanted = used + static_cast<rlim_t>(seconds);
    if (cpu.rlim_max != RLIM_INFINITY && wanted > cpu.rlim_max)
        wanted = cpu.rlim_max;
    cpu.rlim_cur = wanted;
    return ::setrlimit(RLIMIT_CPU, &cpu) == 0;
}

} // namespace quiver
