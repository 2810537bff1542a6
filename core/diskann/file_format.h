#pragma once

#include "core/diskann/metric.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

// On-disk layout of a DiskANN index (format version 4). All integers are little-endian.
//
//   sector 0        header (kHeaderBytes used, rest zero), ends with its own CRC-32C
//   nodes           from kSectorBytes: fixed-size node records packed into 4 KiB sectors
//                   (several per sector; or one node over several whole sectors when large)
//   pq_codebook     M, M+1 sub-space offsets, 256 centroids per sub-space (float32)
//   pq_codes        count x M bytes
//   labels          inverted lists: label -> entry slot and the sorted slots carrying it
//   entry_points    n, then n distinct slots (the medoid first) where searches may start
//   rotation        kind (0 identity, 1 permutation, 2 dense), dimension, then nothing, D u32
//                   (y[i] = x[order[i]]) or D x D float32 (y = R x, row-major)
//   coarse          K, then K x D float32 centroids (in the rotated space)
//   point_terms     capacity x u16 coarse ids (padded to 4 bytes), then capacity x float32 biases
//   label_overlay   capacity x u32: the first overlayCount are slots inserted in place whose
//                   labels the inverted lists do not hold yet (DiskIndexUpdater)
//
// Version 3 added rotation, coarse and point_terms: pq_codes hold the PQ codes of the residuals
// to the coarse centroids (see VectorCodec).
//
// Version 4 added spare capacity for in-place updates: nodes, pq_codes and point_terms hold
// `capacity` slots of which the first `count` are in use (a deleted one is flagged in its
// record and free for reuse), and the label_overlay section.
//
// Every section starts on a sector boundary and has a CRC-32C in the header, except nodes
// (records are rewritten in place, so its CRC is 0): each node record carries its own CRC-32C
// (seeded with its slot) so a node is verified whenever it is read.
//
// Node record: externalId u64 | degree u32 | labelCount u32 | vector f32[dim] |
//              neighbours u32[R] | labels u32[maxLabels] | crc u32
// The top bit of the degree word (kDeletedFlag) marks a deleted node: it is still walked
// through by searches until its slot is reused, never returned.
namespace quiver::diskann {

inline constexpr std::array<char, 8> kFileMagic = {'Q', 'V', 'D', 'S', 'K', 'A', 'N', 'N'};
inline constexpr std::uint32_t kFormatVersion = 4;
inline constexpr std::uint32_t kSectorBytes = 4096;
inline constexpr std::uint32_t kHeaderBytes = 308;
inline constexpr std::uint32_t kDeletedFlag = 0x80000000u;
inline constexpr std::uint32_t kPqCentroids = 256;
// Sanity limits: a header outside them is refused before anything is allocated.
inline constexpr std::uint32_t kMaxDimension = 65536;
inline constexpr std::uint32_t kMaxDegree = 4096;
inline constexpr std::uint32_t kMaxLabelsPerNode = 4096;
inline constexpr std::uint32_t kMaxEntryPoints = 4096;

enum class Section : std::uint32_t {
    Nodes = 0,
    PqCodebook = 1,
    PqCodes = 2,
    Labels = 3,
    EntryPoints = 4,
    Rotation = 5,
    Coarse = 6,
    PointTerms = 7,
    LabelOverlay = 8
};
inline constexpr std::size_t kSectionCount = 9;
std::string_view sectionName(Section s);

struct SectionRef {
    std::uint64_t offset = 0;
    std::uint64_t bytes = 0;
    std::uint32_t crc = 0;
};

// Where node records live, derived from dimension, R and the most labels any node carries.
struct NodeLayout {
    std::uint32_t nodeBytes = 0;
    std::uint32_t nodesPerSector = 0; // 0 when a node spans several sectors
    std::uint32_t sectorsPerNode = 0; // sectors read to fetch one node

    static NodeLayout compute(std::uint32_t dimension, std::uint32_t maxDegree,
                              std::uint32_t maxLabels);
    std::uint64_t sectionBytes(std::uint32_t count) const;
    // Offset, inside the nodes section, of the first sector holding `slot`.
    std::uint64_t sectorOffset(std::uint32_t slot) const;
    // Offset of the record inside the bytes read from sectorOffset(slot).
    std::uint32_t offsetInSector(std::uint32_t slot) const;
};

struct FileHeader {
    std::uint32_t formatVersion = kFormatVersion;
    Metric metric = Metric::L2;
    std::uint32_t dimension = 0;
    std::uint32_t count = 0;        // slots in use (live or deleted)
    std::uint32_t capacity = 0;     // slots the file has room for; 0 when written: count
    std::uint32_t overlayCount = 0; // slots listed in label_overlay
    std::uint32_t maxDegree = 0;
    std::uint32_t medoid = 0;
    std::uint32_t maxLabels = 0;
    NodeLayout layout;
    std::uint32_t pqSubspaces = 0;
    std::uint32_t pqCentroids = kPqCentroids;
    std::uint32_t cacheNodesHint = 0;
    std::uint32_t labelCount = 0;  // distinct labels
    std::uint32_t coarseCount = 0; // coarse centroids of the codec
    std::uint64_t fileBytes = 0;
    std::array<SectionRef, kSectionCount> sections{};

    SectionRef& section(Section s) { return sections[static_cast<std::size_t>(s)]; }
    const SectionRef& section(Section s) const { return sections[static_cast<std::size_t>(s)]; }
};

std::uint64_t pqCodebookBytes(std::uint32_t dimension, std::uint32_t subspaces);
std::uint64_t coarseBytes(std::uint32_t dimension, std::uint32_t coarseCount);
// Where the biases start inside point_terms, and its size.
std::uint64_t pointTermsBiasOffset(std::uint32_t count);
std::uint64_t pointTermsBytes(std::uint32_t count);
std::uint64_t labelOverlayBytes(std::uint32_t capacity);
std::uint64_t alignToSector(std::uint64_t bytes);

// The header sector, header CRC included.
std::vector<std::uint8_t> encodeHeader(const FileHeader& header);

// Parses and validates the first `available` bytes of a file of `fileSize` bytes: magic,
// version, header CRC, every field against the others and every section against the file size.
// Throws DiskIndexError naming the problem.
FileHeader decodeHeader(const std::uint8_t* data, std::size_t available, std::uint64_t fileSize);

// Little-endian field access on byte buffers (no alignment requirement).
inline std::uint32_t loadLe32(const std::uint8_t* p) {
    return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
           std::uint32_t{p[3]} << 24;
}
inline std::uint64_t loadLe64(const std::uint8_t* p) {
    return std::uint64_t{loadLe32(p)} | std::uint64_t{loadLe32(p + 4)} << 32;
}
inline void storeLe32(std::uint8_t* p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
        p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
inline void storeLe64(std::uint8_t* p, std::uint64_t v) {
    for (int i = 0; i < 8; ++i)
        p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

} // namespace quiver::diskann
