#include "core/diskann/vector_codec.h"

#include "core/diskann/distance.h"
#include "core/diskann/kmeans.h"
#include "core/diskann/parallel_for.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

namespace quiver::diskann {

namespace {

// A uniform sample of at most `most` rows (in input order), copied out.
std::vector<float> sampleRows(const float* data, std::size_t n, std::uint32_t dim, std::size_t most,
                              std::uint64_t seed) {
    std::vector<std::size_t> rows(n);
    std::iota(rows.begin(), rows.end(), std::size_t{0});
    if (most < n) {
        std::mt19937_64 rng(seed);
        for (std::size_t i = 0; i < most; ++i)
            std::swap(rows[i], rows[std::uniform_int_distribution<std::size_t>(i, n - 1)(rng)]);
        rows.resize(most);
        std::sort(rows.begin(), rows.end());
    }
    std::vector<float> out(rows.size() * dim);
    for (std::size_t i = 0; i < rows.size(); ++i)
        std::copy_n(data + rows[i] * dim, dim, out.data() + i * dim);
    return out;
}

// Sub-space widths as ProductQuantizer::train lays them out.
std::vector<std::uint32_t> subspaceWidths(std::uint32_t dim, std::uint32_t m) {
    std::vector<std::uint32_t> widths(m);
    for (std::uint32_t i = 0; i < m; ++i)
        widths[i] = dim / m + (i < dim % m ? 1 : 0);
    return widths;
}

// Dimensions dealt to sub-spaces, largest variance first, each to the open sub-space whose
// product of variances is smallest so far (eigenvalue allocation without the eigenvectors).
Rotation balancedPermutation(const std::vector<float>& x, std::size_t n, std::uint32_t dim,
                             std::uint32_t m) {
    std::vector<double> mean(dim, 0.0), var(dim, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::uint32_t d = 0; d < dim; ++d)
            mean[d] += static_cast<double>(x[i * dim + d]);
    for (double& v : mean)
        v /= static_cast<double>(std::max<std::size_t>(n, 1));
    for (std::size_t i = 0; i < n; ++i)
        for (std::uint32_t d = 0; d < dim; ++d) {
            const double e = static_cast<double>(x[i * dim + d]) - mean[d];
            var[d] += e * e;
        }
    std::vector<std::uint32_t> byVariance(dim);
    std::iota(byVariance.begin(), byVariance.end(), 0u);
    std::stable_sort(byVariance.begin(), byVariance.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return var[a] > var[b]; });
    const std::vector<std::uint32_t> widths = subspaceWidths(dim, m);
    std::vector<std::vector<std::uint32_t>> members(m);
    std::vector<double> logProduct(m, 0.0);
    for (const std::uint32_t d : byVariance) {
        std::uint32_t best = m;
        for (std::uint32_t s = 0; s < m; ++s)
            if (members[s].size() < widths[s] && (best == m || logProduct[s] < logProduct[best]))
                best = s;
        members[best].push_back(d);
        logProduct[best] += std::log(std::max(var[d], 1e-30));
    }
    std::vector<std::uint32_t> order;
    order.reserve(dim);
    for (const auto& s : members)
        order.insert(order.end(), s.begin(), s.end());
    return Rotation::permutation(std::move(order));
}

// OPQ: alternately train PQ on the rotated sample and set R to the orthogonal matrix that best
// maps the sample onto its reconstructions (orthogonal Procrustes, via the polar factor).
Rotation learnRotation(const std::vector<float>& x, std::size_t n, std::uint32_t dim,
                       std::uint32_t m, const CodecTrainOptions& options) {
    std::vector<float> r(std::size_t{dim} * dim, 0.0f);
    for (std::uint32_t i = 0; i < dim; ++i)
        r[std::size_t{i} * dim + i] = 1.0f;
    Rotation rotation = Rotation::dense(dim, r);
    std::vector<float> y(x.size()), decoded(x.size());
    std::vector<std::uint8_t> codes(n * m);
    const std::vector<float> xt = linalg::transpose(x.data(), n, dim);
    for (std::uint32_t it = 0; it < options.rotationIterations; ++it) {
        rotation.applyBatch(x.data(), n, y.data(), options.threads);
        PqTrainOptions pqOptions;
        pqOptions.maxTrainingPoints = static_cast<std::uint32_t>(n);
        pqOptions.iterations = 4;
        pqOptions.seed = options.seed + it;
        pqOptions.threads = options.threads;
        const ProductQuantizer pq = ProductQuantizer::train(y.data(), n, dim, m, pqOptions);
        pq.encodeBatch(y.data(), n, codes.data(), options.threads);
        for (std::size_t i = 0; i < n; ++i)
            pq.decode(codes.data() + i * m, decoded.data() + i * dim);
        // M = Yhat^T X; R = polar(M) maximises trace(R X^T Yhat) over orthogonal R.
        const std::vector<float> yt = linalg::transpose(decoded.data(), n, dim);
        const std::vector<float> cross =
            linalg::multiplyTransposed(yt.data(), dim, xt.data(), dim, n, options.threads);
        rotation = Rotation::dense(dim, linalg::orthogonalPolarFactor(cross, dim, options.threads));
    }
    return rotation;
}

} // namespace

