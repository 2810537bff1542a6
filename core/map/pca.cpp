#include "core/map/pca.h"

#include "core/map/random.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace quiver::map::detail {

namespace {

// The rows as the PCA sees them: unit length, centred, without ever copying the whole input.
class CentredRows {
public:
    CentredRows(const float* vectors, std::size_t count, std::size_t dim)
        : vectors_(vectors)
        , dim_(dim)
        , scale_(count, 0.0f)
        , mean_(dim, 0.0f) {
        std::vector<double> sum(dim, 0.0);
        for (std::size_t i = 0; i < count; ++i) {
            const float* v = vectors + i * dim;
            double norm = 0;
            for (std::size_t d = 0; d < dim; ++d)
                norm += static_cast<double>(v[d]) * static_cast<double>(v[d]);
            // A zero row stays zero (scale 0); NaN or infinity anywhere makes the norm non-finite.
            if (!std::isfinite(norm) || norm <= 0)
                continue;
            scale_[i] = static_cast<float>(1.0 / std::sqrt(norm));
            for (std::size_t d = 0; d < dim; ++d)
                sum[d] += static_cast<double>(v[d]) * static_cast<double>(scale_[i]);
        }
        if (count > 0)
            for (std::size_t d = 0; d < dim; ++d)
                mean_[d] = static_cast<float>(sum[d] / static_cast<double>(count));
    }

    // Components [from, to) of row i.
    void read(std::size_t i, std::size_t from, std::size_t to, float* out) const {
        const float* v = vectors_ + i * dim_;
        const float s = scale_[i];
        if (s == 0.0f) {
            for (std::size_t d = from; d < to; ++d)
                out[d - from] = -mean_[d];
            return;
        }
        for (std::size_t d = from; d < to; ++d)
            out[d - from] = v[d] * s - mean_[d];
    }

private:
    const float* vectors_;
    std::size_t dim_;
    std::vector<float> scale_;
    std::vector<float> mean_;
};

// out (rows x width) = X[rows] * basis (dim x width): one row at a time, on all threads.
void multiplyRows(const CentredRows& x, const std::vector<std::size_t>& rows, std::size_t dim,
                  const std::vector<float>& basis, std::size_t width, std::vector<float>& out,
                  const WorkControl& work, double begin, double end) {
    out.assign(rows.size() * width, 0.0f);
    work.forEach(rows.size(), 4096, begin, end, [&](std::size_t r) {
        thread_local std::vector<float> row;
        row.resize(dim);
        x.read(rows[r], 0, dim, row.data());
        float* o = out.data() + r * width;
        for (std::size_t d = 0; d < dim; ++d) {
            const float v = row[d];
            const float* b = basis.data() + d * width;
            for (std::size_t c = 0; c < width; ++c)
                o[c] += v * b[c];
        }
    });
}

// out (dim x width) = X[rows]^T * z (rows x width): blocks of dimensions on all threads, each
// summing over the rows in order, so the sums do not depend on the thread count.
void multiplyTransposed(const CentredRows& x, const std::vector<std::size_t>& rows, std::size_t dim,
                        const std::vector<float>& z, std::size_t width, std::vector<float>& out,
                        const WorkControl& work, double begin, double end) {
    constexpr std::size_t kBlock = 32;
    out.assign(dim * width, 0.0f);
    const std::size_t blocks = (dim + kBlock - 1) / kBlock;
    work.forEach(blocks, blocks, begin, end, [&](std::size_t b) {
        const std::size_t from = b * kBlock;
        const std::size_t to = std::min(dim, from + kBlock);
        std::vector<double> acc((to - from) * width, 0.0);
        float part[kBlock];
        for (std::size_t r = 0; r < rows.size(); ++r) {
            x.read(rows[r], from, to, part);
            const float* zr = z.data() + r * width;
            for (std::size_t d = 0; d < to - from; ++d) {
                double* a = acc.data() + d * width;
                for (std::size_t c = 0; c < width; ++c)
                    a[c] += static_cast<double>(part[d]) * static_cast<double>(zr[c]);
            }
        }
        for (std::size_t i = 0; i < acc.size(); ++i)
            out[from * width + i] = static_cast<float>(acc[i]);
    });
}

// Modified Gram-Schmidt on the columns of m (rows x width); a column that is (numerically) in
// the span of the earlier ones becomes zero, which rank-deficient data (duplicates) produces.
void orthonormalise(std::vector<float>& m, std::size_t rows, std::size_t width) {
    std::vector<double> col(rows);
    std::vector<std::vector<double>> done;
    for (std::size_t c = 0; c < width; ++c) {
        double original = 0;
        for (std::size_t r = 0; r < rows; ++r) {
            col[r] = static_cast<double>(m[r * width + c]);
            original += col[r] * col[r];
        }
        for (const auto& q : done) {
            double dot = 0;
            for (std::size_t r = 0; r < rows; ++r)
                dot += col[r] * q[r];
            for (std::size_t r = 0; r < rows; ++r)
                col[r] -= dot * q[r];
        }
        double norm = 0;
        for (std::size_t r = 0; r < rows; ++r)
            norm += col[r] * col[r];
        norm = std::sqrt(norm);
        const bool keep = norm > 1e-9 * std::sqrt(original) && norm > 1e-30;
        for (std::size_t r = 0; r < rows; ++r) {
            col[r] = keep ? col[r] / norm : 0.0;
            m[r * width + c] = static_cast<float>(col[r]);
        }
        if (keep)
            done.push_back(col);
    }
}

} // namespace

