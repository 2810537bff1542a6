#pragma once

#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace quiver {

// One passage placed on the collection map: what the map shows and what the preview needs.
struct MapPassage {
    qint64 chunkId = 0;
    qint64 documentId = 0;
    int ordinal = 0;
    std::optional<int> page;
    QString path;
    QString title;
    QString mime;
    QString collection;
    QString text;
    float x = 0; // in [0, 1], left to right
    float y = 0; // in [0, 1], top to bottom
    int cluster = 0;
};

// A group of passages that lie together on the map, named by the words that set it apart.
struct MapCluster {
    float x = 0; // the centre, in map coordinates
    float y = 0;
    int size = 0;
    QStringList words; // most distinctive first, as the passages spell them
};

// A 2-D picture of one model's embeddings: a sample of the passages when there are many.
struct CollectionMap {
    QString model;
    qint64 totalPassages = 0; // embedded by this model
    std::vector<MapPassage> passages;
    std::vector<MapCluster> clusters;
};

} // namespace quiver
