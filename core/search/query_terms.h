#pragma once

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace quiver {

// The words of a query worth highlighting in results: lower-cased, without web-search syntax
// (quotes, a leading '-' excludes a word and is dropped, "or" is an operator).
QStringList queryTerms(const QString& query);

// Where the terms occur in text, as (start, length) pairs in order, not overlapping; a term
// matches at the start of a word and extends to the end of that word ("orbit" marks "orbits").
QList<QPair<int, int>> termMatches(const QString& text, const QStringList& terms);

} // namespace quiver
