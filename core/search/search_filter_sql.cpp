#include "core/search/search_filter_sql.h"

#include <QStringList>

namespace quiver {

QString bigintArrayLiteral(const QList<qint64>& values) {
    QStringList parts;
    parts.reserve(values.size());
    for (const qint64 v : values)
        parts.append(QString::number(v));
    return QLatin1Char('{') + parts.join(QLatin1Char(',')) + QLatin1Char('}');
}

QString searchFilterCondition(const SearchFilters& filters, QVariantList& params) {
    QStringList conditions;
    const auto next = [&params](const QVariant& value) {
        params.append(value);
        return QStringLiteral("$%1").arg(params.size());
    };
    if (!filters.collectionIds.isEmpty())
        conditions.append(QStringLiteral("d.collection_id = ANY(%1::bigint[])")
                              .arg(next(bigintArrayLiteral(filters.collectionIds))));
    if (!filters.mimeTypes.isEmpty())
        conditions.append(
            QStringLiteral("d.mime = ANY(%1::text[])").arg(next(QVariant(filters.mimeTypes))));
    if (filters.importedAfter.isValid())
        conditions.append(
            QStringLiteral("d.imported_at >= %1::timestamptz").arg(next(filters.importedAfter)));
    if (filters.importedBefore.isValid())
        conditions.append(
            QStringLiteral("d.imported_at < %1::timestamptz").arg(next(filters.importedBefore)));
    if (conditions.isEmpty())
        return QStringLiteral("true");
    return conditions.join(QStringLiteral(" AND "));
}

} // namespace quiver
