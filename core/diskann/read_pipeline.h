#pragma once

#include "core/diskann/read_queue.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace quiver::diskann {

// Reads issued one at a time and collected as they complete, for a search that keeps a number
// of reads in flight and issues the next as soon as one lands (pipelined beam search) instead
// of waiting for a whole batch. Made by ReadQueue::pipeline() for one search on one thread;
// while it exists the thread's queue serves nothing else. Destroying it waits for the reads
// still in flight: their buffers must outlive them.
class ReadPipeline {
public:
    virtual ~ReadPipeline() = default;
    // Starts reading r; `tag` comes back from wait() once all of r's bytes are in its buffer.
    virtual void submit(const ReadRequest& r, std::uint64_t tag) = 0;
    // Blocks until at least one submitted read has completed, then appends the tags of every
    // read completed so far and not yet reported. A failed read throws DiskIndexError; the
    // reads still in flight stay tracked (and are waited for on destruction).
    virtual void wait(std::vector<std::uint64_t>& completed) = 0;
    // Submitted and not yet reported by wait().
    virtual std::size_t pending() const = 0;
};

} // namespace quiver::diskann
