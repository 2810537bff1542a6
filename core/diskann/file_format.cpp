#include "core/diskann/file_format.h"

#include "core/diskann/checksum.h"
#include "core/diskann/disk_index_error.h"

#include <algorithm>
#include <bit>
#include <string>

namespace quiver::diskann {

// Vectors and centroids are stored as raw float32 copied from memory.
static_assert(std::endian::native == std::endian::little, "the index format is little-endian");

namespace {

// Header field offsets.
constexpr std::size_t kOffMagic = 0;
constexpr std::size_t kOffVersion = 8;
constexpr std::size_t kOffHeaderBytes = 12;
constexpr std::size_t kOffMetric = 16;
constexpr std::size_t kOffDimension = 20;
constexpr std::size_t kOffCount = 24;
constexpr std::size_t kOffMaxDegree = 28;
constexpr std::size_t kOffMedoid = 32;
constexpr std::size_t kOffMaxLabels = 36;
constexpr std::size_t kOffNodeBytes = 40;
constexpr std::size_t kOffNodesPerSector = 44;
constexpr std::size_t kOffSectorsPerNode = 48;
constexpr std::size_t kOffPqSubspaces = 52;
constexpr std::size_t kOffPqCentroids = 56;
constexpr std::size_t kOffCacheHint = 60;
constexpr std::size_t kOffLabelCount = 64;
constexpr std::size_t kOffCoarseCount = 68;
constexpr std::size_t kOffFileBytes = 72;
constexpr std::size_t kOffSections = 80;
constexpr std::size_t kSectionEntryBytes = 24;
constexpr std::size_t kOffCapacity = kOffSections + kSectionCount * kSectionEntryBytes;
constexpr std::size_t kOffOverlayCount = kOffCapacity + 4;
constexpr std::size_t kOffHeaderCrc = kOffOverlayCount + 4;
static_assert(kOffHeaderCrc + 4 == kHeaderBytes);

[[noreturn]] void fail(const std::string& message) {
    throw DiskIndexError(message);
}

std::string num(std::uint64_t v) {
    return std::to_string(v);
}

} // namespace

std::string_view sectionName(Section s) {
    switch (s) {
    case Section::Nodes:
        return "nodes";
    case Section::PqCodebook:
        return "pq_codebook";
    case Section::PqCodes:
        return "pq_codes";
    case Section::Labels:
        return "labels";
    case Section::EntryPoints:
        return "entry_points";
    case Section::Rotation:
        return "rotation";
    case Section::Coarse:
        return "coarse";
    case Section::PointTerms:
        return "point_terms";
    case Section::LabelOverlay:
        return "label_overlay";
    }
    return "unknown";
}

NodeLayout NodeLayout::compute(std::uint32_t dimension, std::uint32_t maxDegree,
                               std::uint32_t maxLabels) {
    NodeLayout l;
    // Callers keep the inputs within the k* limits, so this fits in 32 bits.
    l.nodeBytes = 16 + 4 * dimension + 4 * maxDegree + 4 * maxLabels + 4;
    if (l.nodeBytes <= kSectorBytes) {
        l.nodesPerSector = kSectorBytes / l.nodeBytes;
        l.sectorsPerNode = 1;
    } else {
        l.nodesPerSector = 0;
        l.sectorsPerNode = (l.nodeBytes + kSectorBytes - 1) / kSectorBytes;
    }
    return l;
}

std::uint64_t NodeLayout::sectionBytes(std::uint32_t count) const {
    if (nodesPerSector > 0)
        return (std::uint64_t{count} + nodesPerSector - 1) / nodesPerSector * kSectorBytes;
    return std::uint64_t{count} * sectorsPerNode * kSectorBytes;
}

std::uint64_t NodeLayout::sectorOffset(std::uint32_t slot) const {
    if (nodesPerSector > 0)
        return std::uint64_t{slot / nodesPerSector} * kSectorBytes;
    return std::uint64_t{slot} * sectorsPerNode * kSectorBytes;
}

std::uint32_t NodeLayout::offsetInSector(std::uint32_t slot) const {
    return nodesPerSector > 0 ? (slot % nodesPerSector) * nodeBytes : 0;
}

std::uint64_t pqCodebookBytes(std::uint32_t dimension, std::uint32_t subspaces) {
    return 4 + 4 * (std::uint64_t{subspaces} + 1) +
           std::uint64_t{kPqCentroids} * dimension * sizeof(float);
}

std::uint64_t coarseBytes(std::uint32_t dimension, std::uint32_t coarseCount) {
    return 4 + std::uint64_t{coarseCount} * dimension * sizeof(float);
}

std::uint64_t pointTermsBiasOffset(std::uint32_t count) {
    return (std::uint64_t{count} * 2 + 3) / 4 * 4;
}

std::uint64_t pointTermsBytes(std::uint32_t count) {
    return pointTermsBiasOffset(count) + std::uint64_t{count} * sizeof(float);
}

std::uint64_t labelOverlayBytes(std::uint32_t capacity) {
    return std::uint64_t{capacity} * 4;
}

std::uint64_t alignToSector(std::uint64_t bytes) {
    return (bytes + kSectorBytes - 1) / kSectorBytes * kSectorBytes;
}

std::vector<std::uint8_t> encodeHeader(const FileHeader& h) {
    std::vector<std::uint8_t> out(kSectorBytes, 0);
    std::uint8_t* p = out.data();
    std::memcpy(p + kOffMagic, kFileMagic.data(), kFileMagic.size());
    storeLe32(p + kOffVersion, h.formatVersion);
    storeLe32(p + kOffHeaderBytes, kHeaderBytes);
    storeLe32(p + kOffMetric, static_cast<std::uint32_t>(h.metric));
    storeLe32(p + kOffDimension, h.dimension);
    storeLe32(p + kOffCount, h.count);
    storeLe32(p + kOffMaxDegree, h.maxDegree);
    storeLe32(p + kOffMedoid, h.medoid);
    storeLe32(p + kOffMaxLabels, h.maxLabels);
    storeLe32(p + kOffNodeBytes, h.layout.nodeBytes);
    storeLe32(p + kOffNodesPerSector, h.layout.nodesPerSector);
    storeLe32(p + kOffSectorsPerNode, h.layout.sectorsPerNode);
    storeLe32(p + kOffPqSubspaces, h.pqSubspaces);
    storeLe32(p + kOffPqCentroids, h.pqCentroids);
    storeLe32(p + kOffCacheHint, h.cacheNodesHint);
    storeLe32(p + kOffLabelCount, h.labelCount);
    storeLe32(p + kOffCoarseCount, h.coarseCount);
    storeLe64(p + kOffFileBytes, h.fileBytes);
    for (std::size_t i = 0; i < kSectionCount; ++i) {
        std::uint8_t* e = p + kOffSections + i * kSectionEntryBytes;
        storeLe64(e, h.sections[i].offset);
        storeLe64(e + 8, h.sections[i].bytes);
        storeLe32(e + 16, h.sections[i].crc);
    }
    storeLe32(p + kOffCapacity, h.capacity);
    storeLe32(p + kOffOverlayCount, h.overlayCount);
    storeLe32(p + kOffHeaderCrc, crc32c(p, kOffHeaderCrc));
    return out;
}

FileHeader decodeHeader(const std::uint8_t* p, std::size_t available, std::uint64_t fileSize) {
    if (available < kFileMagic.size() ||
        std::memcmp(p + kOffMagic, kFileMagic.data(), kFileMagic.size()) != 0)
        fail("not a Quiver index");
    if (available < kOffVersion + 4)
        fail("file truncated: expected at least " + num(kSectorBytes) + " bytes, found " +
             num(fileSize));
    FileHeader h;
    h.formatVersion = loadLe32(p + kOffVersion);
    if (h.formatVersion != kFormatVersion)
        fail("unsupported format version " + num(h.formatVersion));
    if (available < kHeaderBytes)
        fail("file truncated: expected at least " + num(kSectorBytes) + " bytes, found " +
             num(fileSize));
    if (loadLe32(p + kOffHeaderCrc) != crc32c(p, kOffHeaderCrc))
        fail("checksum mismatch in section header");
    if (loadLe32(p + kOffHeaderBytes) != kHeaderBytes)
        fail("invalid header: header size " + num(loadLe32(p + kOffHeaderBytes)));

    const std::uint32_t metric = loadLe32(p + kOffMetric);
    if (metric > static_cast<std::uint32_t>(Metric::Cosine))
        fail("invalid header: unknown metric " + num(metric));
    h.metric = static_cast<Metric>(metric);
    h.dimension = loadLe32(p + kOffDimension);
    h.count = loadLe32(p + kOffCount);
    h.maxDegree = loadLe32(p + kOffMaxDegree);
    h.medoid = loadLe32(p + kOffMedoid);
    h.maxLabels = loadLe32(p + kOffMaxLabels);
    h.layout.nodeBytes = loadLe32(p + kOffNodeBytes);
    h.layout.nodesPerSector = loadLe32(p + kOffNodesPerSector);
    h.layout.sectorsPerNode = loadLe32(p + kOffSectorsPerNode);
    h.pqSubspaces = loadLe32(p + kOffPqSubspaces);
    h.pqCentroids = loadLe32(p + kOffPqCentroids);
    h.cacheNodesHint = loadLe32(p + kOffCacheHint);
    h.labelCount = loadLe32(p + kOffLabelCount);
    h.coarseCount = loadLe32(p + kOffCoarseCount);
    h.fileBytes = loadLe64(p + kOffFileBytes);
    for (std::size_t i = 0; i < kSectionCount; ++i) {
        const std::uint8_t* e = p + kOffSections + i * kSectionEntryBytes;
        h.sections[i].offset = loadLe64(e);
        h.sections[i].bytes = loadLe64(e + 8);
        h.sections[i].crc = loadLe32(e + 16);
    }
    h.capacity = loadLe32(p + kOffCapacity);
    h.overlayCount = loadLe32(p + kOffOverlayCount);

    if (h.dimension == 0 || h.dimension > kMaxDimension)
        fail("invalid header: dimension " + num(h.dimension));
    if (h.count == 0)
        fail("invalid header: the index holds no points");
    if (h.capacity < h.count)
        fail("invalid header: capacity " + num(h.capacity) + " below count " + num(h.count));
    if (h.overlayCount > h.count)
        fail("invalid header: " + num(h.overlayCount) + " overlay slots");
    if (h.maxDegree == 0 || h.maxDegree > kMaxDegree)
        fail("invalid header: maximum degree " + num(h.maxDegree));
    if (h.medoid >= h.count)
        fail("invalid header: medoid " + num(h.medoid) + " out of range");
    if (h.maxLabels > kMaxLabelsPerNode)
        fail("invalid header: " + num(h.maxLabels) + " labels per node");
    const NodeLayout expected = NodeLayout::compute(h.dimension, h.maxDegree, h.maxLabels);
    if (h.layout.nodeBytes != expected.nodeBytes ||
        h.layout.nodesPerSector != expected.nodesPerSector ||
        h.layout.sectorsPerNode != expected.sectorsPerNode)
        fail("invalid header: node layout does not match dimension and degree");
    if (h.pqCentroids != kPqCentroids)
        fail("invalid header: " + num(h.pqCentroids) + " PQ centroids per sub-space");
    if (h.pqSubspaces == 0 || h.pqSubspaces > h.dimension)
        fail("invalid header: " + num(h.pqSubspaces) + " PQ sub-spaces");
    if (h.coarseCount == 0 || h.coarseCount > 65536 || h.coarseCount > h.count)
        fail("invalid header: " + num(h.coarseCount) + " coarse centroids");
    if (h.labelCount > 0 && h.maxLabels == 0)
        fail("invalid header: labels listed but no node carries any");

    // Sections: in order, sector-aligned, of the sizes the fields imply, inside the file.
    const std::uint64_t expectedBytes[kSectionCount] = {h.layout.sectionBytes(h.capacity),
                                                        pqCodebookBytes(h.dimension, h.pqSubspaces),
                                                        std::uint64_t{h.capacity} * h.pqSubspaces,
                                                        0,
                                                        0,
                                                        0,
                                                        coarseBytes(h.dimension, h.coarseCount),
                                                        pointTermsBytes(h.capacity),
                                                        labelOverlayBytes(h.capacity)};
    std::uint64_t end = kSectorBytes;
    for (std::size_t i = 0; i < kSectionCount; ++i) {
        const SectionRef& s = h.sections[i];
        const std::string name(sectionName(static_cast<Section>(i)));
        if (s.offset != end)
            fail("invalid header: section " + name + " at offset " + num(s.offset) + ", expected " +
                 num(end));
        if (static_cast<Section>(i) == Section::Labels) {
            if (s.bytes < 8 || s.bytes > (std::uint64_t{1} << 40))
                fail("invalid header: section labels of " + num(s.bytes) + " bytes");
        } else if (static_cast<Section>(i) == Section::EntryPoints) {
            const std::uint64_t most = std::min(h.count, kMaxEntryPoints);
            if (s.bytes < 8 || s.bytes > 4 + 4 * most || s.bytes % 4 != 0)
                fail("invalid header: section entry_points of " + num(s.bytes) + " bytes");
        } else if (static_cast<Section>(i) == Section::Rotation) {
            const std::uint64_t d = h.dimension;
            if (s.bytes != 8 && s.bytes != 8 + 4 * d && s.bytes != 8 + 4 * d * d)
                fail("invalid header: section rotation of " + num(s.bytes) + " bytes");
        } else if (s.bytes != expectedBytes[i]) {
            fail("invalid header: section " + name + " of " + num(s.bytes) + " bytes, expected " +
                 num(expectedBytes[i]));
        }
        end = alignToSector(s.offset + s.bytes);
    }
    if (h.fileBytes != end)
        fail("invalid header: file size " + num(h.fileBytes) + ", sections end at " + num(end));
    if (fileSize < h.fileBytes)
        fail("file truncated: expected " + num(h.fileBytes) + " bytes, found " + num(fileSize));
    if (fileSize > h.fileBytes)
        fail("file size mismatch: expected " + num(h.fileBytes) + " bytes, found " + num(fileSize));
    return h;
}

} // namespace quiver::diskann
