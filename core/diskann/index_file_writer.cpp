#include "core/diskann/index_file_writer.h"

#include "core/diskann/checksum.h"
#include "core/diskann/product_quantizer.h"
#include "core/diskann/rotation.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace quiver::diskann {

IndexFileWriter::IndexFileWriter(const std::string& path, const FileHeader& header)
    : out_(path)
    , header_(header) {
    if (header_.count == 0 || header_.dimension == 0 || header_.dimension > kMaxDimension ||
        header_.maxDegree == 0 || header_.maxDegree > kMaxDegree ||
        header_.maxLabels > kMaxLabelsPerNode || header_.medoid >= header_.count)
        throw std::invalid_argument("index file writer: header out of range");
    header_.formatVersion = kFormatVersion;
    header_.capacity = std::max(header_.capacity, header_.count);
    header_.overlayCount = 0;
    header_.layout = NodeLayout::compute(header_.dimension, header_.maxDegree, header_.maxLabels);
    header_.pqCentroids = kPqCentroids;
    header_.cacheNodesHint = std::min(header_.cacheNodesHint, header_.count);
    // Several hundred KiB per write: large sequential appends.
    nodesPerChunk_ = header_.layout.nodesPerSector > 0 ? header_.layout.nodesPerSector * 64 : 16;
    const std::vector<std::uint8_t> blankHeader(kSectorBytes, 0);
    out_.append(blankHeader.data(), blankHeader.size());
    header_.section(Section::Nodes).offset = out_.position();
}

void IndexFileWriter::addNode(const NodeContent& node) {
    if (next_ >= header_.count)
        throw std::logic_error("index file writer: more nodes than the header's count");
    if (node.neighbors.size() > header_.maxDegree || node.labels.size() > header_.maxLabels)
        throw std::invalid_argument("index file writer: node " + std::to_string(next_) +
                                    " has too many neighbours or labels");
    const NodeLayout& layout = header_.layout;
    if (next_ == chunkFirst_) {
        const std::uint32_t last = std::min(header_.count, chunkFirst_ + nodesPerChunk_);
        const std::uint64_t end =
            last == header_.count ? layout.sectionBytes(header_.count) : layout.sectorOffset(last);
        chunk_.assign(end - layout.sectorOffset(chunkFirst_), 0);
    }
    std::uint8_t* r = chunk_.data() +
                      (layout.sectorOffset(next_) - layout.sectorOffset(chunkFirst_)) +
                      layout.offsetInSector(next_);
    storeLe64(r, node.externalId);
    storeLe32(r + 8, static_cast<std::uint32_t>(node.neighbors.size()));
    storeLe32(r + 12, static_cast<std::uint32_t>(node.labels.size()));
    std::memcpy(r + 16, node.vector, std::size_t{header_.dimension} * sizeof(float));
    std::uint8_t* p = r + 16 + std::size_t{header_.dimension} * 4;
    for (std::size_t i = 0; i < node.neighbors.size(); ++i) {
        if (node.neighbors[i] >= header_.count)
            throw std::invalid_argument("index file writer: node " + std::to_string(next_) +
                                        " has a neighbour out of range");
        storeLe32(p + 4 * i, node.neighbors[i]);
    }
    p += std::size_t{header_.maxDegree} * 4;
    for (std::size_t i = 0; i < node.labels.size(); ++i)
        storeLe32(p + 4 * i, node.labels[i]);
    std::uint8_t seed[4];
    storeLe32(seed, next_);
    storeLe32(r + layout.nodeBytes - 4, crc32c(r, layout.nodeBytes - 4, crc32c(seed, sizeof seed)));
    ++next_;
    if (next_ == header_.count || next_ - chunkFirst_ == nodesPerChunk_)
        flushChunk();
}

void IndexFileWriter::flushChunk() {
    out_.append(chunk_.data(), chunk_.size());
    chunkFirst_ = next_;
    if (next_ == header_.count) {
        // The spare slots: zero, never referenced until an in-place insert writes one.
        const NodeLayout& layout = header_.layout;
        std::uint64_t spare = layout.sectionBytes(header_.capacity) - layout.sectionBytes(next_);
        const std::vector<std::uint8_t> zeros(std::min<std::uint64_t>(spare, 1 << 20), 0);
        while (spare > 0) {
            const std::size_t n =
                static_cast<std::size_t>(std::min<std::uint64_t>(spare, zeros.size()));
            out_.append(zeros.data(), n);
            spare -= n;
        }
    }
}

void IndexFileWriter::appendSection(Section section, const std::vector<std::uint8_t>& bytes) {
    SectionRef& ref = header_.section(section);
    ref.offset = out_.position();
    ref.bytes = bytes.size();
    ref.crc = crc32c(bytes.data(), bytes.size());
    out_.append(bytes.data(), bytes.size());
    const std::vector<std::uint8_t> pad(alignToSector(out_.position()) - out_.position(), 0);
    out_.append(pad.data(), pad.size());
}

