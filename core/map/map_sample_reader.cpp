#include "core/map/map_sample_reader.h"

#include "core/db/db_error.h"
#include "core/db/pg_connection.h"

#include <QStringList>

#include <algorithm>
#include <cmath>

namespace quiver {

namespace {

QString bigintArrayLiteral(const QList<qint64>& ids, qsizetype from, qsizetype count) {
    QStringList items;
    items.reserve(count);
    for (qsizetype i = from; i < from + count; ++i)
        items.append(QString::number(ids[i]));
    return QLatin1Char('{') + items.join(QLatin1Char(',')) + QLatin1Char('}');
}

} // namespace

MapSample MapSampleReader::read(const QString& model, int maxPassages,
                                const std::function<bool(int, int)>& progress) {
    MapSample sample;
    sample.model = model;
    sample.totalPassages =
        m_conn
            .exec(QStringLiteral("SELECT count(*) FROM quiver.embeddings WHERE model = $1"),
                  {model})
            .toInt64(0, 0);
    // hashint8 spreads the sample over every document and import, unlike the newest or oldest.
    const PgResult picked =
        m_conn.exec(QStringLiteral("SELECT chunk_id FROM quiver.embeddings WHERE model = $1 "
                                   "ORDER BY hashint8(chunk_id), chunk_id LIMIT $2"),
                    {model, qMax(0, maxPassages)});
    QList<qint64> ids;
    ids.reserve(picked.rows());
    for (int i = 0; i < picked.rows(); ++i)
        ids.append(picked.toInt64(i, 0));

    const auto total = static_cast<int>(ids.size());
    for (qsizetype from = 0; from < ids.size(); from += kBatch) {
        const qsizetype count = qMin<qsizetype>(kBatch, ids.size() - from);
        const PgResult r = m_conn.exec(
            QStringLiteral("SELECT c.id, c.document_id, c.ordinal, c.page, d.path, d.title, "
                           "d.mime, col.name, left(c.text, $3), e.vector "
                           "FROM quiver.embeddings e "
                           "JOIN quiver.chunks c ON c.id = e.chunk_id "
                           "JOIN quiver.documents d ON d.id = c.document_id "
                           "JOIN quiver.collections col ON col.id = d.collection_id "
                           "WHERE e.model = $1 AND e.chunk_id = ANY ($2::bigint[]) "
                           "ORDER BY hashint8(c.id), c.id"),
            {model, bigintArrayLiteral(ids, from, count), kTextChars});
        for (int i = 0; i < r.rows(); ++i) {
            QList<float> v;
            try {
                v = r.toFloatArray(i, 9);
            } catch (const DbError&) {
                v.clear(); // NaN or a malformed array: not drawable, the rest still is
            }
            if (sample.dimensions == 0 && !v.isEmpty())
                sample.dimensions = static_cast<int>(v.size());
            const bool finite =
                std::all_of(v.begin(), v.end(), [](float x) { return std::isfinite(x); });
            if (v.isEmpty() || v.size() != sample.dimensions || !finite) {
                ++sample.skipped;
                continue;
            }
            MapPassage p;
            p.chunkId = r.toInt64(i, 0);
            p.documentId = r.toInt64(i, 1);
            p.ordinal = static_cast<int>(r.toInt64(i, 2));
            if (!r.isNull(i, 3))
                p.page = static_cast<int>(r.toInt64(i, 3));
            p.path = r.text(i, 4);
            p.title = r.text(i, 5);
            p.mime = r.text(i, 6);
            p.collection = r.text(i, 7);
            p.text = r.text(i, 8);
            sample.passages.push_back(std::move(p));
            sample.vectors.insert(sample.vectors.end(), v.begin(), v.end());
        }
        if (progress && !progress(static_cast<int>(from + count), total))
            break;
    }
    return sample;
}

} // namespace quiver
