#pragma once

#include "core/map/work_control.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace quiver::map::detail {

struct PcaProjection {
    std::vector<float> coords; // count x dims, row-major; column 0 the first principal component
    std::size_t dims = 0;
};

// Rows normalised to unit length (zero or non-finite rows read as zero), centred, and projected
// onto their top `dims` principal directions (at least 2 columns; missing directions are zero).
// The directions come from a randomised subspace iteration on an evenly spread sample of
// `sampleSize` rows; the progress stage is [begin, end).
PcaProjection projectPca(const float* vectors, std::size_t count, std::size_t dim, std::size_t dims,
                         std::size_t sampleSize, std::uint64_t seed, const WorkControl& work,
                         double begin, double end);

// Eigen-decomposition of a symmetric size x size matrix (row-major, doubles) by cyclic Jacobi
// rotations: eigenvalues descending, eigenvectors as the columns of `vectors`.
void symmetricEigen(std::vector<double> matrix, std::size_t size, std::vector<double>& values,
                    std::vector<double>& vectors);

} // namespace quiver::map::detail
