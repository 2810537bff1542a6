#include "core/ingest/folder_walker.h"

#include "core/ingest/ignore_rules.h"
#include "core/ingest/platform_file.h"
#include "core/util/path_spelling.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QLocale>
#include <QSet>

#include <functional>

namespace quiver {

namespace {
const QString kIgnoreFile = QStringLiteral(".quiverignore");

QString sizeLimitReason(qint64 size, qint64 limit) {
    const QLocale c = QLocale::c();
    return QStringLiteral("larger than the import limit (%1 > %2); raise the limit in Settings "
                          "to import it")
        .arg(c.formattedDataSize(size), c.formattedDataSize(limit));
}

QString notRegularReason(FileStatus::Kind kind) {
    return QStringLiteral("not a regular file but %1; Quiver reads only regular files")
        .arg(FileStatus::kindName(kind));
}

QString outsideLinkReason() {
    return QStringLiteral("symbolic link to something outside the imported folder; not followed "
                          "(set import/followOutsideLinks to follow such links)");
}

QString sameFileReason(const QString& listedAs) {
    return QStringLiteral("the same file as %1 (a link to it or a hard link); imported once")
        .arg(listedAs);
}
} // namespace

FolderWalker::FolderWalker(qint64 maxFileBytes, QStringList ignorePatterns, bool followOutsideLinks)
    : m_maxFileBytes(maxFileBytes)
    , m_patterns(std::move(ignorePatterns))
    , m_followOutsideLinks(followOutsideLinks) {}

bool FolderWalker::isVcsFolder(const QString& name) {
    static const QSet<QString> vcs{QStringLiteral(".git"),    QStringLiteral(".hg"),
                                   QStringLiteral(".svn"),    QStringLiteral(".bzr"),
                                   QStringLiteral("CVS"),     QStringLiteral("_darcs"),
                                   QStringLiteral(".fossil"), QStringLiteral(".jj")};
    return vcs.contains(name);
}

QString FolderWalker::rootProblem(const QString& path) {
    const QFileInfo info(path);
    const auto hiddenPart = [](const QString& p) -> QString {
        for (const QString& part : QDir::cleanPath(p).split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
            if (part.startsWith(QLatin1Char('.')) || isVcsFolder(part))
                return part;
        }
        return {};
    };
    QString hidden = hiddenPart(info.absoluteFilePath());
    if (hidden.isEmpty() && info.exists())
        hidden = hiddenPart(info.canonicalFilePath());
    if (!hidden.isEmpty())
        return QStringLiteral("inside the hidden or version-control folder \"%1\": Quiver never "
                              "imports hidden entries; copy what you want found to a visible "
                              "folder")
            .arg(hidden);
    if (info.exists() && !info.isDir() && !info.isFile())
        return QStringLiteral("not a regular file (device, socket or pipe)");
    return {};
}

FolderWalker::Result FolderWalker::walk(const QString& rootPath,
                                        const std::atomic<bool>* cancelled) const {
    Result result;
    const QFileInfo root(rootPath);
    // One spelling per folder: on a case-insensitive file system the one it keeps.
    const QString rootClean = canonicalCase(QDir::cleanPath(root.absoluteFilePath()));
    if (!root.exists()) {
        result.skipped.append({rootClean, root.isSymLink()
                                              ? QStringLiteral("broken symbolic link")
                                              : QStringLiteral("no such file or folder")});
        return result;
    }
    if (const QString problem = rootProblem(rootClean); !problem.isEmpty()) {
        result.skipped.append({rootClean, problem});
        return result;
    }
    // Links may lead anywhere inside the root as the file system resolves it.
    const QString rootReal = root.canonicalFilePath();
    const auto inside = [&rootReal](const QString& target) {
        return rootReal == QLatin1String("/") || target == rootReal ||
               target.startsWith(rootReal + QLatin1Char('/'));
    };
    QHash<QPair<quint64, quint64>, qsizetype> listed; // device and inode -> index in files
    const auto addFile = [&](const QString& path, const QString& readPath, const FileStatus& status,
                             bool viaLink) {
        if (status.size > m_maxFileBytes) {
            result.skipped.append({path, sizeLimitReason(status.size, m_maxFileBytes)});
            return;
        }
        File file{path, status.size, status.modified(), readPath, status, viaLink};
        if (status.hasIdentity()) {
            const QPair<quint64, quint64> key(status.device, status.inode);
            if (const auto it = listed.constFind(key); it != listed.constEnd()) {
                // One file, one document: under its own name rather than a link's.
                File& first = result.files[*it];
                if (first.viaLink && !viaLink)
                    std::swap(first, file);
                result.skipped.append({file.path, sameFileReason(first.path)});
                return;
            }
            listed.insert(key, result.files.size());
        }
        result.files.append(file);
    };
    if (!root.isDir()) {
        // A file the user picked is read even through a link: the choice was theirs.
        const FileStatus status = PlatformFile::statusOf(rootReal);
        if (status.kind == FileStatus::Kind::Regular)
            addFile(rootClean, rootReal, status, rootReal != rootClean);
        else
            result.skipped.append({rootClean, notRegularReason(status.kind)});
        return result;
    }

    QList<IgnoreRules> rules;
    if (!m_patterns.isEmpty())
        rules.append(IgnoreRules(m_patterns, rootClean));
    QSet<QString> visited; // canonical paths of folders on the way down or already walked

    std::function<void(const QString&)> walkDir = [&](const QString& dir) {
        if (cancelled && cancelled->load())
            return;
        const QString canonical = QFileInfo(dir).canonicalFilePath();
        if (visited.contains(canonical)) {
            result.skipped.append({dir, QStringLiteral("symbolic link loop: %1 is already "
                                                       "being imported; not followed")
                                            .arg(canonical)});
            return;
        }
        visited.insert(canonical);
        const QDir qdir(dir);
        if (!qdir.isReadable()) {
            result.skipped.append({dir, QStringLiteral("cannot read this folder: permission "
                                                       "denied")});
            result.unreadableFolders.append(dir);
            return;
        }
        const qsizetype rulesBefore = rules.size();
        if (QFileInfo::exists(qdir.filePath(kIgnoreFile)))
            rules.append(IgnoreRules::fromFile(qdir.filePath(kIgnoreFile), dir));

        const QFileInfoList entries = qdir.entryInfoList(
            QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System, QDir::Name);
        for (const QFileInfo& entry : entries) {
            const QString name = entry.fileName();
            const QString path = QDir::cleanPath(entry.absoluteFilePath());
            if (name.startsWith(QLatin1Char('.')) || isVcsFolder(name)) {
                ++result.ignored;
                continue;
            }
            const bool isDir = entry.isDir();
            IgnoreRules::Verdict verdict = IgnoreRules::Verdict::None;
            for (const IgnoreRules& r : std::as_const(rules)) {
                if (const auto v = r.match(path, isDir); v != IgnoreRules::Verdict::None)
                    verdict = v;
            }
            if (verdict == IgnoreRules::Verdict::Ignore) {
                ++result.ignored;
                continue;
            }
            FileStatus status = PlatformFile::statusOf(path);
            QString readPath = path;
            const bool link = status.kind == FileStatus::Kind::SymbolicLink;
            if (link) {
                readPath = QFileInfo(path).canonicalFilePath();
                if (readPath.isEmpty()) {
                    result.skipped.append({path, QStringLiteral("broken symbolic link")});
                    continue;
                }
                if (!m_followOutsideLinks && !inside(readPath)) {
                    result.skipped.append({path, outsideLinkReason()});
                    continue;
                }
                status = PlatformFile::statusOf(readPath);
            }
            if (status.kind == FileStatus::Kind::Directory)
                walkDir(path);
            else if (status.kind == FileStatus::Kind::Regular)
                addFile(path, readPath, status, link);
            else if (!status.exists())
                result.skipped.append({path, QStringLiteral("it disappeared while the folder was "
                                                            "being listed")});
            else
                result.skipped.append({path, notRegularReason(status.kind)});
        }
        rules.resize(rulesBefore);
    };
    walkDir(rootClean);
    return result;
}

} // namespace quiver
