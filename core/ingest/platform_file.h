#pragma once

#include "core/ingest/file_status.h"

#include <QString>

#include <memory>

namespace quiver {

// The only place where files being imported meet the operating system. On POSIX systems
// (Linux, macOS) a file is opened with O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC: a
// symbolic link put in the file's place is refused rather than followed, a FIFO or device opens
// without waiting for a writer (and is then refused by its fstat), and no child process
// inherits the descriptor. Elsewhere QFile stands in, with the same refusals checked before
// opening. Not thread-safe per object; use one per thread.
class PlatformFile {
public:
    enum class OpenError { None, Missing, SymbolicLink, PermissionDenied, Other };

    PlatformFile();
    ~PlatformFile();
    PlatformFile(const PlatformFile&) = delete;
    PlatformFile& operator=(const PlatformFile&) = delete;

    bool open(const QString& path);
    OpenError openError() const { return m_openError; }
    QString errorText() const { return m_errorText; } // the system's words for the last failure

    FileStatus status() const; // of the open file (fstat)
    // Up to size bytes; 0 at the end of the file, -1 on an error (errorText() says which).
    qint64 read(char* buffer, qint64 size);
    void close();

    // What is at path itself: a symbolic link is reported as one, not followed (lstat).
    static FileStatus statusOf(const QString& path);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
    OpenError m_openError = OpenError::None;
    QString m_errorText;
};

} // namespace quiver
