#include "core/ingest/ignore_rules.h"

#include <QDir>
#include <QFile>

namespace quiver {

namespace {

QString globToRegex(const QString& glob) {
    QString re;
    for (qsizetype i = 0; i < glob.size(); ++i) {
        const QChar c = glob[i];
        if (c == QLatin1Char('*')) {
            if (i + 1 < glob.size() && glob[i + 1] == QLatin1Char('*')) {
                // "**/" matches any number of folders, a trailing "**" everything inside.
                if (i + 2 < glob.size() && glob[i + 2] == QLatin1Char('/')) {
                    re += QStringLiteral("(?:.*/)?");
                    i += 2;
                } else {
                    re += QStringLiteral(".*");
                    i += 1;
                }
            } else {
                re += QStringLiteral("[^/]*");
            }
        } else if (c == QLatin1Char('?')) {
            re += QStringLiteral("[^/]");
        } else if (c == QLatin1Char('[')) {
            const qsizetype close = glob.indexOf(QLatin1Char(']'), i + 1);
            if (close < 0) {
                re += QStringLiteral("\\[");
            } else {
                QString set = glob.mid(i + 1, close - i - 1);
                if (set.startsWith(QLatin1Char('!')))
                    set[0] = QLatin1Char('^');
                re += QLatin1Char('[') + set.replace(QLatin1Char('\\'), QStringLiteral("\\\\")) +
                      QLatin1Char(']');
                i = close;
            }
        } else if (c == QLatin1Char('\\') && i + 1 < glob.size()) {
            re += QRegularExpression::escape(glob.mid(++i, 1));
        } else {
            re += QRegularExpression::escape(QString(c));
        }
    }
    return re;
}

} // namespace

IgnoreRules::IgnoreRules(const QStringList& patterns, const QString& baseDir)
    : m_base(QDir::cleanPath(baseDir)) {
    for (QString p : patterns) {
        if (p.trimmed().isEmpty() || p.startsWith(QLatin1Char('#')))
            continue;
        // Trailing spaces are ignored unless escaped.
        while (p.endsWith(QLatin1Char(' ')) && !p.endsWith(QLatin1String("\\ ")))
            p.chop(1);
        Rule rule;
        if (p.startsWith(QLatin1Char('!'))) {
            rule.negate = true;
            p.remove(0, 1);
        }
        if (p.endsWith(QLatin1Char('/'))) {
            rule.dirOnly = true;
            p.chop(1);
        }
        if (p.isEmpty())
            continue;
        const bool anchored = p.contains(QLatin1Char('/'));
        if (p.startsWith(QLatin1Char('/')))
            p.remove(0, 1);
        // Unanchored patterns match a name at any depth; a match on a folder covers its content.
        const QString body = globToRegex(p);
        const QString full = anchored ? QStringLiteral("^%1(?:/.*)?$").arg(body)
                                      : QStringLiteral("^(?:.*/)?%1(?:/.*)?$").arg(body);
        rule.re = QRegularExpression(full);
        if (rule.re.isValid())
            m_rules.append(rule);
    }
}

IgnoreRules IgnoreRules::fromFile(const QString& path, const QString& baseDir) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return IgnoreRules(QString::fromUtf8(f.readAll()).split(QLatin1Char('\n')), baseDir);
}

IgnoreRules::Verdict IgnoreRules::match(const QString& absolutePath, bool isDir) const {
    const QString clean = QDir::cleanPath(absolutePath);
    if (!clean.startsWith(m_base + QLatin1Char('/')))
        return Verdict::None;
    const QString rel = clean.mid(m_base.size() + 1);
    Verdict verdict = Verdict::None;
    for (const Rule& rule : m_rules) {
        if (rule.dirOnly && !isDir) {
            // "build/" still covers files inside build: test the folders above the file.
            const qsizetype slash = rel.lastIndexOf(QLatin1Char('/'));
            if (slash < 0 || !rule.re.match(rel.left(slash)).hasMatch())
                continue;
        } else if (!rule.re.match(rel).hasMatch()) {
            continue;
        }
        verdict = rule.negate ? Verdict::Keep : Verdict::Ignore;
    }
    return verdict;
}

} // namespace quiver
