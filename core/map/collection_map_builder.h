#pragma once

#include "core/map/collection_map.h"

#include <cstdint>
#include <functional>

namespace quiver {

class PgConnection;
struct MapSample;

struct MapBuildOptions {
    int maxPassages = 20000; // a sample above this: a denser map is no more readable
    int maxClusters = 12;
    int wordsPerCluster = 3;
    std::uint64_t seed = 1;
    int threads = 0; // 0: all cores
};

// Computes the collection map: reads a sample of the passages of the model that search uses,
// lays their embeddings out in 2-D (core/map/map_layout.h), groups what lies together and names
// each group by its most distinctive words. Blocking, for a worker thread; throws DbError, and
// MapCancelled once cancelled() says so.
class CollectionMapBuilder {
public:
    // fraction in [0, 1] of the whole computation, and what it is doing.
    using Progress = std::function<void(double fraction, const QString& step)>;
    using Cancelled = std::function<bool()>;

    CollectionMapBuilder(Progress progress, Cancelled cancelled)
        : m_progress(std::move(progress))
        , m_cancelled(std::move(cancelled)) {}

    // The map of the model search prefers; an empty map (no model) when nothing is embedded.
    CollectionMap build(PgConnection& conn, const MapBuildOptions& options);
    // The layout, groups and words of a sample read already; language: the keyword analyzer's.
    CollectionMap build(MapSample sample, const QString& language, const MapBuildOptions& options);

private:
    void report(double fraction, const QString& step) const;

    Progress m_progress;
    Cancelled m_cancelled;
};

} // namespace quiver
