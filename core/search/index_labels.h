#pragma once

#include "core/diskann/label_filter.h"
#include "core/search/search_types.h"

#include <QDateTime>
#include <QString>

#include <cstdint>
#include <vector>

namespace quiver {

// What the vector index knows of a passage besides its vector: the chunk and the attributes the
// Search page filters on, as the database reports them (kPassageKeyColumns).
struct PassageKeys {
    qint64 chunkId = 0;
    qint64 collectionId = 0;
    qint64 typeHash = 0;  // the first 32 bits of md5(documents.mime), 0 .. 2^32 - 1
    qint64 importDay = 0; // documents.imported_at in whole UTC days since 1970
};

// The select list that yields PassageKeys from quiver.embeddings e, quiver.documents d. md5
// rather than PostgreSQL's own text hash, whose values may change between server versions.
inline constexpr const char* kPassageKeyColumns =
    "e.chunk_id, d.collection_id, "
    "('x' || substr(md5(coalesce(d.mime, '')), 1, 8))::bit(32)::int8, "
    "coalesce(floor(extract(epoch FROM d.imported_at) / 86400), 0)::int8";

// A passage's labels in the index: its collection, its document's type and its import day, in
// three ranges of one 32-bit space (collections below 2^30, types below 2^31, days above).
// Throws std::runtime_error for a collection id the range cannot hold.
std::vector<std::uint32_t> passageLabels(const PassageKeys& keys);

// The labels a search with these filters may return: a group per filter in use. Types and
// days are matched by hash and by whole day, so the filter may let through a little more than
// the filters ask (a hash collision, the rest of a boundary day); the exact conditions are
// applied when the results are read from the database.
diskann::LabelFilter labelFilterFor(const SearchFilters& filters);

// Whole UTC days since 1970, as kPassageKeyColumns computes them.
qint64 importDayOf(const QDateTime& when);
// As kPassageKeyColumns computes it for a MIME type.
std::uint32_t typeHashOf(const QString& mime);

} // namespace quiver
