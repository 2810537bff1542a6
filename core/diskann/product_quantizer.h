#pragma once

#include "core/diskann/metric.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace quiver::diskann {

struct PqTrainOptions {
    std::uint32_t maxTrainingPoints = 100000; // uniform sample of the input beyond this
    std::uint32_t iterations = 12;
    std::uint64_t seed = 42;
    std::uint32_t threads = 0; // 0: one per hardware thread
};

// Product quantizer: the dimensions are split into M contiguous sub-spaces (sizes differ by at
// most one when M does not divide the dimension), each quantized to one of 256 centroids, so a
// vector is encoded in M bytes. Distances to a query come from a per-query table of M x 256
// partial distances (asymmetric distance computation).
class ProductQuantizer {
public:
    static constexpr std::uint32_t kCentroids = 256;

    ProductQuantizer() = default;
    // From stored parts: offsets are the M+1 sub-space boundaries (0 ... dimension), centroids
    // hold 256 x size(m) floats per sub-space, sub-space after sub-space. Throws
    // std::invalid_argument when they do not fit together.
    ProductQuantizer(std::uint32_t dimension, std::vector<std::uint32_t> offsets,
                     std::vector<float> centroids);

    static ProductQuantizer train(const float* data, std::size_t n, std::uint32_t dimension,
                                  std::uint32_t subspaces, const PqTrainOptions& options = {});
    // Sub-spaces for a code budget in bytes; 0 picks dimension / 4, at most 256 and at least 1
    // (a sixteenth of the raw vectors up to 1024 dimensions: coarser codes at 768 dimensions
    // steered searches of clustered data poorly).
    static std::uint32_t subspacesForBudget(std::uint32_t dimension, std::uint32_t pqBytes);

    std::uint32_t dimension() const { return dimension_; }
    std::uint32_t subspaces() const { return static_cast<std::uint32_t>(offsets_.size()) - 1; }
    const std::vector<std::uint32_t>& offsets() const { return offsets_; }
    const std::vector<float>& centroids() const { return centroids_; }
    std::size_t memoryBytes() const;

    // transposed: transposedCodebook(), which makes encoding many vectors several times faster;
    // null: the codebook as it is.
    void encode(const float* vector, std::uint8_t* code, const float* transposed = nullptr) const;
    // The codebook with each sub-space's block laid out dimension-major (see nearestTransposed).
    std::vector<float> transposedCodebook() const;
    void encodeBatch(const float* vectors, std::size_t n, std::uint8_t* codes,
                     std::uint32_t threads = 0) const;
    // The squared norms of the centroids, 256 per sub-space, for encodeMany.
    std::vector<float> codebookNorms() const;
    // Codes of n vectors (row-major) on this thread, with transposedCodebook() and
    // codebookNorms(): a few vectors share each pass over a sub-space's centroids, the fastest
    // way to encode many (encodeBatch uses it). The same codes as encode up to float rounding.
    void encodeMany(const float* vectors, std::size_t n, std::uint8_t* codes,
                    const float* transposed, const float* norms) const;
    void decode(const std::uint8_t* code, float* vector) const;

    // Table of subspaces() x 256 floats: the summed entries of a code are its distance to the
    // query in the metric's "smaller is closer" form (squared L2, or the negated inner product
    // for InnerProduct and Cosine), exactly the distance to the decoded vector.
    std::size_t tableSize() const { return std::size_t{subspaces()} * kCentroids; }
    void computeTable(const float* query, Metric metric, float* table) const;
    float distance(const float* table, const std::uint8_t* code) const;
    // Distances of n consecutive codes.
    void distances(const float* table, const std::uint8_t* codes, std::size_t n, float* out) const;

private:
    std::uint32_t dimension_ = 0;
    std::vector<std::uint32_t> offsets_{0};
    std::vector<float> centroids_;
};

} // namespace quiver::diskann
