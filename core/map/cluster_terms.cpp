#include "core/map/cluster_terms.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace quiver::map {

namespace {

// Strength of the prior in pseudo-counts: enough to damp terms seen a handful of times.
constexpr double kPriorStrength = 100.0;
constexpr double kMinClusterShare = 0.02;

} // namespace

std::vector<std::vector<std::string>>
distinctiveTerms(const std::vector<std::vector<std::string>>& termsPerPoint,
                 const MapClusters& clusters, std::uint32_t perCluster) {
    const std::uint32_t k = clusters.count;
    std::vector<std::vector<std::string>> result(k);
    if (k == 0 || perCluster == 0)
        return result;
    const std::size_t n = std::min(termsPerPoint.size(), clusters.clusterOf.size());

    // Per term, the number of points carrying it in each cluster (a point counts a term once).
    std::map<std::string, std::vector<std::uint32_t>> carriers;
    std::vector<double> presences(k, 0.0); // per cluster, sum of its points' distinct terms
    std::vector<std::size_t> points(k, 0);
    std::set<std::string> seen;
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t c = clusters.clusterOf[i];
        if (c >= k)
            continue;
        ++points[c];
        seen.clear();
        for (const std::string& t : termsPerPoint[i]) {
            if (t.empty() || !seen.insert(t).second)
                continue;
            auto& counts = carriers[t];
            if (counts.empty())
                counts.assign(k, 0);
            ++counts[c];
            presences[c] += 1;
        }
    }
    double allPresences = 0;
    for (const double p : presences)
        allPresences += p;
    if (allPresences <= 0)
        return result;

    for (std::uint32_t c = 0; c < k; ++c) {
        const double inside = presences[c];
        const double outside = allPresences - inside;
        const auto minSupport = static_cast<std::uint32_t>(
            std::max(points[c] <= 1 ? 1.0 : 2.0,
                     std::ceil(kMinClusterShare * static_cast<double>(points[c]))));
        std::vector<std::pair<double, const std::string*>> scored;
        for (const auto& [term, counts] : carriers) {
            const double yi = counts[c];
            if (counts[c] < minSupport)
                continue;
            double total = 0;
            for (const std::uint32_t v : counts)
                total += v;
            const double yj = total - yi;
            // Monroe, Colaresi & Quinn (2008): log-odds ratio with an informative Dirichlet
            // prior proportional to the term's overall share, divided by its standard error.
            const double alpha = kPriorStrength * total / allPresences;
            const double delta = std::log((yi + alpha) / (inside + kPriorStrength - yi - alpha)) -
                                 std::log((yj + alpha) / (outside + kPriorStrength - yj - alpha));
            const double z = delta / std::sqrt(1.0 / (yi + alpha) + 1.0 / (yj + alpha));
            if (z > 0 && std::isfinite(z))
                scored.emplace_back(z, &term);
        }
        std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) {
            return a.first != b.first ? a.first > b.first : *a.second < *b.second;
        });
        for (std::size_t r = 0; r < scored.size() && r < perCluster; ++r)
            result[c].push_back(*scored[r].second);
    }
    return result;
}

} // namespace quiver::map
