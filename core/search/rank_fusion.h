#pragma once

#include "core/search/search_types.h"

#include <optional>
#include <vector>

namespace quiver {

// How the keyword and the semantic ranking become one.
struct FusionParams {
    enum class Method {
        // Weighted reciprocal rank fusion (Cormack et al. 2009): each arm adds
        // weight / (rrfK + rank).
        ReciprocalRank,
        // A convex combination of each arm's scores scaled to [0, 1] per query (Bruch et al.
        // 2023 found it beats RRF and needs few examples to tune): BM25 divided by the query's
        // best BM25, cosine similarity min-max scaled over the candidates.
        Scores,
    };
    Method method = Method::Scores;
    double keywordWeight = 0.8; // the keyword arm's share; the semantic arm has the rest
    double rrfK = 60.0;
};

// One fused candidate, with how each arm ranked it.
struct FusedChunk {
    qint64 chunkId = 0;
    double score = 0;
    std::optional<ArmRank> keyword;
    std::optional<ArmRank> semantic;
};

// Fuses the two rankings (each best first); a chunk missing from one arm gets nothing from it.
// Best first; ties go to the better keyword rank, then the smaller chunk id.
std::vector<FusedChunk> fuseRankings(const std::vector<RankedChunk>& keyword,
                                     const std::vector<RankedChunk>& semantic,
                                     const FusionParams& params);

} // namespace quiver
