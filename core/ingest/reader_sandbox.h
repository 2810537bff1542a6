#pragma once

#include "core/ingest/reader_protocol.h"

// Sanitizers reserve terabytes of address space for their shadow memory, so an address-space
// limit would stop the helper before it starts; those builds run without one and say so.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define QUIVER_READER_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||                         \
    __has_feature(memory_sanitizer)
#define QUIVER_READER_SANITIZED 1
#endif
#endif

namespace quiver {

// The limits quiver-reader puts on itself before it reads a byte of any file, behind one
// interface: setrlimit and a seccomp filter on Linux, setrlimit on macOS, a job object on
// Windows. What could not be put in place is reported, never silently left out.
class ReaderSandbox {
public:
    static constexpr bool memoryLimitSupported() {
#ifdef QUIVER_READER_SANITIZED
        return false;
#else
        return true;
#endif
    }

    // The address-space limit (memoryBytes > 0), no core dumps and, where the system has a way,
    // no network and no new processes. Call once, before any file is read.
    static reader::SandboxReport apply(qint64 memoryBytes);
    // The CPU time the next file may use, counted from now; false where there is no such limit.
    static bool limitCpuSeconds(int seconds);
};

} // namespace quiver
