#include "core/map/map_layout.h"

#include "core/diskann/parallel_for.h"
#include "core/map/force_layout.h"
#include "core/map/fuzzy_graph.h"
#include "core/map/knn_graph.h"
#include "core/map/pca.h"
#include "core/map/random.h"
#include "core/map/work_control.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace quiver::map {

namespace {

// Shares of the whole run, for progress.
constexpr double kPcaEnd = 0.15;
constexpr double kKnnEnd = 0.45;

// The first two principal components, centred and scaled to [-10, 10] as UMAP starts from, with
// a little seeded jitter so that duplicates can be told apart by the forces. False when the
// points do not spread at all.
bool initialPositions(const detail::PcaProjection& pca, std::size_t count, std::uint64_t seed,
                      std::vector<float>& positions) {
    positions.assign(count * 2, 0.0f);
    double extent = 0;
    double mean[2] = {0, 0};
    auto coord = [&pca](std::size_t i, std::size_t c) {
        return static_cast<double>(pca.coords[i * pca.dims + c]);
    };
    for (std::size_t i = 0; i < count; ++i)
        for (std::size_t c = 0; c < 2; ++c)
            mean[c] += coord(i, c);
    for (double& m : mean)
        m /= static_cast<double>(count);
    for (std::size_t i = 0; i < count; ++i)
        for (std::size_t c = 0; c < 2; ++c)
            extent = std::max(extent, std::abs(coord(i, c) - mean[c]));
    // Unit vectors that differ by float rounding only are one place.
    if (!(extent > 1e-5))
        return false;
    const double scale = 10.0 / extent;
    for (std::size_t i = 0; i < count; ++i)
        for (std::size_t c = 0; c < 2; ++c) {
            const double jitter = (detail::unit(detail::hash(seed, 0x1a17, i, c)) - 0.5) * 2e-4;
            positions[i * 2 + c] = static_cast<float>((coord(i, c) - mean[c]) * scale + jitter);
        }
    return true;
}

// Into [0,1]^2 with one scale for both axes (distances stay comparable); the narrower axis is
// centred. Non-finite coordinates (never expected) are put in the middle.
std::vector<MapPoint> toUnitSquare(const std::vector<float>& positions) {
    const std::size_t count = positions.size() / 2;
    std::vector<MapPoint> out(count, MapPoint{0.5f, 0.5f});
    double lo[2] = {std::numeric_limits<double>::max(), std::numeric_limits<double>::max()};
    double hi[2] = {std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest()};
    for (std::size_t i = 0; i < count; ++i)
        for (std::size_t c = 0; c < 2; ++c)
            if (std::isfinite(positions[i * 2 + c])) {
                lo[c] = std::min(lo[c], static_cast<double>(positions[i * 2 + c]));
                hi[c] = std::max(hi[c], static_cast<double>(positions[i * 2 + c]));
            }
    const double range = std::max(hi[0] - lo[0], hi[1] - lo[1]);
    if (!(range > 0) || !std::isfinite(range))
        return out;
    for (std::size_t i = 0; i < count; ++i) {
        float v[2];
        for (std::size_t c = 0; c < 2; ++c) {
            const auto p = static_cast<double>(positions[i * 2 + c]);
            const double offset = (range - (hi[c] - lo[c])) / 2;
            v[c] = std::isfinite(p)
                       ? static_cast<float>(std::clamp((p - lo[c] + offset) / range, 0.0, 1.0))
                       : 0.5f;
        }
        out[i] = MapPoint{v[0], v[1]};
    }
    return out;
}

} // namespace

std::vector<MapPoint> layoutMap(const float* vectors, std::size_t count, std::size_t dim,
                                const MapLayoutOptions& options) {
    const detail::WorkControl work(options, diskann::resolveThreadCount(options.threads));
    work.poll();
    if (count == 0 || vectors == nullptr || dim == 0) {
        // Nothing to go by: every point (if any) in the middle.
        work.report(0, 1, 1.0);
        return std::vector<MapPoint>(count, MapPoint{0.5f, 0.5f});
    }
    const std::size_t pcaDims = std::clamp<std::size_t>(options.pcaDimensions, 2, 256);
    const detail::PcaProjection pca = detail::projectPca(
        vectors, count, dim, pcaDims, options.pcaSample, options.seed, work, 0.0, kPcaEnd);

    std::vector<float> positions;
    if (count < 2 || !initialPositions(pca, count, options.seed, positions)) {
        // One point, or every point in the same place after normalising: nothing to lay out.
        work.report(0, 1, 1.0);
        return std::vector<MapPoint>(count, MapPoint{0.5f, 0.5f});
    }
    if (options.epochs == 0) {
        // No layout asked for: the first two principal components.
        work.report(0, 1, 1.0);
        return toUnitSquare(positions);
    }
    const std::size_t k = std::min<std::size_t>(std::max(options.neighbours, 1u), count - 1);
    const detail::KnnGraph knn = detail::nearestNeighbours(pca.coords.data(), count, pca.dims, k,
                                                           options.exactNeighboursUpTo,
                                                           options.seed, work, kPcaEnd, kKnnEnd);
    work.poll();
    const detail::FuzzyGraph graph = detail::fuzzyGraph(knn, count);
    detail::forceLayout(graph, positions, options.epochs, options.seed, work, kKnnEnd, 1.0);
    work.poll();
    std::vector<MapPoint> out = toUnitSquare(positions);
    work.report(0, 1, 1.0);
    return out;
}

} // namespace quiver::map
