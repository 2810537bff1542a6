#pragma once

#include "core/diskann/metric.h"

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <unordered_set>

namespace quiver::diskann {

// Points inserted since the base file was written, held by the caller; the accessors are
// called from several threads at once.
struct MergeDelta {
    Metric metric = Metric::L2;  // must be the base file's
    std::uint32_t dimension = 0; // must be the base file's (unchecked when count is 0)
    std::uint32_t count = 0;
    std::function<const float*(std::uint32_t)> vector; // raw (not normalised for Cosine)
    std::function<std::span<const std::uint32_t>(std::uint32_t)> labels; // may be empty
    std::function<std::uint64_t(std::uint32_t)> externalId;
};

struct DiskIndexMergeOptions {
    std::uint32_t L = 100;     // candidate list of the searches that place inserted points
    std::uint32_t W = 4;       // nodes read per round of those searches
    float alpha = 1.2f;        // pruning slack (1 = strict)
    std::uint32_t threads = 0; // 0: one per hardware thread
    // Slots the merged file has room for (in-place inserts); below its point count: the count.
    std::uint32_t capacity = 0;
    // Up to this many inserted points find their neighbours among each other by brute force;
    // above, through an in-memory Vamana graph over them.
    std::uint32_t bruteForceDeltaBelow = 4096;
    // Fraction done; returning false cancels ("index merge cancelled"), leaving the base file
    // untouched and no temporary file behind.
    std::function<bool(double)> progress;
};

struct MergeReport {
    std::uint32_t baseCount = 0; // points in the base file
    std::uint32_t kept = 0;      // base points carried over
    std::uint32_t deleted = 0;   // base points dropped
    std::uint32_t inserted = 0;  // points of the delta added
    std::uint32_t count = 0;     // points in the merged file
    std::uint32_t repaired = 0;  // base nodes whose neighbour list was rebuilt
    double seconds = 0.0;
    // Memory the merge held at its peak, estimated from its buffers: the base reader's
    // in-memory part, the delta's copy, the deleted nodes' lists, back-edges, new codes and
    // label lists, per-thread scratch. Never the base file's full-precision vectors.
    std::uint64_t workingSetBytes = 0;
    std::uint64_t deltaBytes = 0; // of which the copy of the inserted points
};

// FreshDiskANN's streaming merge: writes to outPath a new index holding the base file's points
// minus those whose external ids are in `deleted` (ids the base does not hold are ignored),
// plus the delta's points, without reading all full-precision vectors into memory. The base is
// read twice in slot order; the delta points are placed by beam searches of the base file (whose
// deleted nodes are passed through but not linked to) and of the delta itself. The codec of the
// base (rotation, coarse centroids, PQ codebook) is reused: inserted points are encoded with it.
// Node slots are compacted: kept points in their old order, then the inserted ones. The file is
// written under a temporary name and renamed into place (outPath may be basePath).
// Throws std::invalid_argument for bad input (metric or dimension mismatch, an inserted id
// already live in the base or repeated, a non-finite component, an empty result) and
// DiskIndexError for I/O failures, a damaged base or cancellation.
MergeReport mergeDiskIndex(const std::string& basePath, const std::string& outPath,
                           const MergeDelta& inserts,
                           const std::unordered_set<std::uint64_t>& deleted,
                           const DiskIndexMergeOptions& options = {});

} // namespace quiver::diskann
