#include "core/ingest/folder_walker.h"

#include "core/ingest/ignore_rules.h"

#include <QDir>
#include <QFileInfo>
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
} // namespace

FolderWalker::FolderWalker(qint64 maxFileBytes, QStringList ignorePatterns)
    : m_maxFileBytes(maxFileBytes)
    , m_patterns(std::move(ignorePatterns)) {}

bool FolderWalker::isVcsFolder(const QString& name) {
    static const QSet<QString> vcs{QStringLiteral(".git"),    QStringLiteral(".hg"),
                                   QStringLiteral(".svn"),    QStringLiteral(".bzr"),
                                   QStringLiteral("CVS"),     QStringLiteral("_darcs"),
                                   QStringLiteral(".fossil"), QStringLiteral(".jj")};
    return vcs.contains(name);
}

FolderWalker::Result FolderWalker::walk(const QString& rootPath,
                                        const std::atomic<bool>* cancelled) const {
    Result result;
    const QFileInfo root(rootPath);
    const QString rootClean = QDir::cleanPath(root.absoluteFilePath());
    if (!root.exists()) {
        result.skipped.append({rootClean, root.isSymLink()
                                              ? QStringLiteral("broken symbolic link")
                                              : QStringLiteral("no such file or folder")});
        return result;
    }
    const auto addFile = [&](const QFileInfo& info) {
        const QString path = QDir::cleanPath(info.absoluteFilePath());
        if (info.size() > m_maxFileBytes) {
            result.skipped.append({path, sizeLimitReason(info.size(), m_maxFileBytes)});
            return;
        }
        result.files.append({path, info.size(), info.lastModified()});
    };
    if (!root.isDir()) {
        addFile(root);
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
            if (entry.isSymLink() && !entry.exists()) {
                result.skipped.append({path, QStringLiteral("broken symbolic link")});
                continue;
            }
            if (isDir)
                walkDir(path);
            else if (entry.isFile())
                addFile(entry);
            else
                result.skipped.append({path, QStringLiteral("not a regular file (device, socket "
                                                            "or pipe)")});
        }
        rules.resize(rulesBefore);
    };
    walkDir(rootClean);
    return result;
}

} // namespace quiver
