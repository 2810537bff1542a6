// quiver-reader: reads the files of an import in a process of its own, under limits, so that a
// hostile or damaged file can crash, hang or exhaust only this process. Started by the importer
// (ReaderClient), one per import thread; speaks reader_protocol.h on its standard input and
// output. Not meant to be run by hand.

#include "core/ingest/reader_sandbox.h"
#include "core/ingest/reader_service.h"
#include "quiver_version.h"

#include <QCoreApplication>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#ifdef Q_OS_WIN
#include <fcntl.h>
#include <io.h>
#else
#include <fcntl.h>
#include <unistd.h>
#endif
#if defined(__GLIBC__)
#include <malloc.h>
#endif

int main(int argc, char** argv) {
    qint64 memoryLimit = 1LL << 30;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--version") == 0) {
            std::printf("quiver-reader %s\n", QUIVER_VERSION_STRING);
            return 0;
        }
        if (std::strcmp(argv[i], "--memory-limit") == 0 && i + 1 < argc) {
            memoryLimit = std::strtoll(argv[++i], nullptr, 10);
            continue;
        }
        std::fprintf(stderr, "quiver-reader: started by Quiver's importer, not by hand\n");
        return 2;
    }
#if defined(__GLIBC__)
    // Each malloc arena reserves 64 MiB of address space, which the limit counts.
    mallopt(M_ARENA_MAX, 2);
#endif

    // The stream to the importer is moved off standard input and output, and standard output
    // goes to standard error: a library that prints cannot corrupt the conversation.
#ifdef Q_OS_WIN
    _setmode(0, _O_BINARY);
    _setmode(1, _O_BINARY);
    const int input = _dup(0);
    const int output = _dup(1);
    _dup2(2, 1);
#else
    const int input = ::fcntl(0, F_DUPFD_CLOEXEC, 3);
    const int output = ::fcntl(1, F_DUPFD_CLOEXEC, 3);
    const int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null >= 0)
        ::dup2(null, 0);
    ::dup2(2, 1);
#endif
    if (input < 0 || output < 0)
        return 2;

    QCoreApplication app(argc, argv);
    const quiver::reader::SandboxReport sandbox =
        quiver::ReaderSandbox::apply(memoryLimit > 0 ? memoryLimit : 0);
    const bool testHooks = qEnvironmentVariableIntValue("QUIVER_READER_TEST_HOOKS") == 1;
    const int code = quiver::ReaderService::run(input, output, sandbox, testHooks);
    // Without destructors or exit handlers: the libraries' teardown is not worth the risk in a
    // process that may have read a hostile file, and the leak checker of sanitizer builds needs
    // a kind of process clone that the system-call filter forbids.
    std::fflush(stderr);
    std::_Exit(code);
}
