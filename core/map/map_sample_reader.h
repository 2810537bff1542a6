#pragma once

#include "core/map/collection_map.h"

#include <functional>
#include <vector>

namespace quiver {

class PgConnection;

// What the map is computed from: passages with their vectors, row-major, all of one length.
struct MapSample {
    QString model;
    qint64 totalPassages = 0; // embedded by the model, sampled or not
    std::vector<MapPassage> passages;
    std::vector<float> vectors; // passages.size() x dimensions
    int dimensions = 0;
    int skipped = 0; // rows whose vector is of another length than the first, or not finite
};

// Reads up to maxPassages of one model's embedded passages. Above that, a sample: the passages
// whose hashed chunk id is smallest, so the same library gives the same sample every time and
// a few new passages change it little. Blocking; throws DbError. Rows come from the database and
// are not trusted: a vector of another length, or
// with a NaN or infinity, is skipped and counted, texts are cut short.
class MapSampleReader {
public:
    static constexpr int kTextChars = 2000; // enough for a tooltip and for the cluster words
    static constexpr int kBatch = 500;

    explicit MapSampleReader(PgConnection& conn)
        : m_conn(conn) {}

    // progress(done, total) after each batch; returning false stops and returns what was read.
    MapSample read(const QString& model, int maxPassages,
                   const std::function<bool(int done, int total)>& progress = {});

private:
    PgConnection& m_conn;
};

} // namespace quiver