void IndexFileWriter::finish(const VectorCodec& codec, const std::vector<std::uint8_t>& codes,
                             const std::vector<VectorCodec::PointTerms>& terms,
                             const std::map<std::uint32_t, LabelList>& labels,
                             const std::vector<std::uint32_t>& entries) {
    const std::uint32_t dim = header_.dimension;
    const std::uint32_t M = codec.codeBytes();
    if (next_ != header_.count)
        throw std::logic_error("index file writer: finished before every node was written");
    if (codec.dimension() != dim || codes.size() != std::size_t{header_.count} * M ||
        terms.size() != header_.count)
        throw std::invalid_argument("index file writer: codec or codes do not fit the nodes");
    if (entries.empty() || entries.front() != header_.medoid)
        throw std::invalid_argument("index file writer: the medoid must be the first entry");
    {
        SectionRef& ref = header_.section(Section::Nodes);
        ref.bytes = out_.position() - ref.offset;
        ref.crc = 0; // records are rewritten in place; each carries its own CRC
    }
    header_.pqSubspaces = M;
    header_.coarseCount = codec.coarseCount();
    header_.labelCount = static_cast<std::uint32_t>(labels.size());
    {
        std::vector<std::uint8_t> bytes(pqCodebookBytes(dim, M));
        storeLe32(bytes.data(), M);
        for (std::uint32_t m = 0; m <= M; ++m)
            storeLe32(bytes.data() + 4 + 4 * m, codec.pq().offsets()[m]);
        const ProductQuantizer& pq = codec.pq();
        std::memcpy(bytes.data() + 4 + 4 * (M + 1), pq.centroids().data(),
                    pq.centroids().size() * sizeof(float));
        appendSection(Section::PqCodebook, bytes);
    }
    {
        std::vector<std::uint8_t> padded(std::size_t{header_.capacity} * M, 0);
        std::copy(codes.begin(), codes.end(), padded.begin());
        appendSection(Section::PqCodes, padded);
    }
    {
        std::size_t total = 0;
        for (const auto& [label, list] : labels)
            total += list.slots.size();
        if (total > std::numeric_limits<std::uint32_t>::max())
            throw std::invalid_argument("index file writer: more than 2^32 label assignments");
        std::vector<std::uint8_t> bytes(8 + 16 * labels.size() + 4 * total);
        std::uint8_t* p = bytes.data();
        storeLe32(p, static_cast<std::uint32_t>(labels.size()));
        p += 4;
        std::uint32_t start = 0;
        for (const auto& [label, list] : labels) {
            storeLe32(p, label);
            storeLe32(p + 4, list.entry);
            storeLe32(p + 8, start);
            storeLe32(p + 12, static_cast<std::uint32_t>(list.slots.size()));
            start += static_cast<std::uint32_t>(list.slots.size());
            p += 16;
        }
        storeLe32(p, static_cast<std::uint32_t>(total));
        p += 4;
        for (const auto& [label, list] : labels)
            for (std::uint32_t s : list.slots) {
                storeLe32(p, s);
                p += 4;
            }
        appendSection(Section::Labels, bytes);
    }
    {
        std::vector<std::uint8_t> bytes(4 + 4 * entries.size());
        storeLe32(bytes.data(), static_cast<std::uint32_t>(entries.size()));
        for (std::size_t i = 0; i < entries.size(); ++i)
            storeLe32(bytes.data() + 4 + 4 * i, entries[i]);
        appendSection(Section::EntryPoints, bytes);
    }
    {
        const Rotation& r = codec.rotation();
        std::vector<std::uint8_t> bytes(8);
        storeLe32(bytes.data(), static_cast<std::uint32_t>(r.kind()));
        storeLe32(bytes.data() + 4, dim);
        if (r.kind() == Rotation::Kind::Permutation) {
            bytes.resize(8 + 4 * std::size_t{dim});
            for (std::uint32_t i = 0; i < dim; ++i)
                storeLe32(bytes.data() + 8 + 4 * i, r.order()[i]);
        } else if (r.kind() == Rotation::Kind::Dense) {
            bytes.resize(8 + r.matrix().size() * sizeof(float));
            std::memcpy(bytes.data() + 8, r.matrix().data(), r.matrix().size() * sizeof(float));
        }
        appendSection(Section::Rotation, bytes);
    }
    {
        std::vector<std::uint8_t> bytes(coarseBytes(dim, codec.coarseCount()));
        storeLe32(bytes.data(), codec.coarseCount());
        std::memcpy(bytes.data() + 4, codec.coarse().data(), codec.coarse().size() * sizeof(float));
        appendSection(Section::Coarse, bytes);
    }
    {
        std::vector<std::uint8_t> bytes(pointTermsBytes(header_.capacity), 0);
        const std::uint64_t biases = pointTermsBiasOffset(header_.capacity);
        for (std::uint32_t i = 0; i < header_.count; ++i) {
            bytes[2 * std::size_t{i}] = static_cast<std::uint8_t>(terms[i].coarse);
            bytes[2 * std::size_t{i} + 1] = static_cast<std::uint8_t>(terms[i].coarse >> 8);
            std::memcpy(bytes.data() + biases + 4 * std::size_t{i}, &terms[i].bias, sizeof(float));
        }
        appendSection(Section::PointTerms, bytes);
    }
    appendSection(Section::LabelOverlay,
                  std::vector<std::uint8_t>(labelOverlayBytes(header_.capacity), 0));
    header_.fileBytes = out_.position();
    const std::vector<std::uint8_t> headerBytes = encodeHeader(header_);
    out_.writeAt(0, headerBytes.data(), headerBytes.size());
    out_.commit();
}

} // namespace quiver::diskann
