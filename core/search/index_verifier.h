#pragma once

#include <QString>

namespace quiver {

class PgConnection;
class SearchIndex;

struct RecallReport {
    double recall = 0; // mean |index top-k ∩ exact top-k| / k
    int queries = 0;   // stored vectors used as queries
    int k = 10;
    qint64 vectors = 0; // vectors the exact answers were computed over
    double seconds = 0;
};

// Measures the index's recall@k against exact search: a sample of the model's stored vectors
// (deterministic for a seed) serves as queries; the exact answers come from one streaming pass
// over every stored vector. The index is synced first, so both see the same vectors.
RecallReport measureRecall(PgConnection& conn, SearchIndex& index, int sample, int k = 10,
                           int seed = 1);

} // namespace quiver
