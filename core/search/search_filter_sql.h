#pragma once

#include "core/search/search_types.h"

#include <QString>
#include <QVariantList>

namespace quiver {

// The SQL condition for SearchFilters over quiver.documents aliased `d`, with its values
// appended to params as $n placeholders (never spliced into the text).
QString searchFilterCondition(const SearchFilters& filters, QVariantList& params);

// '{1,2,3}' for a bigint[] parameter (PgConnection binds lists of strings, not of integers).
QString bigintArrayLiteral(const QList<qint64>& values);

} // namespace quiver
