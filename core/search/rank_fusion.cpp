#include "core/search/rank_fusion.h"

#include <QHash>

#include <algorithm>
#include <climits>

namespace quiver {

namespace {

// Each arm's contribution for the chunk at index i of its list.
std::vector<double> contributions(const std::vector<RankedChunk>& list, double weight,
                                  const FusionParams& p, bool similarity) {
    std::vector<double> out(list.size(), 0.0);
    if (list.empty() || weight <= 0)
        return out;
    if (p.method == FusionParams::Method::ReciprocalRank) {
        for (std::size_t i = 0; i < list.size(); ++i)
            out[i] = weight / (p.rrfK + static_cast<double>(i + 1));
        return out;
    }
    double hi = list.front().score;
    double lo = similarity ? list.front().score : 0.0; // BM25's natural floor is 0
    for (const RankedChunk& c : list) {
        hi = std::max(hi, c.score);
        if (similarity)
            lo = std::min(lo, c.score);
    }
    const double span = hi - lo;
    for (std::size_t i = 0; i < list.size(); ++i)
        out[i] = weight * (span > 0 ? (list[i].score - lo) / span : 1.0);
    return out;
}

} // namespace

std::vector<FusedChunk> fuseRankings(const std::vector<RankedChunk>& keyword,
                                     const std::vector<RankedChunk>& semantic,
                                     const FusionParams& params) {
    const double w = std::clamp(params.keywordWeight, 0.0, 1.0);
    const std::vector<double> fromKeyword = contributions(keyword, w, params, false);
    const std::vector<double> fromSemantic = contributions(semantic, 1.0 - w, params, true);
    std::vector<FusedChunk> fused;
    fused.reserve(keyword.size() + semantic.size());
    QHash<qint64, std::size_t> position;
    for (std::size_t i = 0; i < keyword.size(); ++i) {
        if (position.contains(keyword[i].chunkId))
            continue;
        position.insert(keyword[i].chunkId, fused.size());
        fused.push_back({keyword[i].chunkId, fromKeyword[i],
                         ArmRank{static_cast<int>(i + 1), keyword[i].score}, std::nullopt});
    }
    for (std::size_t i = 0; i < semantic.size(); ++i) {
        const ArmRank rank{static_cast<int>(i + 1), semantic[i].score};
        const auto it = position.constFind(semantic[i].chunkId);
        if (it == position.cend()) {
            position.insert(semantic[i].chunkId, fused.size());
            fused.push_back({semantic[i].chunkId, fromSemantic[i], std::nullopt, rank});
        } else if (!fused[*it].semantic) {
            fused[*it].score += fromSemantic[i];
            fused[*it].semantic = rank;
        }
    }
    std::sort(fused.begin(), fused.end(), [](const FusedChunk& a, const FusedChunk& b) {
        if (a.score != b.score)
            return a.score > b.score;
        const int ra = a.keyword ? a.keyword->rank : INT_MAX;
        const int rb = b.keyword ? b.keyword->rank : INT_MAX;
        if (ra != rb)
            return ra < rb;
        return a.chunkId < b.chunkId;
    });
    return fused;
}

} // namespace quiver
