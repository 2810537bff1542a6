#include "core/diskann/rotation.h"

#include "core/diskann/distance.h"
#include "core/diskann/parallel_for.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

namespace quiver::diskann {

Rotation Rotation::identity(std::uint32_t dimension) {
    Rotation r;
    r.dimension_ = dimension;
    return r;
}

Rotation Rotation::permutation(std::vector<std::uint32_t> order) {
    std::vector<bool> used(order.size(), false);
    for (const std::uint32_t i : order) {
        if (i >= order.size() || used[i])
            throw std::invalid_argument("rotation: the dimension order is not a permutation");
        used[i] = true;
    }
    Rotation r;
    r.kind_ = Kind::Permutation;
    r.dimension_ = static_cast<std::uint32_t>(order.size());
    r.order_ = std::move(order);
    return r;
}

Rotation Rotation::dense(std::uint32_t dimension, std::vector<float> matrix) {
    if (matrix.size() != std::size_t{dimension} * dimension)
        throw std::invalid_argument("rotation: the matrix is not dimension x dimension");
    if (!std::all_of(matrix.begin(), matrix.end(), [](float v) { return std::isfinite(v); }))
        throw std::invalid_argument("rotation: the matrix has a non-finite entry");
    Rotation r;
    r.kind_ = Kind::Dense;
    r.dimension_ = dimension;
    r.matrix_ = std::move(matrix);
    return r;
}

std::size_t Rotation::memoryBytes() const {
    return order_.capacity() * sizeof(std::uint32_t) + matrix_.capacity() * sizeof(float);
}

void Rotation::apply(const float* x, float* y) const {
    switch (kind_) {
    case Kind::Identity:
        std::copy_n(x, dimension_, y);
        return;
    case Kind::Permutation:
        for (std::uint32_t i = 0; i < dimension_; ++i)
            y[i] = x[order_[i]];
        return;
    case Kind::Dense:
        for (std::uint32_t i = 0; i < dimension_; ++i)
            y[i] = innerProduct(matrix_.data() + std::size_t{i} * dimension_, x, dimension_);
        return;
    }
}

void Rotation::applyInverse(const float* y, float* x) const {
    switch (kind_) {
    case Kind::Identity:
        std::copy_n(y, dimension_, x);
        return;
    case Kind::Permutation:
        for (std::uint32_t i = 0; i < dimension_; ++i)
            x[order_[i]] = y[i];
        return;
    case Kind::Dense:
        std::fill_n(x, dimension_, 0.0f);
        for (std::uint32_t i = 0; i < dimension_; ++i) {
            const float* row = matrix_.data() + std::size_t{i} * dimension_;
            for (std::uint32_t j = 0; j < dimension_; ++j)
                x[j] += row[j] * y[i];
        }
        return;
    }
}

void Rotation::applyBatch(const float* x, std::size_t n, float* y, unsigned threads) const {
    if (kind_ == Kind::Dense) {
        // Y = X R^T as one blocked product: each row of R is read once per tile of X, not once
        // per vector.
        linalg::multiplyTransposedInto(x, n, matrix_.data(), dimension_, dimension_, y, dimension_,
                                       threads);
        return;
    }
    parallelFor(
        n, resolveThreadCount(threads), 64,
        [&](std::size_t begin, std::size_t end, unsigned) {
            for (std::size_t i = begin; i < end; ++i)
                apply(x + i * dimension_, y + i * dimension_);
        },
        [](std::size_t) { return true; });
}

namespace linalg {

namespace {

// Makes the rows orthonormal in place (modified Gram-Schmidt, applied twice for float
// accuracy); a row that is (nearly) dependent on the earlier ones is replaced by the first unit
// vector that is not.
void orthonormalizeRows(std::vector<float>& m, std::size_t dim) {
    std::vector<double> row(dim);
    std::size_t nextUnit = 0;
    for (std::size_t i = 0; i < dim; ++i) {
        float* r = m.data() + i * dim;
        for (int attempt = 0;; ++attempt) {
            for (std::size_t d = 0; d < dim; ++d)
                row[d] = static_cast<double>(r[d]);
            const double before =
                std::sqrt(std::inner_product(row.begin(), row.end(), row.begin(), 0.0));
            for (int pass = 0; pass < 2; ++pass)
                for (std::size_t j = 0; j < i; ++j) {
                    const float* p = m.data() + j * dim;
                    double dot = 0.0;
                    for (std::size_t d = 0; d < dim; ++d)
                        dot += row[d] * static_cast<double>(p[d]);
                    for (std::size_t d = 0; d < dim; ++d)
                        row[d] -= dot * static_cast<double>(p[d]);
                }
            const double norm =
                std::sqrt(std::inner_product(row.begin(), row.end(), row.begin(), 0.0));
            if (norm > 1e-3 * before && norm > 1e-12) {
                for (std::size_t d = 0; d < dim; ++d)
                    r[d] = static_cast<float>(row[d] / norm);
                break;
            }
            if (nextUnit >= dim || attempt > static_cast<int>(dim))
                throw std::runtime_error("rotation: cannot complete an orthonormal basis");
            std::fill_n(r, dim, 0.0f);
            r[nextUnit++] = 1.0f;
        }
    }
}

// The largest singular value of A (dim x dim), from below: power iteration on A^T A from a fixed
// start, until the estimate moves by less than 0.1%.
double largestSingularValue(const std::vector<float>& a, std::size_t dim) {
    std::vector<double> v(dim), w(dim);
    std::mt19937_64 rng(0x5EC7A1);
    std::normal_distribution<double> gauss(0.0, 1.0);
    for (double& e : v)
        e = gauss(rng);
    double estimate = 0.0;
    for (int iteration = 0; iteration < 50; ++iteration) {
        double vNorm = std::sqrt(std::inner_product(v.begin(), v.end(), v.begin(), 0.0));
        if (!(vNorm > 0.0))
            return 0.0;
        for (double& e : v)
            e /= vNorm;
        // w = A v, v = A^T w: ||A v|| is the estimate for the unit v.
        for (std::size_t i = 0; i < dim; ++i) {
            const float* row = a.data() + i * dim;
            double s = 0.0;
            for (std::size_t j = 0; j < dim; ++j)
                s += static_cast<double>(row[j]) * v[j];
            w[i] = s;
        }
        const double next = std::sqrt(std::inner_product(w.begin(), w.end(), w.begin(), 0.0));
        std::fill(v.begin(), v.end(), 0.0);
        for (std::size_t i = 0; i < dim; ++i) {
            const float* row = a.data() + i * dim;
            for (std::size_t j = 0; j < dim; ++j)
                v[j] += static_cast<double>(row[j]) * w[i];
        }
        const bool settled = iteration >= 8 && next - estimate <= 1e-3 * next;
        estimate = next;
        if (settled)
            break;
    }
    return estimate;
}

enum class Polar { Converged, Unfinished, Diverged };

// Newton-Schulz steps on x in place until X^T X is the identity to float accuracy (one step
// past 1e-8 per dimension: convergence is quadratic there, so that step reaches the rounding
// floor), or for 60 steps: from the top singular value at 1, every one above 1.5^-55 of it has
// converged by then, and what is left (directions of a singular A, which add nothing to the
// Procrustes fit) the Gram-Schmidt pass completes. Diverged when the iteration blows up (a
// singular value above sqrt 3).
Polar newtonSchulz(std::vector<float>& x, std::size_t dim, unsigned threads) {
    bool last = false;
    for (int iteration = 0; iteration < 60; ++iteration) {
        const std::vector<float> xt = transpose(x.data(), dim, dim);
        std::vector<float> h =
            multiplyTransposed(xt.data(), dim, xt.data(), dim, dim, threads); // X^T X
        double offIdentity = 0.0;
        for (std::size_t i = 0; i < dim; ++i)
            for (std::size_t j = 0; j < dim; ++j) {
                float& v = h[i * dim + j];
                const double e = static_cast<double>(v) - (i == j ? 1.0 : 0.0);
                offIdentity += e * e;
                v = (i == j ? 1.5f : 0.0f) - 0.5f * v;
            }
        if (!std::isfinite(offIdentity) || offIdentity > 1e6 * static_cast<double>(dim))
            return Polar::Diverged;
        last = offIdentity < 1e-8 * static_cast<double>(dim);
        x = multiplyTransposed(x.data(), dim, h.data(), dim, dim, threads); // X H, H symmetric
        if (last)
            return Polar::Converged;
    }
    return Polar::Unfinished;
}

} // namespace

std::vector<float> orthogonalPolarFactor(const std::vector<float>& a, std::size_t dim,
                                         unsigned threads) {
    if (a.size() != dim * dim || dim == 0)
        throw std::invalid_argument("polar factor: the matrix is not square");
    double frobenius = 0.0;
    for (const float v : a)
        frobenius += static_cast<double>(v) * static_cast<double>(v);
    frobenius = std::sqrt(frobenius);
    std::vector<float> x(a.size());
    if (!(frobenius > 0.0) || !std::isfinite(frobenius)) {
        for (std::size_t i = 0; i < dim; ++i)
            x[i * dim + i] = 1.0f;
        return x;
    }
    // X <- X (3I - X^T X) / 2 drives every singular value in (0, sqrt 3) to 1 (quadratically
    // near 1, a factor 1.5 a step while small), keeping the singular vectors. Scaled by the
    // largest singular value the top one starts at 1, where the Frobenius norm would start it
    // as low as 1/sqrt(D) and cost ~log1.5(sqrt D) more steps. The estimate is from below, by
    // a few percent at most; scaled by 1.02 times it the top value stays well below sqrt 3, and a
    // run that blows up all the same falls back to the Frobenius scaling, which cannot overshoot.
    const double top = largestSingularValue(a, dim);
    const double spectral = top > 0.0 ? std::min(frobenius, 1.02 * top) : frobenius;
    Polar result = Polar::Diverged;
    for (const double scale : {spectral, frobenius}) {
        for (std::size_t i = 0; i < a.size(); ++i)
            x[i] = static_cast<float>(static_cast<double>(a[i]) / scale);
        result = newtonSchulz(x, dim, threads);
        if (result != Polar::Diverged)
            break;
    }
    // A converged iteration is orthogonal to float accuracy already; the O(D^3) double
    // Gram-Schmidt pass is for the rest.
    if (result != Polar::Converged)
        orthonormalizeRows(x, dim);
    return x;
}

std::vector<float> randomOrthogonal(std::size_t dim, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> gauss(0.0f, 1.0f);
    std::vector<float> m(dim * dim);
    for (float& v : m)
        v = gauss(rng);
    orthonormalizeRows(m, dim);
    return m;
}

} // namespace linalg

} // namespace quiver::diskann
