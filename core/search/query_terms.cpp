#include "core/search/query_terms.h"

#include <QRegularExpression>

namespace quiver {

QStringList queryTerms(const QString& query) {
    QStringList terms;
    static const QRegularExpression token(QStringLiteral("(-?)([\\w]+)"),
                                          QRegularExpression::UseUnicodePropertiesOption);
    auto it = token.globalMatch(query);
    while (it.hasNext()) {
        const auto m = it.next();
        const QString word = m.captured(2).toLower();
        const bool excluded =
            !m.captured(1).isEmpty() &&
            (m.capturedStart(1) == 0 || query.at(m.capturedStart(1) - 1).isSpace());
        if (excluded || word == QLatin1String("or") || terms.contains(word))
            continue;
        terms.append(word);
    }
    return terms;
}

QList<QPair<int, int>> termMatches(const QString& text, const QStringList& terms) {
    QList<QPair<int, int>> out;
    if (terms.isEmpty())
        return out;
    const QString lower = text.toLower();
    int i = 0;
    const int n = static_cast<int>(text.size());
    while (i < n) {
        if (!text.at(i).isLetterOrNumber() && text.at(i) != QLatin1Char('_')) {
            ++i;
            continue;
        }
        int end = i;
        while (end < n && (text.at(end).isLetterOrNumber() || text.at(end) == QLatin1Char('_')))
            ++end;
        for (const QString& t : terms) {
            if (end - i >= t.size() && QStringView(lower).mid(i, t.size()) == t) {
                out.append({i, end - i});
                break;
            }
        }
        i = end;
    }
    return out;
}

} // namespace quiver
