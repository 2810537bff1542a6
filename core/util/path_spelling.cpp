#include "core/util/path_spelling.h"

#include <QDir>
#include <QFileInfo>
#include <QStringList>

namespace quiver {

QString onDiskSpelling(const QString& path) {
    QStringList parts = path.split(QLatin1Char('/'));
    qsizetype first = 1; // parts[0] is empty for "/x", a drive for "C:/x"
    if (path.startsWith(QLatin1String("//")))
        first = 4; // "//server/share/...": the share is the server's to spell
    else if (!parts.isEmpty() && parts[0].size() == 2 && parts[0][1] == QLatin1Char(':'))
        parts[0] = parts[0].toUpper();
    QString folder = parts.mid(0, first).join(QLatin1Char('/'));
    if (folder.isEmpty())
        folder = QStringLiteral("/");
    for (qsizetype i = first; i < parts.size(); ++i) {
        QString& name = parts[i];
        if (name.isEmpty())
            continue;
        const QStringList listed = QDir(folder).entryList(QDir::AllEntries | QDir::Hidden |
                                                          QDir::System | QDir::NoDotAndDotDot);
        if (!listed.contains(name)) {
            QString match;
            int matches = 0;
            for (const QString& entry : listed)
                if (entry.compare(name, Qt::CaseInsensitive) == 0) {
                    match = entry;
                    ++matches;
                }
            if (matches == 1)
                name = match;
        }
        folder =
            folder.endsWith(QLatin1Char('/')) ? folder + name : folder + QLatin1Char('/') + name;
    }
    return parts.join(QLatin1Char('/'));
}

QString canonicalCase(const QString& path) {
#if defined(Q_OS_WIN) || defined(Q_OS_MACOS)
    if (QFileInfo::exists(path))
        return onDiskSpelling(path);
#endif
    return path;
}

} // namespace quiver
