#include "core/diskann/disk_index_writer.h"

#include "core/diskann/atomic_file_writer.h"
#include "core/diskann/checksum.h"
#include "core/diskann/disk_index_error.h"
#include "core/diskann/file_format.h"
#include "core/diskann/product_quantizer.h"
#include "core/diskann/vector_codec.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <stdexcept>
#include <vector>

namespace quiver::diskann {

namespace {

void reportProgress(const DiskIndexBuildOptions& options, double fraction) {
    if (options.progress && !options.progress(fraction))
        throw DiskIndexError("index write cancelled");
}

// Appends a section, padded with zeros to the next sector boundary, and records it.
void appendSection(AtomicFileWriter& out, FileHeader& header, Section section,
                   const std::vector<std::uint8_t>& bytes) {
    SectionRef& ref = header.section(section);
    ref.offset = out.position();
    ref.bytes = bytes.size();
    ref.crc = crc32c(bytes.data(), bytes.size());
    out.append(bytes.data(), bytes.size());
    const std::vector<std::uint8_t> pad(alignToSector(out.position()) - out.position(), 0);
    out.append(pad.data(), pad.size());
}

struct LabelList {
    std::uint32_t entry = 0;
    std::vector<std::uint32_t> slots;
};

// Per label, the member nearest to the members' mean: where a filtered search starts.
std::uint32_t labelEntry(const GraphView& g, const std::vector<std::uint32_t>& slots) {
    std::vector<double> mean(g.dimension, 0.0);
    for (std::uint32_t s : slots) {
        const float* v = g.vector(s);
        for (std::uint32_t d = 0; d < g.dimension; ++d)
            mean[d] += static_cast<double>(v[d]);
    }
    std::uint32_t best = slots.front();
    double bestDistance = std::numeric_limits<double>::infinity();
    for (std::uint32_t s : slots) {
        const float* v = g.vector(s);
        double dist = 0.0;
        for (std::uint32_t d = 0; d < g.dimension; ++d) {
            const double diff =
                static_cast<double>(v[d]) - mean[d] / static_cast<double>(slots.size());
            dist += diff * diff;
        }
        if (dist < bestDistance) {
            bestDistance = dist;
            best = s;
        }
    }
    return best;
}

} // namespace

void writeDiskIndex(const std::string& path, const GraphView& g,
                    const DiskIndexBuildOptions& options) {
    if (g.count == 0 || g.dimension == 0 || g.dimension > kMaxDimension || g.maxDegree == 0 ||
        g.maxDegree > kMaxDegree || g.medoid >= g.count || !g.vector || !g.neighbors ||
        !g.externalId)
        throw std::invalid_argument("disk index writer: incomplete or empty graph");
    reportProgress(options, 0.0);

    // Check the graph and gather the labels before anything is written.
    const auto nodeLabels = [&](std::uint32_t slot) {
        std::vector<std::uint32_t> l;
        if (g.labels) {
            const auto span = g.labels(slot);
            l.assign(span.begin(), span.end());
            std::sort(l.begin(), l.end());
            l.erase(std::unique(l.begin(), l.end()), l.end());
        }
        return l;
    };
    std::uint32_t maxLabels = 0;
    std::map<std::uint32_t, LabelList> labels;
    for (std::uint32_t slot = 0; slot < g.count; ++slot) {
        const auto nbrs = g.neighbors(slot);
        if (nbrs.size() > g.maxDegree)
            throw std::invalid_argument("disk index writer: node " + std::to_string(slot) +
                                        " has more than R neighbours");
        for (std::uint32_t n : nbrs)
            if (n >= g.count)
                throw std::invalid_argument("disk index writer: node " + std::to_string(slot) +
                                            " has a neighbour out of range");
        const float* v = g.vector(slot);
        for (std::uint32_t d = 0; d < g.dimension; ++d)
            if (!std::isfinite(v[d]))
                throw std::invalid_argument("disk index writer: node " + std::to_string(slot) +
                                            " has a non-finite component");
        const auto l = nodeLabels(slot);
        if (l.size() > kMaxLabelsPerNode)
            throw std::invalid_argument("disk index writer: too many labels on a node");
        maxLabels = std::max(maxLabels, static_cast<std::uint32_t>(l.size()));
        for (std::uint32_t label : l)
            labels[label].slots.push_back(slot);
    }
    for (auto& [label, list] : labels)
        list.entry = labelEntry(g, list.slots);
    // Entry points: the medoid first, then the view's own, each once.
    std::vector<std::uint32_t> entries{g.medoid};
    for (const std::uint32_t e : g.entryPoints) {
        if (e >= g.count)
            throw std::invalid_argument("disk index writer: entry point out of range");
        if (std::find(entries.begin(), entries.end(), e) == entries.end() &&
            entries.size() < std::min(g.count, kMaxEntryPoints))
            entries.push_back(e);
    }

    // The codec (rotation, coarse centroids, PQ of the residuals), trained on a uniform sample.
    std::vector<std::uint32_t> sample(g.count);
    for (std::uint32_t i = 0; i < g.count; ++i)
        sample[i] = i;
    const std::size_t sampleSize =
        std::min<std::size_t>(g.count, std::max<std::uint32_t>(options.pqTrainingPoints, 1));
    if (sampleSize < g.count) {
        std::mt19937_64 rng(options.seed);
        for (std::size_t i = 0; i < sampleSize; ++i)
            std::swap(sample[i],
                      sample[std::uniform_int_distribution<std::size_t>(i, g.count - 1)(rng)]);
        sample.resize(sampleSize);
        std::sort(sample.begin(), sample.end());
    }
    std::vector<float> training(sampleSize * g.dimension);
    for (std::size_t i = 0; i < sampleSize; ++i)
        std::copy_n(g.vector(sample[i]), g.dimension, training.data() + i * g.dimension);
    CodecTrainOptions codecOptions;
    codecOptions.subspaces = options.pqBytes;
    codecOptions.coarseCentroids = options.coarseCentroids;
    codecOptions.rotate = options.rotate;
    codecOptions.maxTrainingPoints = static_cast<std::uint32_t>(sampleSize);
    codecOptions.seed = options.seed;
    codecOptions.threads = options.threads;
    const VectorCodec codec =
        VectorCodec::train(training.data(), sampleSize, g.dimension, g.metric, codecOptions);
    const std::uint32_t M = codec.codeBytes();
    training = {};
    reportProgress(options, 0.4);

    // Codes, encoded in blocks copied out of the graph (its accessors are called from this
    // thread only).
    std::vector<std::uint8_t> codes(std::size_t{g.count} * M);
    std::vector<VectorCodec::PointTerms> terms(g.count);
    {
        constexpr std::uint32_t kBlock = 8192;
        std::vector<float> block(std::size_t{kBlock} * g.dimension);
        for (std::uint32_t first = 0; first < g.count; first += kBlock) {
            const std::uint32_t n = std::min(kBlock, g.count - first);
            for (std::uint32_t i = 0; i < n; ++i)
                std::copy_n(g.vector(first + i), g.dimension,
                            block.data() + std::size_t{i} * g.dimension);
            codec.encodeBatch(block.data(), n, codes.data() + std::size_t{first} * M,
                              terms.data() + first, options.threads);
            reportProgress(options, 0.4 + 0.1 * (first + n) / g.count);
        }
    }

    FileHeader header;
    header.metric = g.metric;
    header.dimension = g.dimension;
    header.count = g.count;
    header.maxDegree = g.maxDegree;
    header.medoid = g.medoid;
    header.maxLabels = maxLabels;
    header.layout = NodeLayout::compute(g.dimension, g.maxDegree, maxLabels);
    header.pqSubspaces = M;
    header.cacheNodesHint = std::min(options.cacheNodes, g.count);
    header.labelCount = static_cast<std::uint32_t>(labels.size());
    header.coarseCount = codec.coarseCount();

    AtomicFileWriter out(path);
    const std::vector<std::uint8_t> blankHeader(kSectorBytes, 0);
    out.append(blankHeader.data(), blankHeader.size());

    // Nodes, a run of whole sectors at a time.
    {
        const NodeLayout& layout = header.layout;
        const std::uint32_t nodesPerChunk =
            layout.nodesPerSector > 0 ? layout.nodesPerSector * 64 : 16;
        std::vector<std::uint8_t> chunk;
        std::vector<std::uint8_t> record(layout.nodeBytes);
        SectionRef& ref = header.section(Section::Nodes);
        ref.offset = out.position();
        std::uint32_t crc = 0;
        for (std::uint32_t first = 0; first < g.count; first += nodesPerChunk) {
            const std::uint32_t last = std::min(g.count, first + nodesPerChunk);
            const std::uint64_t chunkStart = layout.sectorOffset(first);
            const std::uint64_t chunkEnd =
                last == g.count ? layout.sectionBytes(g.count) : layout.sectorOffset(last);
            chunk.assign(chunkEnd - chunkStart, 0);
            for (std::uint32_t slot = first; slot < last; ++slot) {
                std::fill(record.begin(), record.end(), std::uint8_t{0});
                std::uint8_t* r = record.data();
                const auto nbrs = g.neighbors(slot);
                const auto l = nodeLabels(slot);
                storeLe64(r, g.externalId(slot));
                storeLe32(r + 8, static_cast<std::uint32_t>(nbrs.size()));
                storeLe32(r + 12, static_cast<std::uint32_t>(l.size()));
                std::memcpy(r + 16, g.vector(slot), std::size_t{g.dimension} * sizeof(float));
                std::uint8_t* p = r + 16 + std::size_t{g.dimension} * 4;
                for (std::size_t i = 0; i < nbrs.size(); ++i)
                    storeLe32(p + 4 * i, nbrs[i]);
                p += std::size_t{g.maxDegree} * 4;
                for (std::size_t i = 0; i < l.size(); ++i)
                    storeLe32(p + 4 * i, l[i]);
                std::uint8_t seed[4];
                storeLe32(seed, slot);
                const std::uint32_t nodeCrc =
                    crc32c(r, layout.nodeBytes - 4, crc32c(seed, sizeof seed));
                storeLe32(r + layout.nodeBytes - 4, nodeCrc);
                std::memcpy(chunk.data() + (layout.sectorOffset(slot) - chunkStart) +
                                layout.offsetInSector(slot),
                            r, layout.nodeBytes);
            }
            crc = crc32c(chunk.data(), chunk.size(), crc);
            out.append(chunk.data(), chunk.size());
            reportProgress(options, 0.5 + 0.45 * last / g.count);
        }
        ref.bytes = out.position() - ref.offset;
        ref.crc = crc;
    }

    {
        std::vector<std::uint8_t> bytes(pqCodebookBytes(g.dimension, M));
        storeLe32(bytes.data(), M);
        for (std::uint32_t m = 0; m <= M; ++m)
            storeLe32(bytes.data() + 4 + 4 * m, codec.pq().offsets()[m]);
        const ProductQuantizer& pq = codec.pq();
        std::memcpy(bytes.data() + 4 + 4 * (M + 1), pq.centroids().data(),
                    pq.centroids().size() * sizeof(float));
        appendSection(out, header, Section::PqCodebook, bytes);
    }
    appendSection(out, header, Section::PqCodes, codes);
    {
        std::size_t total = 0;
        for (const auto& [label, list] : labels)
            total += list.slots.size();
        if (total > std::numeric_limits<std::uint32_t>::max())
            throw std::invalid_argument("disk index writer: more than 2^32 label assignments");
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
        appendSection(out, header, Section::Labels, bytes);
    }
    {
        std::vector<std::uint8_t> bytes(4 + 4 * entries.size());
        storeLe32(bytes.data(), static_cast<std::uint32_t>(entries.size()));
        for (std::size_t i = 0; i < entries.size(); ++i)
            storeLe32(bytes.data() + 4 + 4 * i, entries[i]);
        appendSection(out, header, Section::EntryPoints, bytes);
    }
    {
        const Rotation& r = codec.rotation();
        std::vector<std::uint8_t> bytes(8);
        storeLe32(bytes.data(), static_cast<std::uint32_t>(r.kind()));
        storeLe32(bytes.data() + 4, g.dimension);
        if (r.kind() == Rotation::Kind::Permutation) {
            bytes.resize(8 + 4 * std::size_t{g.dimension});
            for (std::uint32_t i = 0; i < g.dimension; ++i)
                storeLe32(bytes.data() + 8 + 4 * i, r.order()[i]);
        } else if (r.kind() == Rotation::Kind::Dense) {
            bytes.resize(8 + r.matrix().size() * sizeof(float));
            std::memcpy(bytes.data() + 8, r.matrix().data(), r.matrix().size() * sizeof(float));
        }
        appendSection(out, header, Section::Rotation, bytes);
    }
    {
        std::vector<std::uint8_t> bytes(coarseBytes(g.dimension, codec.coarseCount()));
        storeLe32(bytes.data(), codec.coarseCount());
        std::memcpy(bytes.data() + 4, codec.coarse().data(), codec.coarse().size() * sizeof(float));
        appendSection(out, header, Section::Coarse, bytes);
    }
    {
        std::vector<std::uint8_t> bytes(pointTermsBytes(g.count), 0);
        const std::uint64_t biases = pointTermsBiasOffset(g.count);
        for (std::uint32_t i = 0; i < g.count; ++i) {
            bytes[2 * std::size_t{i}] = static_cast<std::uint8_t>(terms[i].coarse);
            bytes[2 * std::size_t{i} + 1] = static_cast<std::uint8_t>(terms[i].coarse >> 8);
            std::memcpy(bytes.data() + biases + 4 * std::size_t{i}, &terms[i].bias, sizeof(float));
        }
        appendSection(out, header, Section::PointTerms, bytes);
    }

    header.fileBytes = out.position();
    const std::vector<std::uint8_t> headerBytes = encodeHeader(header);
    out.writeAt(0, headerBytes.data(), headerBytes.size());
    out.commit();
    if (options.progress)
        options.progress(1.0); // too late to cancel: the index is in place
}

} // namespace quiver::diskann
