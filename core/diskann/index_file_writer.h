#pragma once

#include "core/diskann/atomic_file_writer.h"
#include "core/diskann/file_format.h"
#include "core/diskann/vector_codec.h"

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace quiver::diskann {

// One node as it is written: its vector (normalised already for Cosine), neighbour slots
// (at most R) and labels (sorted, distinct).
struct NodeContent {
    std::uint64_t externalId = 0;
    const float* vector = nullptr;
    std::span<const std::uint32_t> neighbors;
    std::span<const std::uint32_t> labels;
};

struct LabelList {
    std::uint32_t entry = 0;          // where a filtered search starts
    std::vector<std::uint32_t> slots; // sorted
};

// Writes an index file whose codec is already trained: node records one after another in slot
// order (streamed, a run of sectors at a time), then the codec, codes, labels and entry points.
// Everything goes to a temporary file that finish() flushes and renames into place; destroyed
// before that, the temporary file is removed. Used by the writer of a fresh build and by the
// streaming merge.
class IndexFileWriter {
public:
    // `header` gives metric, dimension, count, capacity (slots with room for in-place inserts;
    // at least count), maxDegree, medoid, maxLabels and cacheNodesHint; the rest is filled in
    // here.
    IndexFileWriter(const std::string& path, const FileHeader& header);

    const NodeLayout& layout() const { return header_.layout; }
    std::uint32_t nodesWritten() const { return next_; }

    // The record of the next slot.
    void addNode(const NodeContent& node);

    // Requires every node added; entries holds the medoid first.
    void finish(const VectorCodec& codec, const std::vector<std::uint8_t>& codes,
                const std::vector<VectorCodec::PointTerms>& terms,
                const std::map<std::uint32_t, LabelList>& labels,
                const std::vector<std::uint32_t>& entries);

private:
    void flushChunk();
    void appendSection(Section section, const std::vector<std::uint8_t>& bytes);

    AtomicFileWriter out_;
    FileHeader header_;
    std::uint32_t nodesPerChunk_ = 0;
    std::uint32_t next_ = 0;
    std::uint32_t chunkFirst_ = 0;
    std::vector<std::uint8_t> chunk_;
};

} // namespace quiver::diskann
