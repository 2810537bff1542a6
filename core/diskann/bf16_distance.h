#pragma once

#include "core/diskann/metric.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace quiver::diskann {

// bfloat16: the upper 16 bits of an IEEE float. It keeps float's range (any finite vector
// converts) with an 8-bit mantissa, about 0.4% per component: enough to steer a graph search,
// at half the memory traffic of float rows. Results are re-ranked with the float rows.
using Bf16DistanceFn = float (*)(const float* query, const std::uint16_t* row, std::size_t dim);

// Rounds to nearest, ties to even.
std::uint16_t toBf16(float v);
void toBf16(const float* in, std::uint16_t* out, std::size_t n);
float fromBf16(std::uint16_t v);

namespace scalar {
float l2SquaredBf16(const float* query, const std::uint16_t* row, std::size_t dim);
float innerProductBf16(const float* query, const std::uint16_t* row, std::size_t dim);
} // namespace scalar

struct Bf16Kernels {
    const char* name = "";
    Bf16DistanceFn l2Squared = nullptr;
    Bf16DistanceFn innerProduct = nullptr;
    Bf16DistanceFn negatedInnerProduct = nullptr;
};

// Every bf16 kernel set this CPU can run, scalar first.
std::vector<Bf16Kernels> availableBf16Kernels();

// The vectorised kernel for a metric ("smaller is closer"), or nullptr where only the scalar
// one exists: there, float rows with their vectorised kernels are faster.
Bf16DistanceFn bf16DistanceFunction(Metric m);

} // namespace quiver::diskann
