#include "core/ingest/safe_file_reader.h"

#include "core/ingest/platform_file.h"

namespace quiver {

namespace {

constexpr qint64 kReadChunk = 1 << 20;

SafeFileReader::Result refused(SafeFileReader::State state, const QString& reason) {
    SafeFileReader::Result r;
    r.state = state;
    r.reason = reason;
    return r;
}

QString openFailure(const PlatformFile& file) {
    switch (file.openError()) {
    case PlatformFile::OpenError::Missing:
        return QStringLiteral("the file was deleted before it could be read");
    case PlatformFile::OpenError::SymbolicLink:
        return QStringLiteral("the file was replaced by a symbolic link before it could be read; "
                              "the link is not followed");
    case PlatformFile::OpenError::PermissionDenied:
        return QStringLiteral("cannot read the file: permission denied; allow reading it (chmod) "
                              "and import it again");
    case PlatformFile::OpenError::None:
    case PlatformFile::OpenError::Other:
        break;
    }
    return QStringLiteral("cannot read the file: %1").arg(file.errorText());
}

} // namespace

SafeFileReader::Result SafeFileReader::read(const QString& path, const FileStatus& expected,
                                            qint64 maxBytes, const std::atomic<bool>* cancelled) {
    PlatformFile file;
    if (!file.open(path)) {
        const State state = file.openError() == PlatformFile::OpenError::Missing
                                ? State::Missing
                                : State::Unreadable;
        return refused(state, openFailure(file));
    }
    const FileStatus before = file.status();
    if (before.kind != FileStatus::Kind::Regular)
        return refused(State::NotRegular,
                       QStringLiteral("not a regular file (%1); Quiver reads only regular files")
                           .arg(FileStatus::kindName(before.kind)));
    if (expected.exists() && !before.sameFileAs(expected))
        return refused(State::Replaced, QStringLiteral("the file was replaced by another while "
                                                       "waiting to be read; import it again"));
    if (before.size > maxBytes)
        return refused(State::TooLarge,
                       QStringLiteral("grew over the import limit while waiting to be read"));

    Result r;
    r.bytes.reserve(before.size);
    for (;;) {
        if (cancelled && cancelled->load(std::memory_order_relaxed))
            return refused(State::Cancelled, QStringLiteral("cancelled"));
        const qint64 have = r.bytes.size();
        // One byte past the limit is enough to know the file grew over it.
        const qint64 want = std::min(kReadChunk, maxBytes + 1 - have);
        r.bytes.resize(have + want);
        const qint64 got = file.read(r.bytes.data() + have, want);
        if (got < 0)
            return refused(State::Unreadable,
                           QStringLiteral("cannot read the file: %1").arg(file.errorText()));
        r.bytes.resize(have + got);
        if (r.bytes.size() > maxBytes)
            return refused(State::TooLarge,
                           QStringLiteral("grew over the import limit while it was being read"));
        if (got == 0)
            break;
    }
    // Times and size from the same descriptor before and after: a writer that was still at
    // work, or one that truncated the file, shows here.
    r.status = file.status();
    if (!r.status.unchangedSince(before) || r.status.size != r.bytes.size())
        return refused(State::Changed, QStringLiteral("the file changed while it was being read; "
                                                      "import it again once it is complete"));
    r.state = State::Read;
    return r;
}

} // namespace quiver
