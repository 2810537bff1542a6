#pragma once

#include "core/ingest/file_status.h"

#include <QByteArray>
#include <QString>

#include <atomic>

namespace quiver {

// Reads one file of an import whole, trusting nothing the walk saw: the file is opened without
// following a symbolic link and without blocking (PlatformFile), its descriptor must be a
// regular file, the same one the walk listed (device and inode), no larger than the limit, and
// its size and times must be the same after reading as before (fstat on the descriptor), or the
// file is refused with a reason for the user. Thread-safe (no shared state).
class SafeFileReader {
public:
    enum class State {
        Read,
        Missing,
        NotRegular,
        Replaced,
        TooLarge,
        Changed,
        Unreadable,
        Cancelled
    };
    struct Result {
        State state = State::Unreadable;
        QByteArray bytes;
        FileStatus status; // of the descriptor, after reading
        QString reason;    // one line for the user, without the path; empty when Read

        bool ok() const { return state == State::Read; }
        // Refused on purpose (not a regular file, over the limit) rather than failed.
        bool deliberate() const { return state == State::NotRegular || state == State::TooLarge; }
    };

    // expected: what the walk saw at this path (its identity is compared when known).
    static Result read(const QString& path, const FileStatus& expected, qint64 maxBytes,
                       const std::atomic<bool>* cancelled = nullptr);
};

} // namespace quiver
