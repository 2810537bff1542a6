#pragma once

#include <QString>

namespace quiver {

// Linux only: a seccomp-BPF filter for quiver-reader. socket() for anything but AF_UNIX,
// connect(), execve()/execveat(), fork()/vfork(), clone() without CLONE_THREAD and
// io_uring_setup() fail with EPERM; clone3() fails with ENOSYS so that the C library falls back
// to clone() for threads, which keep working. A system call of another architecture ends the
// process. Sets PR_SET_NO_NEW_PRIVS first, as the kernel requires.
class ReaderSyscallFilter {
public:
    // False, with the kernel's reason in note, when the filter could not be installed.
    static bool install(QString* note);
};

} // namespace quiver
