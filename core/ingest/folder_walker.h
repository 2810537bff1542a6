#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <atomic>

namespace quiver {

// Lists the files an import takes from a folder, recursively and in name order. Skips hidden
// entries, version-control folders, paths matched by ignore patterns (from the settings and
// from a .quiverignore file in any folder, gitignore syntax), files over the size limit and
// symbolic links that lead back into folders already walked.
class FolderWalker {
public:
    struct File {
        QString path; // absolute, clean; symbolic links are not resolved
        qint64 size = 0;
        QDateTime mtime;
    };
    struct Skipped {
        QString path;
        QString reason;
    };
    struct Result {
        QList<File> files;
        QList<Skipped> skipped; // reported to the user: over the limit, loops, unreadable
        int ignored = 0;        // hidden, VCS and pattern matches: deliberate, not reported
    };

    FolderWalker(qint64 maxFileBytes, QStringList ignorePatterns);
    // root may be a folder or a single file.
    Result walk(const QString& root, const std::atomic<bool>* cancelled = nullptr) const;

    static bool isVcsFolder(const QString& name);

private:
    qint64 m_maxFileBytes;
    QStringList m_patterns;
};

} // namespace quiver
