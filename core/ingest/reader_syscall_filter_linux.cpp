#include "core/ingest/reader_syscall_filter_linux.h"

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

namespace quiver {

namespace {

#if defined(__x86_64__)
constexpr quint32 kArch = AUDIT_ARCH_X86_64;
#define QUIVER_FILTER_ARCH 1
#elif defined(__aarch64__)
constexpr quint32 kArch = AUDIT_ARCH_AARCH64;
#define QUIVER_FILTER_ARCH 1
#endif

#ifdef QUIVER_FILTER_ARCH

#ifdef SECCOMP_RET_KILL_PROCESS
constexpr quint32 kKill = SECCOMP_RET_KILL_PROCESS;
#else
constexpr quint32 kKill = SECCOMP_RET_KILL;
#endif
constexpr quint32 kAllow = SECCOMP_RET_ALLOW;
constexpr quint32 kDeny = SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA);
constexpr quint32 kNoSys = SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA);

// The low 32 bits of the first argument (both architectures are little-endian).
constexpr quint32 kArg0 = offsetof(struct seccomp_data, args);

sock_filter statement(quint16 code, quint32 k) {
    return sock_filter{code, 0, 0, k};
}
sock_filter jump(quint16 code, quint32 k, quint8 ifTrue, quint8 ifFalse) {
    return sock_filter{code, ifTrue, ifFalse, k};
}

// Every rule is self-contained: it compares the system call number in the accumulator and,
// on a match, returns; otherwise it jumps past itself with the accumulator untouched.
class Program {
public:
    Program() {
        m_code.push_back(statement(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)));
        m_code.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, kArch, 1, 0));
        m_code.push_back(statement(BPF_RET | BPF_K, kKill));
        m_code.push_back(statement(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));
#if defined(__x86_64__)
        // x32 system calls share the architecture field; none of them is ours.
        m_code.push_back(jump(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1));
        m_code.push_back(statement(BPF_RET | BPF_K, kDeny));
#endif
    }
    void answer(long nr, quint32 action) {
        m_code.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, static_cast<quint32>(nr), 0, 1));
        m_code.push_back(statement(BPF_RET | BPF_K, action));
    }
    // Allowed when the first argument equals value (jset: has any of the bits of value).
    void allowIfArg0(long nr, quint16 test, quint32 value) {
        m_code.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, static_cast<quint32>(nr), 0, 4));
        m_code.push_back(statement(BPF_LD | BPF_W | BPF_ABS, kArg0));
        m_code.push_back(jump(BPF_JMP | test | BPF_K, value, 0, 1));
        m_code.push_back(statement(BPF_RET | BPF_K, kAllow));
        m_code.push_back(statement(BPF_RET | BPF_K, kDeny));
    }
    std::vector<sock_filter> finish() {
        m_code.push_back(statement(BPF_RET | BPF_K, kAllow));
        return std::move(m_code);
    }

private:
    std::vector<sock_filter> m_code;
};

std::vector<sock_filter> buildFilter() {
    Program p;
    p.allowIfArg0(__NR_socket, BPF_JEQ, AF_UNIX);
    p.answer(__NR_connect, kDeny);
    p.answer(__NR_execve, kDeny);
#ifdef __NR_execveat
    p.answer(__NR_execveat, kDeny);
#endif
#ifdef __NR_fork
    p.answer(__NR_fork, kDeny);
#endif
#ifdef __NR_vfork
    p.answer(__NR_vfork, kDeny);
#endif
    p.allowIfArg0(__NR_clone, BPF_JSET, CLONE_THREAD);
#ifdef __NR_clone3
    // Its flags live in memory the filter cannot read: ENOSYS makes the C library use clone().
    p.answer(__NR_clone3, kNoSys);
#endif
#ifdef __NR_io_uring_setup
    // io_uring can open sockets and connect without the system calls above.
    p.answer(__NR_io_uring_setup, kDeny);
#endif
    return p.finish();
}

#endif // QUIVER_FILTER_ARCH

QString errnoText(int error) {
    return QString::fromLocal8Bit(std::strerror(error));
}

} // namespace

bool ReaderSyscallFilter::install(QString* note) {
#ifdef QUIVER_FILTER_ARCH
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        *note = QStringLiteral("the kernel refused no_new_privs (%1)").arg(errnoText(errno));
        return false;
    }
    std::vector<sock_filter> code = buildFilter();
    sock_fprog program{static_cast<unsigned short>(code.size()), code.data()};
    // TSYNC: threads a library may already have started get the filter too.
    if (::syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &program) == 0)
        return true;
    const int first = errno;
    if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program, 0, 0) == 0)
        return true;
    *note = QStringLiteral("the kernel refused the seccomp filter (%1)").arg(errnoText(first));
    return false;
#else
    *note = QStringLiteral("no system-call filter for this processor architecture");
    return false;
#endif
}

} // namespace quiver
