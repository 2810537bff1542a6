#pragma once

#include "core/diskann/linalg.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace quiver::diskann {

// An orthogonal map applied to vectors before product quantization: the identity, a permutation
// of the dimensions, or a dense D x D orthogonal matrix (y = R x, R row-major). Orthogonal maps
// keep L2 distances and inner products, so only the quantizer sees the rotated space.
class Rotation {
public:
    enum class Kind : std::uint32_t { Identity = 0, Permutation = 1, Dense = 2 };

    Rotation() = default;
    static Rotation identity(std::uint32_t dimension);
    // y[i] = x[order[i]]; throws std::invalid_argument unless order is a permutation.
    static Rotation permutation(std::vector<std::uint32_t> order);
    // Throws std::invalid_argument unless matrix holds dimension^2 finite floats.
    static Rotation dense(std::uint32_t dimension, std::vector<float> matrix);

    Kind kind() const { return kind_; }
    std::uint32_t dimension() const { return dimension_; }
    const std::vector<std::uint32_t>& order() const { return order_; }
    const std::vector<float>& matrix() const { return matrix_; }
    std::size_t memoryBytes() const;

    void apply(const float* x, float* y) const;
    // x = R^T y: back to the input space.
    void applyInverse(const float* y, float* x) const;
    // Rotates n row vectors (n x D, row-major; x and y must not overlap) on `threads` threads
    // (0: one per hardware thread).
    void applyBatch(const float* x, std::size_t n, float* y, unsigned threads = 1) const;

private:
    Kind kind_ = Kind::Identity;
    std::uint32_t dimension_ = 0;
    std::vector<std::uint32_t> order_;
    std::vector<float> matrix_;
};

// Dense square matrices (row-major, D x D) for learning rotations; the products are in
// linalg.h.
namespace linalg {

// The orthogonal polar factor Q of a square matrix A = Q P (Q = U V^T for A = U S V^T): the
// orthogonal matrix nearest to A, which solves the orthogonal Procrustes problem. Newton-Schulz
// iteration (blocked products on `threads` threads) on A scaled by its largest singular value;
// where that does not converge (A singular), a Gram-Schmidt pass makes the result orthogonal to
// float precision.
std::vector<float> orthogonalPolarFactor(const std::vector<float>& a, std::size_t dim,
                                         unsigned threads = 1);

// A random orthogonal matrix (Gram-Schmidt of a Gaussian one).
std::vector<float> randomOrthogonal(std::size_t dim, std::uint64_t seed);

} // namespace linalg

} // namespace quiver::diskann
