#include "core/search/query_terms.h"

#include "core/search/keyword_query.h"

#include <algorithm>
#include <string>
#include <unordered_set>

namespace quiver {

QSet<QString> highlightTerms(const QString& query, TextAnalyzer& analyzer) {
    QSet<QString> out;
    // optional holds the required and the phrase terms too.
    for (const std::string& t : parseKeywordQuery(query, analyzer).optional)
        out.insert(QString::fromStdString(t));
    return out;
}

QList<QPair<int, int>> highlightMatches(const QString& text, const QSet<QString>& terms,
                                        TextAnalyzer& analyzer) {
    QList<QPair<int, int>> out;
    if (terms.isEmpty())
        return out;
    std::unordered_set<std::string> wanted;
    for (const QString& t : terms)
        wanted.insert(t.toStdString());
    for (const AnalyzedToken& token : analyzer.tokens(text)) {
        if (!wanted.contains(token.term))
            continue;
        const int end = token.start + token.length;
        if (!out.isEmpty() && token.start < out.back().first + out.back().second) {
            out.back().second = std::max(out.back().second, end - out.back().first);
            continue; // overlaps the previous span (CJK bigrams): one span
        }
        out.append({token.start, token.length});
    }
    return out;
}

} // namespace quiver
