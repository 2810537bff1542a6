#include "core/diskann/distance.h"

#include <cmath>

// Placeholder scalar implementation; the SIMD kernels with run-time dispatch replace it.
namespace quiver::diskann {

std::string_view metricName(Metric m) {
    switch (m) {
    case Metric::L2:
        return "l2";
    case Metric::InnerProduct:
        return "ip";
    case Metric::Cosine:
        return "cosine";
    }
    return "unknown";
}

std::optional<Metric> metricFromName(std::string_view name) {
    if (name == "l2")
        return Metric::L2;
    if (name == "ip")
        return Metric::InnerProduct;
    if (name == "cosine")
        return Metric::Cosine;
    return std::nullopt;
}

namespace scalar {
float l2Squared(const float* a, const float* b, std::size_t dim) {
    float s = 0.0f;
    for (std::size_t i = 0; i < dim; ++i) {
        const float d = a[i] - b[i];
        s += d * d;
    }
    return s;
}

float innerProduct(const float* a, const float* b, std::size_t dim) {
    float s = 0.0f;
    for (std::size_t i = 0; i < dim; ++i)
        s += a[i] * b[i];
    return s;
}
} // namespace scalar

float l2Squared(const float* a, const float* b, std::size_t dim) {
    return scalar::l2Squared(a, b, dim);
}
float innerProduct(const float* a, const float* b, std::size_t dim) {
    return scalar::innerProduct(a, b, dim);
}

static float negatedInnerProduct(const float* a, const float* b, std::size_t dim) {
    return -innerProduct(a, b, dim);
}

DistanceFn distanceFunction(Metric m) {
    return m == Metric::L2 ? &l2Squared : &negatedInnerProduct;
}

void normalize(float* v, std::size_t dim) {
    const float n = std::sqrt(scalar::innerProduct(v, v, dim));
    if (n > 0.0f)
        for (std::size_t i = 0; i < dim; ++i)
            v[i] /= n;
}

} // namespace quiver::diskann
