#include "core/diskann/product_quantizer.h"

#include "core/diskann/kmeans.h"

#include <algorithm>
#include <atomic>
#include <numeric>
#include <random>
#include <stdexcept>
#include <thread>

namespace quiver::diskann {

namespace {

std::uint32_t threadCount(std::uint32_t requested, std::size_t work) {
    std::uint32_t t = requested ? requested : std::max(1u, std::thread::hardware_concurrency());
    return static_cast<std::uint32_t>(std::min<std::size_t>(t, std::max<std::size_t>(work, 1)));
}

// Runs body(i) for i in [0, n) on `threads` threads.
template <typename Body>
void parallelFor(std::size_t n, std::uint32_t threads, Body body) {
    if (threads <= 1) {
        for (std::size_t i = 0; i < n; ++i)
            body(i);
        return;
    }
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> pool;
    for (std::uint32_t t = 0; t < threads; ++t)
        pool.emplace_back([&] {
            for (std::size_t i = next++; i < n; i = next++)
                body(i);
        });
    for (auto& th : pool)
        th.join();
}

} // namespace

ProductQuantizer::ProductQuantizer(std::uint32_t dimension, std::vector<std::uint32_t> offsets,
                                   std::vector<float> centroids)
    : dimension_(dimension)
    , offsets_(std::move(offsets))
    , centroids_(std::move(centroids)) {
    if (dimension_ == 0 || offsets_.size() < 2 || offsets_.front() != 0 ||
        offsets_.back() != dimension_)
        throw std::invalid_argument("PQ sub-space offsets must run from 0 to the dimension");
    for (std::size_t m = 1; m < offsets_.size(); ++m)
        if (offsets_[m] <= offsets_[m - 1])
            throw std::invalid_argument("PQ sub-space offsets must increase");
    if (centroids_.size() != std::size_t{kCentroids} * dimension_)
        throw std::invalid_argument("PQ codebook size does not match the dimension");
}

std::uint32_t ProductQuantizer::subspacesForBudget(std::uint32_t dimension, std::uint32_t pqBytes) {
    const std::uint32_t m = pqBytes ? pqBytes : std::min(dimension / 4, 256u);
    return std::clamp(m, 1u, std::max(dimension, 1u));
}

ProductQuantizer ProductQuantizer::train(const float* data, std::size_t n, std::uint32_t dimension,
                                         std::uint32_t subspaces, const PqTrainOptions& options) {
    if (n == 0 || dimension == 0 || subspaces == 0 || subspaces > dimension)
        throw std::invalid_argument("PQ training needs points and 1 <= sub-spaces <= dimension");
    // The first dimension % M sub-spaces take one extra dimension.
    std::vector<std::uint32_t> offsets(subspaces + 1, 0);
    for (std::uint32_t m = 0; m < subspaces; ++m)
        offsets[m + 1] = offsets[m] + dimension / subspaces + (m < dimension % subspaces ? 1 : 0);

    std::vector<std::size_t> sample(n);
    std::iota(sample.begin(), sample.end(), std::size_t{0});
    const std::size_t sampleSize =
        std::min<std::size_t>(n, std::max<std::uint32_t>(options.maxTrainingPoints, 1));
    if (sampleSize < n) {
        std::mt19937_64 rng(options.seed ^ 0x9E3779B97F4A7C15ull);
        for (std::size_t i = 0; i < sampleSize; ++i)
            std::swap(sample[i], sample[std::uniform_int_distribution<std::size_t>(i, n - 1)(rng)]);
        sample.resize(sampleSize);
        std::sort(sample.begin(), sample.end()); // sequential reads of the input
    }

    std::vector<float> centroids(std::size_t{kCentroids} * dimension);
    parallelFor(subspaces, threadCount(options.threads, subspaces), [&](std::size_t m) {
        const std::size_t begin = offsets[m];
        const std::size_t width = offsets[m + 1] - begin;
        std::vector<float> slice(sampleSize * width);
        for (std::size_t i = 0; i < sampleSize; ++i)
            std::copy_n(data + sample[i] * dimension + begin, width, slice.data() + i * width);
        KMeansOptions km;
        km.iterations = options.iterations;
        km.seed = options.seed + m;
        const std::vector<float> c = trainKMeans(slice.data(), sampleSize, width, kCentroids, km);
        std::copy(c.begin(), c.end(),
                  centroids.begin() + static_cast<std::ptrdiff_t>(kCentroids * begin));
    });
    return ProductQuantizer(dimension, std::move(offsets), std::move(centroids));
}

std::size_t ProductQuantizer::memoryBytes() const {
    return centroids_.size() * sizeof(float) + offsets_.size() * sizeof(std::uint32_t) +
           sizeof(*this);
}

std::vector<float> ProductQuantizer::transposedCodebook() const {
    std::vector<float> t(centroids_.size());
    for (std::uint32_t m = 0; m < subspaces(); ++m) {
        const std::size_t begin = offsets_[m];
        const std::size_t width = offsets_[m + 1] - begin;
        const std::vector<float> block =
            transposeCentroids(centroids_.data() + kCentroids * begin, kCentroids, width);
        std::copy(block.begin(), block.end(),
                  t.begin() + static_cast<std::ptrdiff_t>(kCentroids * begin));
    }
    return t;
}

void ProductQuantizer::encode(const float* vector, std::uint8_t* code,
                              const float* transposed) const {
    float scratch[kCentroids];
    for (std::uint32_t m = 0; m < subspaces(); ++m) {
        const std::size_t begin = offsets_[m];
        const std::size_t width = offsets_[m + 1] - begin;
        code[m] = static_cast<std::uint8_t>(
            transposed && width <= kTransposedMaxDim
                ? nearestTransposed(vector + begin, transposed + kCentroids * begin, kCentroids,
                                    width, scratch)
                : nearestCentroid(vector + begin, centroids_.data() + kCentroids * begin,
                                  kCentroids, width));
    }
}

void ProductQuantizer::encodeBatch(const float* vectors, std::size_t n, std::uint8_t* codes,
                                   std::uint32_t threads) const {
    const std::vector<float> transposed = transposedCodebook();
    const std::vector<float> norms = codebookNorms();
    constexpr std::size_t kBlock = 1024;
    const std::size_t blocks = (n + kBlock - 1) / kBlock;
    parallelFor(blocks, threadCount(threads, blocks), [&](std::size_t b) {
        const std::size_t first = b * kBlock;
        encodeMany(vectors + first * dimension_, std::min(kBlock, n - first),
                   codes + first * subspaces(), transposed.data(), norms.data());
    });
}

std::vector<float> ProductQuantizer::codebookNorms() const {
    std::vector<float> norms(std::size_t{subspaces()} * kCentroids);
    for (std::uint32_t m = 0; m < subspaces(); ++m) {
        const std::size_t begin = offsets_[m];
        const std::vector<float> block = centroidNorms(centroids_.data() + kCentroids * begin,
                                                       kCentroids, offsets_[m + 1] - begin);
        std::copy(block.begin(), block.end(),
                  norms.begin() + static_cast<std::ptrdiff_t>(std::size_t{m} * kCentroids));
    }
    return norms;
}

void ProductQuantizer::encodeMany(const float* vectors, std::size_t n, std::uint8_t* codes,
                                  const float* transposed, const float* norms) const {
    // Groups small enough to stay in the L2 cache while every sub-space's centroids go by.
    constexpr std::size_t kGroup = 64;
    const std::uint32_t M = subspaces();
    std::uint32_t nearest[kGroup];
    for (std::size_t first = 0; first < n; first += kGroup) {
        const std::size_t count = std::min(kGroup, n - first);
        const float* group = vectors + first * dimension_;
        for (std::uint32_t m = 0; m < M; ++m) {
            const std::size_t begin = offsets_[m];
            const std::size_t width = offsets_[m + 1] - begin;
            if (width <= kTransposedMaxDim) {
                nearestTransposedMany(
                    group + begin, count, dimension_, transposed + kCentroids * begin,
                    norms + std::size_t{m} * kCentroids, kCentroids, width, nearest);
            } else {
                for (std::size_t i = 0; i < count; ++i)
                    nearest[i] =
                        nearestCentroid(group + i * dimension_ + begin,
                                        centroids_.data() + kCentroids * begin, kCentroids, width);
            }
            for (std::size_t i = 0; i < count; ++i)
                codes[(first + i) * M + m] = static_cast<std::uint8_t>(nearest[i]);
        }
    }
}

void ProductQuantizer::decode(const std::uint8_t* code, float* vector) const {
    for (std::uint32_t m = 0; m < subspaces(); ++m) {
        const std::size_t begin = offsets_[m];
        const std::size_t width = offsets_[m + 1] - begin;
        std::copy_n(centroids_.data() + kCentroids * begin + code[m] * width, width,
                    vector + begin);
    }
}

void ProductQuantizer::computeTable(const float* query, Metric metric, float* table) const {
    const bool l2 = metric == Metric::L2;
    for (std::uint32_t m = 0; m < subspaces(); ++m) {
        const std::size_t begin = offsets_[m];
        const std::size_t width = offsets_[m + 1] - begin;
        const float* q = query + begin;
        const float* c = centroids_.data() + kCentroids * begin;
        float* row = table + std::size_t{m} * kCentroids;
        for (std::uint32_t k = 0; k < kCentroids; ++k, c += width) {
            float s = 0.0f;
            if (l2) {
                for (std::size_t d = 0; d < width; ++d) {
                    const float diff = q[d] - c[d];
                    s += diff * diff;
                }
            } else {
                for (std::size_t d = 0; d < width; ++d)
                    s -= q[d] * c[d];
            }
            row[k] = s;
        }
    }
}

float ProductQuantizer::distance(const float* table, const std::uint8_t* code) const {
    const std::uint32_t M = subspaces();
    float s = 0.0f;
    for (std::uint32_t m = 0; m < M; ++m)
        s += table[std::size_t{m} * kCentroids + code[m]];
    return s;
}

void ProductQuantizer::distances(const float* table, const std::uint8_t* codes, std::size_t n,
                                 float* out) const {
    const std::uint32_t M = subspaces();
    std::size_t i = 0;
    // Four codes at a time: independent sums hide the latency of the table loads.
    for (; i + 4 <= n; i += 4) {
        const std::uint8_t* c = codes + i * M;
        float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
        for (std::uint32_t m = 0; m < M; ++m) {
            const float* row = table + std::size_t{m} * kCentroids;
            s0 += row[c[m]];
            s1 += row[c[M + m]];
            s2 += row[c[2 * M + m]];
            s3 += row[c[3 * M + m]];
        }
        out[i] = s0;
        out[i + 1] = s1;
        out[i + 2] = s2;
        out[i + 3] = s3;
    }
    for (; i < n; ++i)
        out[i] = distance(table, codes + i * M);
}

} // namespace quiver::diskann
