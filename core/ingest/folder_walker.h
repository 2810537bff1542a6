#pragma once

#include "core/ingest/file_status.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <atomic>

namespace quiver {

// Lists the files an import takes from a folder, recursively and in name order. Skips hidden
// entries, version-control folders, paths matched by ignore patterns (from the settings and
// from a .quiverignore file in any folder, gitignore syntax), files over the size limit,
// symbolic links that lead back into folders already walked and, unless followOutsideLinks,
// symbolic links that lead out of the folder. Only regular files are listed: FIFOs, sockets and
// devices are skipped with a reason. A file reached twice (a link to it, a hard link) is listed
// once, under its own name rather than a link's. Types come from lstat (PlatformFile), not from
// QFileInfo, which follows links.
class FolderWalker {
public:
    struct File {
        QString path; // absolute, clean; symbolic links are not resolved
        qint64 size = 0;
        QDateTime mtime;
        QString readPath;  // what to open: path, or the file a link at path leads to
        FileStatus status; // of readPath, for SafeFileReader to check it is still that file
        bool viaLink = false;
    };
    struct Skipped {
        QString path;
        QString reason;
    };
    struct Result {
        QList<File> files;
        QList<Skipped> skipped; // reported to the user: over the limit, loops, unreadable
        int ignored = 0;        // hidden, VCS and pattern matches: deliberate, not reported
        // Folders (the root included) whose entries could not be listed: nothing is known of
        // the files below them, so no document under them may be taken for gone.
        QStringList unreadableFolders;
    };

    FolderWalker(qint64 maxFileBytes, QStringList ignorePatterns, bool followOutsideLinks = false);
    // root may be a folder or a single file.
    Result walk(const QString& root, const std::atomic<bool>* cancelled = nullptr) const;

    static bool isVcsFolder(const QString& name);
    // Why a root is never walked, or empty: the rules for entries below a root hold for the
    // root too, so a hidden or version-control folder (or a file inside one, e.g. ~/.ssh/id_rsa)
    // and anything that is neither a folder nor a regular file are refused however they are
    // named, through a symbolic link included.
    static QString rootProblem(const QString& path);

private:
    qint64 m_maxFileBytes;
    QStringList m_patterns;
    bool m_followOutsideLinks = false;
};

} // namespace quiver
