#include "core/search/rrf_fusion.h"

#include <QHash>

#include <algorithm>

namespace quiver {

std::vector<RankedChunk> fuseReciprocalRanks(const std::vector<std::vector<RankedChunk>>& lists,
                                             double k) {
    std::vector<RankedChunk> fused;
    QHash<qint64, std::size_t> position;
    for (const auto& list : lists) {
        for (std::size_t rank = 0; rank < list.size(); ++rank) {
            const qint64 id = list[rank].chunkId;
            const double contribution = 1.0 / (k + static_cast<double>(rank + 1));
            const auto it = position.constFind(id);
            if (it == position.cend()) {
                position.insert(id, fused.size());
                fused.push_back({id, contribution});
            } else {
                fused[*it].score += contribution;
            }
        }
    }
    std::stable_sort(fused.begin(), fused.end(),
                     [](const RankedChunk& a, const RankedChunk& b) { return a.score > b.score; });
    return fused;
}

} // namespace quiver
