#pragma once

#include "core/search/text_analyzer.h"

#include <QList>
#include <QPair>
#include <QSet>
#include <QString>

namespace quiver {

// The index terms of a query's positive words (optional, required, phrase terms): what a
// result's text is matched against for highlighting.
QSet<QString> highlightTerms(const QString& query, TextAnalyzer& analyzer);

// Where text's words whose term is in terms occur, as (start, length) UTF-16 pairs in order,
// not overlapping. A stop word or a prefix never matches; "orbits" matches the term of "orbit".
// A span is the token as written, a possessive included ("orbit's" is marked whole); a CJK
// bigram marks its two characters, and overlapping bigram spans merge into one.
QList<QPair<int, int>> highlightMatches(const QString& text, const QSet<QString>& terms,
                                        TextAnalyzer& analyzer);

} // namespace quiver
