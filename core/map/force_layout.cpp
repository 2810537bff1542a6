#include "core/map/force_layout.h"

#include "core/map/random.h"

#include <algorithm>
#include <cmath>

namespace quiver::map::detail {

namespace {

// UMAP's output kernel 1 / (1 + a d^2b) for min_dist 0.1, spread 1.
constexpr float kA = 1.577f;
constexpr float kB = 0.8951f;
constexpr float kNegativeRate = 5.0f;
constexpr float kClip = 4.0f;

float clip(float v) {
    return std::clamp(v, -kClip, kClip);
}

// The s-th negative sample of a point in an epoch whose hash is h: one mixing round and a
// multiply-shift onto [0, count) (no division), as this runs tens of times per point and epoch.
std::size_t pick(std::uint64_t h, std::uint32_t s, std::size_t count) {
    const std::uint64_t r = mix(h + (std::uint64_t{s} + 1) * 0x9e3779b97f4a7c15ULL);
    return static_cast<std::size_t>(((r >> 32) * static_cast<std::uint64_t>(count)) >> 32);
}

} // namespace

void forceLayout(const FuzzyGraph& graph, std::vector<float>& positions, std::uint32_t epochs,
                 std::uint64_t seed, const WorkControl& work, double begin, double end) {
    const std::size_t count = positions.size() / 2;
    if (count < 2 || epochs == 0) {
        work.report(begin, end, 1.0);
        return;
    }
    // Weights relative to the strongest edge; edges too weak to be sampled once over all
    // epochs are dropped, as UMAP does.
    float maxWeight = 0;
    for (const float w : graph.weights)
        maxWeight = std::max(maxWeight, w);
    if (maxWeight <= 0) {
        work.report(begin, end, 1.0);
        return;
    }
    const float minWeight = maxWeight / static_cast<float>(epochs);
    // UMAP samples each stored edge (i, j) and moves both ends, and both (i, j) and (j, i) are
    // stored: a point is pulled twice per unit of weight and pushed from kNegativeRate points.
    std::vector<float> negatives(count, 0.0f);
    for (std::size_t i = 0; i < count; ++i) {
        float sum = 0;
        for (std::size_t e = graph.offsets[i]; e < graph.offsets[i + 1]; ++e)
            if (graph.weights[e] >= minWeight)
                sum += graph.weights[e] / maxWeight;
        negatives[i] = kNegativeRate * sum;
    }

    std::vector<float> next(positions.size());
    for (std::uint32_t epoch = 0; epoch < epochs; ++epoch) {
        const float rate = 1.0f - static_cast<float>(epoch) / static_cast<float>(epochs);
        const double e0 = static_cast<double>(epoch) / epochs;
        const double e1 = static_cast<double>(epoch + 1) / epochs;
        work.forEach(count, count, begin + (end - begin) * e0, begin + (end - begin) * e1,
                     [&](std::size_t i) {
                         const float xi = positions[2 * i], yi = positions[2 * i + 1];
                         float mx = 0, my = 0;
                         for (std::size_t e = graph.offsets[i]; e < graph.offsets[i + 1]; ++e) {
                             const float w = graph.weights[e];
                             if (w < minWeight)
                                 continue;
                             const std::uint32_t j = graph.targets[e];
                             const float dx = xi - positions[2 * j], dy = yi - positions[2 * j + 1];
                             const float d2 = dx * dx + dy * dy;
                             if (d2 <= 0)
                                 continue;
                             const float pw = std::pow(d2, kB);
                             const float coef = -2.0f * kA * kB * pw / d2 / (kA * pw + 1.0f);
                             const float pull = 2.0f * w / maxWeight;
                             mx += pull * clip(coef * dx);
                             my += pull * clip(coef * dy);
                         }
                         const std::uint64_t h = hash(seed, epoch, i);
                         const float expected = negatives[i];
                         auto draws = static_cast<std::uint32_t>(expected);
                         if (unit(h) < static_cast<double>(expected - static_cast<float>(draws)))
                             ++draws;
                         for (std::uint32_t s = 0; s < draws; ++s) {
                             const std::size_t k = pick(h, s, count);
                             if (k == i)
                                 continue;
                             const float dx = xi - positions[2 * k], dy = yi - positions[2 * k + 1];
                             const float d2 = dx * dx + dy * dy;
                             if (d2 <= 0)
                                 continue; // duplicates stay together rather than fly apart
                             const float coef =
                                 2.0f * kB / ((0.001f + d2) * (kA * std::pow(d2, kB) + 1.0f));
                             mx += clip(coef * dx);
                             my += clip(coef * dy);
                         }
                         next[2 * i] = xi + rate * mx;
                         next[2 * i + 1] = yi + rate * my;
                     });
        positions.swap(next);
    }
}

} // namespace quiver::map::detail