VectorCodec::VectorCodec(Metric steering, Rotation rotation, std::uint32_t coarseCount,
                         std::vector<float> coarse, ProductQuantizer pq)
    : steering_(steering)
    , rotation_(std::move(rotation))
    , coarseCount_(coarseCount)
    , coarse_(std::move(coarse))
    , pq_(std::move(pq)) {
    if (steering_ == Metric::Cosine)
        throw std::invalid_argument("codec: cosine is steered by L2 on unit vectors");
    if (rotation_.dimension() != pq_.dimension())
        throw std::invalid_argument("codec: rotation and PQ dimensions differ");
    if (coarseCount_ == 0 || coarseCount_ > kMaxCoarseCentroids ||
        coarse_.size() != std::size_t{coarseCount_} * pq_.dimension())
        throw std::invalid_argument("codec: coarse centroids do not match the dimension");
    if (!std::all_of(coarse_.begin(), coarse_.end(), [](float v) { return std::isfinite(v); }))
        throw std::invalid_argument("codec: a coarse centroid is not finite");
}

std::uint32_t VectorCodec::coarseCountFor(std::size_t n) {
    return static_cast<std::uint32_t>(std::clamp<std::size_t>(n / 100, 1, 256));
}

VectorCodec VectorCodec::train(const float* data, std::size_t n, std::uint32_t dimension,
                               Metric steering, const CodecTrainOptions& options) {
    if (n == 0 || dimension == 0)
        throw std::invalid_argument("codec training needs points and a dimension");
    const std::uint32_t m = ProductQuantizer::subspacesForBudget(dimension, options.subspaces);
    const std::uint32_t k = std::min<std::uint32_t>(
        options.coarseCentroids ? options.coarseCentroids : coarseCountFor(n),
        static_cast<std::uint32_t>(std::min<std::size_t>(n, kMaxCoarseCentroids)));

    Rotation rotation = Rotation::identity(dimension);
    if (options.rotate) {
        const std::size_t rn = std::min<std::size_t>(n, options.rotationTrainingPoints);
        const std::vector<float> x = sampleRows(data, n, dimension, rn, options.seed);
        const bool dense = dimension <= kMaxLearnedDimension &&
                           n >= std::size_t{kPointsPerRotationRow} * dimension;
        rotation = dense ? learnRotation(x, rn, dimension, m, options)
                         : balancedPermutation(x, rn, dimension, m);
    }

    const std::size_t sn = std::min<std::size_t>(n, std::max(options.maxTrainingPoints, 1u));
    std::vector<float> y(sn * std::size_t{dimension});
    rotation.applyBatch(sampleRows(data, n, dimension, sn, options.seed + 1).data(), sn, y.data(),
                        options.threads);
    KMeansOptions km;
    km.iterations = options.iterations;
    km.seed = options.seed + 2;
    km.threads = resolveThreadCount(options.threads);
    std::vector<float> coarse = trainKMeans(y.data(), sn, dimension, k, km);
    // Residuals, in place.
    std::vector<std::uint32_t> assigned(sn);
    nearestCentroids(y.data(), sn, coarse.data(), k, dimension, assigned.data(), nullptr,
                     options.threads);
    for (std::size_t i = 0; i < sn; ++i) {
        float* row = y.data() + i * dimension;
        const float* centroid = coarse.data() + std::size_t{assigned[i]} * dimension;
        for (std::uint32_t d = 0; d < dimension; ++d)
            row[d] -= centroid[d];
    }
    PqTrainOptions pqOptions;
    pqOptions.maxTrainingPoints = static_cast<std::uint32_t>(sn);
    pqOptions.iterations = options.iterations;
    pqOptions.seed = options.seed + 3;
    pqOptions.threads = options.threads;
    ProductQuantizer pq = ProductQuantizer::train(y.data(), sn, dimension, m, pqOptions);
    return VectorCodec(steering == Metric::Cosine ? Metric::L2 : steering, std::move(rotation), k,
                       std::move(coarse), std::move(pq));
}

std::size_t VectorCodec::memoryBytes() const {
    return sizeof(*this) + rotation_.memoryBytes() + coarse_.capacity() * sizeof(float) +
           pq_.memoryBytes();
}

