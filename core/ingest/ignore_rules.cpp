#include "core/ingest/ignore_rules.h"

#include "core/ingest/safe_file_reader.h"

#include <QDir>

namespace quiver {

namespace {
// A .quiverignore is a few lines; one that is not is not a list of patterns.
constexpr qint64 kMaxIgnoreFileBytes = 1 << 20;
} // namespace

IgnoreRules::IgnoreRules(const QStringList& patterns, const QString& baseDir)
    : m_base(QDir::cleanPath(baseDir)) {
    for (QString p : patterns) {
        if (p.endsWith(QLatin1Char('\r')))
            p.chop(1);
        if (p.trimmed().isEmpty() || p.startsWith(QLatin1Char('#')))
            continue;
        // Trailing spaces are ignored unless escaped.
        while (p.endsWith(QLatin1Char(' ')) && !p.endsWith(QLatin1String("\\ ")))
            p.chop(1);
        Rule rule;
        if (p.startsWith(QLatin1Char('!'))) {
            rule.negate = true;
            p.remove(0, 1);
        } else if (p.startsWith(QLatin1String("\\!")) || p.startsWith(QLatin1String("\\#"))) {
            p.remove(0, 1); // a name that starts with '!' or '#'
        }
        if (p.endsWith(QLatin1Char('/'))) {
            rule.dirOnly = true;
            p.chop(1);
        }
        if (p.isEmpty())
            continue;
        // A slash at the start or in the middle anchors the pattern to the base folder; without
        // one it matches a name at any depth.
        const bool anchored = p.contains(QLatin1Char('/'));
        if (p.startsWith(QLatin1Char('/')))
            p.remove(0, 1);
        rule.glob = GlobPattern(anchored ? p : QStringLiteral("**/") + p);
        m_rules.append(rule);
    }
}

IgnoreRules IgnoreRules::fromFile(const QString& path, const QString& baseDir) {
    // Read like any file of the folder: a FIFO or a link to a file elsewhere is no rule file.
    const SafeFileReader::Result file = SafeFileReader::read(path, {}, kMaxIgnoreFileBytes);
    if (!file.ok())
        return {};
    return IgnoreRules(QString::fromUtf8(file.bytes).split(QLatin1Char('\n')), baseDir);
}

IgnoreRules::Verdict IgnoreRules::match(const QString& absolutePath, bool isDir) const {
    const QString clean = QDir::cleanPath(absolutePath);
    if (!clean.startsWith(m_base + QLatin1Char('/')))
        return Verdict::None;
    const QStringView rel = QStringView(clean).mid(m_base.size() + 1);
    // A rule that matches a folder above the path covers the path too ("build/" ignores
    // build/o.c); the path itself counts for folder-only rules only when it is a folder.
    QList<QStringView> candidates;
    for (qsizetype slash = rel.indexOf(QLatin1Char('/')); slash >= 0;
         slash = rel.indexOf(QLatin1Char('/'), slash + 1))
        candidates.append(rel.left(slash));
    Verdict verdict = Verdict::None;
    for (const Rule& rule : m_rules) {
        bool hit = (!rule.dirOnly || isDir) && rule.glob.matches(rel);
        for (qsizetype i = 0; !hit && i < candidates.size(); ++i)
            hit = rule.glob.matches(candidates[i]);
        if (hit)
            verdict = rule.negate ? Verdict::Keep : Verdict::Ignore;
    }
    return verdict;
}

} // namespace quiver
