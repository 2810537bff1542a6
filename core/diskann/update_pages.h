#pragma once

// The sectors an in-place update reads and rewrites (internal to DiskIndexUpdater).

#include "core/diskann/disk_index_impl.h"
#include "core/diskann/write_ahead_log.h"

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace quiver::diskann {

// Node records of one update: read once per span (the sectors holding a record), served from
// the reader's cache where it holds them, modified in the span image and turned into page
// images for the log. Every record read is checked (checksum, ranges) before use.
class UpdatePages {
public:
    explicit UpdatePages(DiskIndex::Impl& d)
        : d_(d) {}

    // A checked record for reading: the cache's copy, a span read earlier, or a fresh read.
    const std::uint8_t* record(std::uint32_t slot);
    // The record inside its span image, for rewriting (read from the file if not yet); call
    // seal() after changing it.
    std::uint8_t* writable(std::uint32_t slot);
    // Recomputes the record's checksum and refreshes the reader's cached copy.
    void seal(std::uint32_t slot);

    // The spans written, as page images.
    void collect(std::vector<PageImage>& out) const;
    std::uint64_t sectorsRead() const { return sectorsRead_; }

private:
    struct Span {
        std::vector<std::uint8_t> bytes;
        bool dirty = false;
    };
    Span& span(std::uint32_t slot);

    DiskIndex::Impl& d_;
    std::map<std::uint64_t, Span> spans_; // by offset in the nodes section
    std::uint64_t sectorsRead_ = 0;
};

} // namespace quiver::diskann
