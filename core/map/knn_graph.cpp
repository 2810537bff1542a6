#include "core/map/knn_graph.h"

#include "core/diskann/distance.h"
#include "core/diskann/kmeans.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

namespace quiver::map::detail {

namespace {

using Candidate = std::pair<float, std::uint32_t>; // squared distance, index

// The k best candidates seen so far, kept as a max-heap on (distance, index).
class TopK {
public:
    explicit TopK(std::size_t k)
        : k_(k) {
        heap_.reserve(k);
    }
    void offer(float distance, std::uint32_t index) {
        const Candidate c{distance, index};
        if (heap_.size() < k_) {
            heap_.push_back(c);
            std::push_heap(heap_.begin(), heap_.end());
        } else if (k_ > 0 && c < heap_.front()) {
            std::pop_heap(heap_.begin(), heap_.end());
            heap_.back() = c;
            std::push_heap(heap_.begin(), heap_.end());
        }
    }
    // Writes the row sorted nearest first, padding with `none`.
    void write(std::uint32_t none, std::uint32_t* ids, float* distances) {
        std::sort_heap(heap_.begin(), heap_.end());
        for (std::size_t r = 0; r < k_; ++r) {
            ids[r] = r < heap_.size() ? heap_[r].second : none;
            distances[r] = r < heap_.size() ? std::sqrt(heap_[r].first)
                                            : std::numeric_limits<float>::infinity();
        }
        heap_.clear();
    }

private:
    std::size_t k_;
    std::vector<Candidate> heap_;
};

} // namespace

KnnGraph nearestNeighbours(const float* points, std::size_t count, std::size_t dims, std::size_t k,
                           std::size_t exactUpTo, std::uint64_t seed, const WorkControl& work,
                           double begin, double end) {
    KnnGraph graph;
    graph.k = k;
    graph.neighbours.assign(count * k, static_cast<std::uint32_t>(count));
    graph.distances.assign(count * k, std::numeric_limits<float>::infinity());
    if (count < 2 || k == 0)
        return graph;
    const auto none = static_cast<std::uint32_t>(count);
    // The engine's kernel for this CPU (AVX2, AVX-512, NEON), looked up once: a plain loop adds
    // one dimension after the other, as floating-point rules demand, several times slower.
    const diskann::DistanceFn squaredDistance = diskann::activeKernels().l2Squared;

    if (count <= exactUpTo) {
        work.forEach(count, 1024, begin, end, [&](std::size_t i) {
            TopK top(k);
            const float* p = points + i * dims;
            for (std::size_t j = 0; j < count; ++j)
                if (j != i)
                    top.offer(squaredDistance(p, points + j * dims, dims),
                              static_cast<std::uint32_t>(j));
            top.write(none, &graph.neighbours[i * k], &graph.distances[i * k]);
        });
        return graph;
    }

    // Inverted file: about sqrt(n) k-means cells; each point scans the cells of its nearest
    // centroids. Neighbours across a cell border are found because several cells are probed.
    const auto cells = static_cast<std::uint32_t>(std::sqrt(static_cast<double>(count)));
    constexpr std::size_t kProbes = 10;
    diskann::KMeansOptions km;
    km.iterations = 8;
    km.seed = seed;
    km.threads = work.threads();
    // Trained on an evenly spread sample: cells only need to be roughly right.
    const std::size_t trainRows = std::min<std::size_t>(count, std::size_t{cells} * 64);
    std::vector<float> train(trainRows * dims);
    for (std::size_t r = 0; r < trainRows; ++r)
        std::copy_n(points + (r * count / trainRows) * dims, dims, train.data() + r * dims);
    work.poll();
    const std::vector<float> centroids =
        diskann::trainKMeans(train.data(), trainRows, dims, cells, km);
    const double mid = begin + (end - begin) * 0.15;
    work.report(begin, end, 0.15);
    std::vector<std::uint32_t> cellOf(count);
    diskann::nearestCentroids(points, count, centroids.data(), cells, dims, cellOf.data(), nullptr,
                              work.threads());
    std::vector<std::vector<std::uint32_t>> members(cells);
    for (std::size_t i = 0; i < count; ++i)
        members[cellOf[i]].push_back(static_cast<std::uint32_t>(i));

    const std::size_t probes = std::min<std::size_t>(kProbes, cells);
    work.forEach(count, 4096, mid, end, [&](std::size_t i) {
        const float* p = points + i * dims;
        std::vector<Candidate> near(cells);
        for (std::uint32_t c = 0; c < cells; ++c)
            near[c] = {squaredDistance(p, centroids.data() + std::size_t{c} * dims, dims), c};
        std::partial_sort(near.begin(), near.begin() + static_cast<std::ptrdiff_t>(probes),
                          near.end());
        TopK top(k);
        for (std::size_t r = 0; r < probes; ++r)
            for (const std::uint32_t j : members[near[r].second])
                if (j != i)
                    top.offer(squaredDistance(p, points + std::size_t{j} * dims, dims), j);
        top.write(none, &graph.neighbours[i * k], &graph.distances[i * k]);
    });
    return graph;
}

} // namespace quiver::map::detail
