#pragma once

#include "core/diskann/metric.h"

#include <cstddef>
#include <vector>

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

// One instruction set's kernels. negatedInnerProduct is the "smaller is closer" form used for
// InnerProduct and Cosine.
struct DistanceKernels {
    const char* name = "";
    DistanceFn l2Squared = nullptr;
    DistanceFn innerProduct = nullptr;
    DistanceFn negatedInnerProduct = nullptr;
};

// Every kernel set this CPU can run, scalar first; the last one is the one dispatched to.
std::vector<DistanceKernels> availableKernels();

// The kernel set the dispatched entry points use.
const DistanceKernels& activeKernels();

} // namespace quiver::diskann
