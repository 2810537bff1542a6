#pragma once

#include "core/diskann/metric.h"
#include "core/diskann/product_quantizer.h"
#include "core/diskann/rotation.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace quiver::diskann {

struct CodecTrainOptions {
    std::uint32_t subspaces = 0;       // PQ code bytes; 0: ProductQuantizer's default budget
    std::uint32_t coarseCentroids = 0; // 0: chosen from the point count; 1: plain PQ
    bool rotate = true;                // learn a rotation (OPQ) or balance the sub-spaces
    std::uint32_t rotationIterations = 6;
    std::uint32_t rotationTrainingPoints = 10000;
    std::uint32_t maxTrainingPoints = 50000;
    std::uint32_t iterations = 12; // k-means iterations of the final codebooks
    std::uint64_t seed = 42;
    std::uint32_t threads = 0; // 0: one per hardware thread
};

// Compressed vectors that steer a search held on disk. A vector x is rotated (y = R x), assigned
// to its nearest coarse centroid c, and the residual y - c is product-quantized to r. Each point
// keeps its PQ code, its centroid id and one float `bias` (||r||^2 + 2<c, r> for L2), so that
// with one per-query table its distance to the query is
//     L2:            ||q - c||^2 + bias - 2<q, r>
//     inner product: -<q, c> - <q, r>
// exactly the distance to the reconstruction c + r. The coarse centroids take the clusters out
// of the data, so the PQ codebooks spend their resolution inside them; the rotation spreads the
// variance evenly over the sub-spaces.
//
// The rotation: OPQ (alternating PQ training and orthogonal Procrustes) up to
// kMaxLearnedDimension dimensions and from kPointsPerRotationRow x D points; above that
// dimension a dense D x D rotation costs too much per query and to learn, and below that count
// its D x D floats would be more than ~3% of the raw vectors' bytes (RAM is the budget), so the
// dimensions are only permuted to give every sub-space a similar share of variance.
class VectorCodec {
public:
    static constexpr std::uint32_t kMaxLearnedDimension = 1024;
    static constexpr std::uint32_t kPointsPerRotationRow = 32;
    static constexpr std::uint32_t kMaxCoarseCentroids = 65536; // ids are 16-bit

    VectorCodec() = default;
    // From stored parts; throws std::invalid_argument when they do not fit together. `steering`
    // is L2 or InnerProduct (cosine data is unit length and steered by L2).
    VectorCodec(Metric steering, Rotation rotation, std::uint32_t coarseCount,
                std::vector<float> coarse, ProductQuantizer pq);

    static VectorCodec train(const float* data, std::size_t n, std::uint32_t dimension,
                             Metric steering, const CodecTrainOptions& options = {});
    // Coarse centroids for n points when none are asked for: about one per 100 points, at most
    // 256 (each costs one D-float distance per query).
    static std::uint32_t coarseCountFor(std::size_t n);

    Metric steering() const { return steering_; }
    std::uint32_t dimension() const { return pq_.dimension(); }
    std::uint32_t codeBytes() const { return pq_.subspaces(); }
    std::uint32_t coarseCount() const { return coarseCount_; }
    const std::vector<float>& coarse() const { return coarse_; }
    const Rotation& rotation() const { return rotation_; }
    const ProductQuantizer& pq() const { return pq_; }
    std::size_t memoryBytes() const;

    struct PointTerms {
        std::uint16_t coarse = 0;
        float bias = 0.0f;
    };
    PointTerms encode(const float* vector, std::uint8_t* code) const;
    // The same, with the PQ codebook laid out for fast encoding (ProductQuantizer::
    // transposedCodebook()), as encodeBatch does.
    PointTerms encode(const float* vector, std::uint8_t* code,
                      const float* transposedCodebook) const;
    void encodeBatch(const float* vectors, std::size_t n, std::uint8_t* codes, PointTerms* terms,
                     std::uint32_t threads = 0) const;
    // The reconstruction c + r, rotated back to the input space.
    void decode(const std::uint8_t* code, std::uint16_t coarse, float* vector) const;
    // The reconstruction in the rotated space, rotation().apply(x) being where x lands there:
    // the rotation is orthogonal, so L2 distances there are those of the input space, without
    // the cost of rotating back.
    void decodeRotated(const std::uint8_t* code, std::uint16_t coarse, float* y) const;

    // Per-query table: coarseCount() coarse terms, then the PQ table.
    std::size_t tableSize() const { return coarseCount_ + pq_.tableSize(); }
    void computeTable(const float* query, float* table) const;
    float distance(const float* table, const std::uint8_t* code, PointTerms terms) const {
        return table[terms.coarse] + terms.bias + pq_.distance(table + coarseCount_, code);
    }

private:
    Metric steering_ = Metric::L2;
    Rotation rotation_;
    std::uint32_t coarseCount_ = 0;
    std::vector<float> coarse_; // coarseCount x dimension, in the rotated space
    ProductQuantizer pq_;
};

} // namespace quiver::diskann
