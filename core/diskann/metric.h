#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace quiver::diskann {

// How two vectors are compared. Every distance in the engine is "smaller is closer":
// L2 is the squared Euclidean distance, InnerProduct and Cosine are the negated dot product
// (Cosine vectors are normalised on the way in, so the dot product is the cosine).
enum class Metric : std::uint8_t { L2 = 0, InnerProduct = 1, Cosine = 2 };

std::string_view metricName(Metric m);
std::optional<Metric> metricFromName(std::string_view name);

} // namespace quiver::diskann