void symmetricEigen(std::vector<double> a, std::size_t n, std::vector<double>& values,
                    std::vector<double>& vectors) {
    std::vector<double> v(n * n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        v[i * n + i] = 1.0;
    for (int sweep = 0; sweep < 100; ++sweep) {
        double off = 0, total = 0;
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < n; ++j)
                (i == j ? total : off) += a[i * n + j] * a[i * n + j];
        if (off <= 1e-24 * (total + off) || off == 0.0)
            break;
        for (std::size_t p = 0; p < n; ++p) {
            for (std::size_t q = p + 1; q < n; ++q) {
                const double apq = a[p * n + q];
                if (apq == 0.0)
                    continue;
                const double theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                const double t =
                    (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1.0));
                const double c = 1.0 / std::sqrt(t * t + 1.0);
                const double s = t * c;
                for (std::size_t k = 0; k < n; ++k) {
                    const double akp = a[k * n + p], akq = a[k * n + q];
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for (std::size_t k = 0; k < n; ++k) {
                    const double apk = a[p * n + k], aqk = a[q * n + k];
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                for (std::size_t k = 0; k < n; ++k) {
                    const double vkp = v[k * n + p], vkq = v[k * n + q];
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t x, std::size_t y) { return a[x * n + x] > a[y * n + y]; });
    values.assign(n, 0.0);
    vectors.assign(n * n, 0.0);
    for (std::size_t c = 0; c < n; ++c) {
        values[c] = a[order[c] * n + order[c]];
        for (std::size_t r = 0; r < n; ++r)
            vectors[r * n + c] = v[r * n + order[c]];
    }
}

PcaProjection projectPca(const float* vectors, std::size_t count, std::size_t dim, std::size_t dims,
                         std::size_t sampleSize, std::uint64_t seed, const WorkControl& work,
                         double begin, double end) {
    PcaProjection result;
    result.dims = std::max<std::size_t>(2, dims);
    result.coords.assign(count * result.dims, 0.0f);
    if (count == 0 || dim == 0)
        return result;
    const CentredRows x(vectors, count, dim);

    // An evenly spread sample: every row when few, else a seeded choice of distinct rows.
    std::vector<std::size_t> sample(count);
    std::iota(sample.begin(), sample.end(), std::size_t{0});
    if (sampleSize > 0 && count > sampleSize) {
        Rng rng(hash(seed, 0x70ca));
        for (std::size_t i = 0; i < sampleSize; ++i)
            std::swap(sample[i], sample[i + rng.below(count - i)]);
        sample.resize(sampleSize);
        std::sort(sample.begin(), sample.end());
    }

    // A few extra directions make the top ones converge in fewer iterations.
    const std::size_t width = std::min(dim, std::min(result.dims, dim) + 8);
    std::vector<float> basis(dim * width);
    Rng rng(hash(seed, 0xba5e));
    for (float& b : basis)
        b = static_cast<float>(rng.uniform() - 0.5);
    orthonormalise(basis, dim, width);

    constexpr int kIterations = 4;
    const double span = (end - begin) * 0.8;
    std::vector<float> z;
    for (int it = 0; it < kIterations; ++it) {
        const double b0 = begin + span * it / kIterations;
        const double b1 = begin + span * (it + 0.5) / kIterations;
        const double b2 = begin + span * (it + 1.0) / kIterations;
        multiplyRows(x, sample, dim, basis, width, z, work, b0, b1);
        multiplyTransposed(x, sample, dim, z, width, basis, work, b1, b2);
        orthonormalise(basis, dim, width);
    }

    // Rotate the subspace onto the principal directions: eigenvectors of the sample's
    // covariance restricted to it, largest first.
    multiplyRows(x, sample, dim, basis, width, z, work, begin + span, begin + span);
    std::vector<double> small(width * width, 0.0);
    for (std::size_t r = 0; r < sample.size(); ++r)
        for (std::size_t i = 0; i < width; ++i)
            for (std::size_t j = 0; j < width; ++j)
                small[i * width + j] +=
                    static_cast<double>(z[r * width + i]) * static_cast<double>(z[r * width + j]);
    std::vector<double> values, rotation;
    symmetricEigen(std::move(small), width, values, rotation);
    const std::size_t kept = std::min(result.dims, width);
    std::vector<float> principal(dim * result.dims, 0.0f);
    for (std::size_t d = 0; d < dim; ++d)
        for (std::size_t c = 0; c < kept; ++c) {
            double s = 0;
            for (std::size_t i = 0; i < width; ++i)
                s += static_cast<double>(basis[d * width + i]) * rotation[i * width + c];
            principal[d * result.dims + c] = static_cast<float>(s);
        }

    std::vector<std::size_t> all(count);
    std::iota(all.begin(), all.end(), std::size_t{0});
    multiplyRows(x, all, dim, principal, result.dims, result.coords, work, begin + span, end);
    return result;
}

} // namespace quiver::map::detail
