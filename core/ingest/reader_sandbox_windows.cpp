#include "core/ingest/reader_sandbox.h"

#include <windows.h>

namespace quiver {

namespace {

// Open for the process's whole life: closing it would lift the limits.
HANDLE g_job = nullptr;
JOBOBJECT_EXTENDED_LIMIT_INFORMATION g_limits{};

} // namespace

reader::SandboxReport ReaderSandbox::apply(qint64 memoryBytes) {
    reader::SandboxReport report;
    report.syscallNote = QStringLiteral("Windows: new processes are refused by a job object; "
                                        "network access is not restricted");
    g_job = ::CreateJobObjectW(nullptr, nullptr);
    if (!g_job) {
        report.memoryNote = QStringLiteral("no job object (error %1)").arg(::GetLastError());
        return report;
    }
    // One process: the helper itself, and no child of its own.
    g_limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_ACTIVE_PROCESS |
                                                JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION |
                                                JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    g_limits.BasicLimitInformation.ActiveProcessLimit = 1;
    const bool memory = memoryLimitSupported() && memoryBytes > 0;
    if (memory) {
        g_limits.BasicLimitInformation.LimitFlags |= JOB_OBJECT_LIMIT_PROCESS_MEMORY;
        g_limits.ProcessMemoryLimit = static_cast<SIZE_T>(memoryBytes);
    }
    if (!::SetInformationJobObject(g_job, JobObjectExtendedLimitInformation, &g_limits,
                                   sizeof g_limits) ||
        !::AssignProcessToJobObject(g_job, ::GetCurrentProcess())) {
        report.memoryNote =
            QStringLiteral("the job object was refused (error %1)").arg(::GetLastError());
        return report;
    }
    if (memory)
        report.memoryLimitBytes = memoryBytes;
    else if (!memoryLimitSupported())
        report.memoryNote = QStringLiteral("unavailable in this sanitizer build");
    return report;
}

bool ReaderSandbox::limitCpuSeconds(int seconds) {
    if (!g_job)
        return false;
    FILETIME created, exited, kernel, user;
    if (!::GetProcessTimes(::GetCurrentProcess(), &created, &exited, &kernel, &user))
        return false;
    ULARGE_INTEGER used;
    used.LowPart = user.dwLowDateTime;
    used.HighPart = user.dwHighDateTime;
    // In 100 ns units, counted over the process's life like RLIMIT_CPU.
    g_limits.BasicLimitInformation.LimitFlags |= JOB_OBJECT_LIMIT_PROCESS_TIME;
    g_limits.BasicLimitInformation.PerProcessUserTimeLimit.QuadPart =
        static_cast<LONGLONG>(used.QuadPart) + LONGLONG(seconds) * 10'000'000;
    return ::SetInformationJobObject(g_job, JobObjectExtendedLimitInformation, &g_limits,
                                     sizeof g_limits) != 0;
}

} // namespace quiver
