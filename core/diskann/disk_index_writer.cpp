#include "core/diskann/disk_index_writer.h"

#include "core/diskann/disk_index_error.h"
#include "core/diskann/file_format.h"
#include "core/diskann/index_file_writer.h"
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
    header.capacity = options.capacity;
    header.maxDegree = g.maxDegree;
    header.medoid = g.medoid;
    header.maxLabels = maxLabels;
    header.cacheNodesHint = options.cacheNodes;
    IndexFileWriter out(path, header);
    const std::uint32_t progressEvery = 4096;
    for (std::uint32_t slot = 0; slot < g.count; ++slot) {
        const auto l = nodeLabels(slot);
        out.addNode({g.externalId(slot), g.vector(slot), g.neighbors(slot), l});
        if ((slot + 1) % progressEvery == 0 || slot + 1 == g.count)
            reportProgress(options, 0.5 + 0.45 * (slot + 1) / g.count);
    }
    out.finish(codec, codes, terms, labels, entries);
    if (options.progress)
        options.progress(1.0); // too late to cancel: the index is in place
}

} // namespace quiver::diskann