VectorCodec::PointTerms VectorCodec::encode(const float* vector, std::uint8_t* code) const {
    return encode(vector, code, nullptr);
}

VectorCodec::PointTerms VectorCodec::encode(const float* vector, std::uint8_t* code,
                                            const float* transposedCodebook) const {
    const std::uint32_t dim = dimension();
    std::vector<float> y(dim), r(dim);
    rotation_.apply(vector, y.data());
    const std::uint32_t c = nearestCentroid(y.data(), coarse_.data(), coarseCount_, dim);
    const float* centroid = coarse_.data() + std::size_t{c} * dim;
    for (std::uint32_t d = 0; d < dim; ++d)
        y[d] -= centroid[d];
    pq_.encode(y.data(), code, transposedCodebook);
    pq_.decode(code, r.data());
    PointTerms terms;
    terms.coarse = static_cast<std::uint16_t>(c);
    if (steering_ == Metric::L2)
        terms.bias =
            innerProduct(r.data(), r.data(), dim) + 2.0f * innerProduct(centroid, r.data(), dim);
    return terms;
}

void VectorCodec::encodeBatch(const float* vectors, std::size_t n, std::uint8_t* codes,
                              PointTerms* terms, std::uint32_t threads) const {
    const std::uint32_t dim = dimension();
    const std::uint32_t M = codeBytes();
    const std::vector<float> transposed = pq_.transposedCodebook();
    const std::vector<float> norms = pq_.codebookNorms();
    // Blocks of vectors go through each step together: the rotation and the coarse distances as
    // blocked matrix products, the PQ codes a few vectors per pass over the codebook.
    constexpr std::size_t kBlock = 256;
    parallelFor(
        n, resolveThreadCount(threads), kBlock,
        [&](std::size_t begin, std::size_t end, unsigned) {
            const std::size_t count = end - begin;
            std::vector<float> y(count * dim), r(dim);
            std::vector<std::uint32_t> nearest(count);
            rotation_.applyBatch(vectors + begin * dim, count, y.data(), 1);
            nearestCentroids(y.data(), count, coarse_.data(), coarseCount_, dim, nearest.data(),
                             nullptr, 1);
            for (std::size_t i = 0; i < count; ++i) {
                const float* centroid = coarse_.data() + std::size_t{nearest[i]} * dim;
                float* row = y.data() + i * dim;
                for (std::uint32_t d = 0; d < dim; ++d)
                    row[d] -= centroid[d];
            }
            std::uint8_t* blockCodes = codes + begin * M;
            pq_.encodeMany(y.data(), count, blockCodes, transposed.data(), norms.data());
            for (std::size_t i = 0; i < count; ++i) {
                PointTerms& t = terms[begin + i];
                t = PointTerms{};
                t.coarse = static_cast<std::uint16_t>(nearest[i]);
                if (steering_ != Metric::L2)
                    continue;
                const float* centroid = coarse_.data() + std::size_t{nearest[i]} * dim;
                pq_.decode(blockCodes + i * M, r.data());
                t.bias = innerProduct(r.data(), r.data(), dim) +
                         2.0f * innerProduct(centroid, r.data(), dim);
            }
        },
        [](std::size_t) { return true; });
}

void VectorCodec::decode(const std::uint8_t* code, std::uint16_t coarse, float* vector) const {
    std::vector<float> y(dimension());
    decodeRotated(code, coarse, y.data());
    rotation_.applyInverse(y.data(), vector);
}

void VectorCodec::decodeRotated(const std::uint8_t* code, std::uint16_t coarse, float* y) const {
    const std::uint32_t dim = dimension();
    pq_.decode(code, y);
    const float* centroid = coarse_.data() + std::size_t{coarse} * dim;
    for (std::uint32_t d = 0; d < dim; ++d)
        y[d] += centroid[d];
}

void VectorCodec::computeTable(const float* query, float* table) const {
    const std::uint32_t dim = dimension();
    std::vector<float> y(dim);
    rotation_.apply(query, y.data());
    const bool l2 = steering_ == Metric::L2;
    for (std::uint32_t c = 0; c < coarseCount_; ++c) {
        const float* centroid = coarse_.data() + std::size_t{c} * dim;
        table[c] = l2 ? l2Squared(y.data(), centroid, dim) : -innerProduct(y.data(), centroid, dim);
    }
    // -<q, r> per sub-space; L2 needs -2<q, r>.
    float* pqTable = table + coarseCount_;
    pq_.computeTable(y.data(), Metric::InnerProduct, pqTable);
    if (l2)
        for (std::size_t i = 0; i < pq_.tableSize(); ++i)
            pqTable[i] *= 2.0f;
}

} // namespace quiver::diskann
