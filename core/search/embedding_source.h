#pragma once

#include "core/search/index_labels.h"

#include <QString>

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace quiver {

class PgConnection;

// One stored vector as an index sees it: the chunk, what its labels are made of, the vector.
struct IndexedVector {
    PassageKeys keys;
    std::vector<float> vector;
};

// What changed for one model since a watermark.
struct EmbeddingChanges {
    std::vector<IndexedVector> upserts; // rows written at or after the watermark, as they are now
    std::vector<qint64> deleted;        // chunks whose embedding is gone now
    std::uint64_t watermark = 0;        // where the next read starts
};

// Reads one model's embeddings for an index, always inside one REPEATABLE READ snapshot, and
// returns that snapshot's xmin (the oldest transaction still running) as the watermark: a row
// committed later has a txid at least that large, so reading from it again misses nothing.
class EmbeddingSource {
public:
    // Streams every embedding of model with COPY (binary). progress(rowsDone, rowsTotal) is
    // called every few thousand rows; returning false cancels, and readAll returns nullopt.
    using RowFn = std::function<void(const PassageKeys& keys, const std::vector<float>& vector)>;
    using ProgressFn = std::function<bool(qint64 done, qint64 total)>;
    static std::optional<std::uint64_t> readAll(PgConnection& conn, const QString& model,
                                                const RowFn& onRow, const ProgressFn& progress);

    static EmbeddingChanges readChanges(PgConnection& conn, const QString& model,
                                        std::uint64_t since);

    // The snapshot's xmax: a watermark above it comes from a database that was since reset or
    // restored from an older backup.
    static std::uint64_t currentXmax(PgConnection& conn);

    // The model with the most stored embeddings (ties: the first by name); empty when none.
    static QString dominantModel(PgConnection& conn);

    // Number of embeddings stored for model.
    static qint64 count(PgConnection& conn, const QString& model);

    // Removes deletion-log rows older than keepDays; returns how many went.
    static qint64 pruneDeletionLog(PgConnection& conn, int keepDays);
    // The newest txid pruned from the deletion log, if any: an index whose watermark is not
    // above it may have missed a deletion.
    static std::optional<std::uint64_t> prunedDeletionsThrough(PgConnection& conn);
};

} // namespace quiver
