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
    parallelFor(
        n, resolveThreadCount(threads), 64,
        [&](std::size_t begin, std::size_t end, unsigned) {
            for (std::size_t i = begin; i < end; ++i)
                apply(x + i * dimension_, y + i * dimension_);
        },
        [](std::size_t) { return true; });
}

namespace linalg {

std::vector<float> multiplyTransposed(const float* a, std::size_t n, const float* b, std::size_t m,
                                      std::size_t dim, unsigned threads) {
    std::vector<float> c(n * m);
    parallelFor(
        n, resolveThreadCount(threads), 8,
        [&](std::size_t begin, std::size_t end, unsigned) {
            for (std::size_t i = begin; i < end; ++i)
                for (std::size_t j = 0; j < m; ++j)
                    c[i * m + j] = innerProduct(a + i * dim, b + j * dim, dim);
        },
        [](std::size_t) { return true; });
    return c;
}

std::vector<float> transpose(const float* a, std::size_t rows, std::size_t cols) {
    std::vector<float> t(rows * cols);
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < cols; ++j)
            t[j * rows + i] = a[i * cols + j];
    return t;
}

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
    // Singular values in (0, 1] after scaling: X <- X (3I - X^T X) / 2 drives each one to 1
    // (quadratically near 1), keeping the singular vectors.
    for (std::size_t i = 0; i < a.size(); ++i)
        x[i] = static_cast<float>(static_cast<double>(a[i]) / frobenius);
    for (int iteration = 0; iteration < 100; ++iteration) {
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
        if (offIdentity < 1e-8 * static_cast<double>(dim))
            break;
        x = multiplyTransposed(x.data(), dim, h.data(), dim, dim, threads); // X H, H symmetric
    }
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
