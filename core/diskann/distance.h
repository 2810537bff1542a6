#pragma once

#include "core/diskann/metric.h"

#include <cstddef>

namespace quiver::diskann {

// Distance kernels. The dispatched entry points pick the widest instruction set the CPU has
// at run time (AVX-512, AVX2+FMA, NEON, else scalar); the scalar ones are the reference the
// tests compare against.
using DistanceFn = float (*)(const float* a, const float* b, std::size_t dim);

float l2Squared(const float* a, const float* b, std::size_t dim);
float innerProduct(const float* a, const float* b, std::size_t dim);

// The kernel for a metric, "smaller is closer".
DistanceFn distanceFunction(Metric m);

// Scales v to unit length in place; a zero vector is left as it is.
void normalize(float* v, std::size_t dim);

namespace scalar {
float l2Squared(const float* a, const float* b, std::size_t dim);
float innerProduct(const float* a, const float* b, std::size_t dim);
} // namespace scalar

} // namespace quiver::diskann
