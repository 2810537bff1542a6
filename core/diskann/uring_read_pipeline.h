#pragma once

#include "core/diskann/read_pipeline.h"

#include <deque>
#include <liburing.h>
#include <string>
#include <vector>

namespace quiver::diskann {

// A ReadPipeline on a thread's io_uring ring (UringReadQueue): reads submitted go to the kernel
// at the next wait(), together, in the system call that waits. Reads beyond the ring's room wait in
// order for earlier ones to complete; short reads and interrupted ones are resubmitted for the
// rest.
class UringReadPipeline final : public ReadPipeline {
public:
    UringReadPipeline(io_uring& ring, unsigned ringEntries, const FileReader& file);
    ~UringReadPipeline() override;
    UringReadPipeline(const UringReadPipeline&) = delete;
    UringReadPipeline& operator=(const UringReadPipeline&) = delete;

    void submit(const ReadRequest& r, std::uint64_t tag) override;
    void wait(std::vector<std::uint64_t>& completed) override;
    std::size_t pending() const override { return pending_; }

private:
    struct Read {
        ReadRequest request;
        std::size_t arrived = 0; // bytes so far
        std::uint64_t tag = 0;
    };
    // Puts reads waiting for room into the ring.
    void feed();
    // Takes the ring's completions; the first failure's message goes to `failure`.
    void reap(std::vector<std::uint64_t>& completed, std::string& failure);

    io_uring& ring_;
    const unsigned ringEntries_;
    const FileReader& file_;
    std::vector<Read> reads_;       // indexed by the ring's user data
    std::vector<std::size_t> free_; // unused entries of reads_
    std::deque<std::size_t> waiting_;
    std::vector<std::uint64_t> doneAtOnce_; // read without the ring (unaligned under direct I/O)
    std::size_t inRing_ = 0;
    std::size_t pending_ = 0;
};

} // namespace quiver::diskann
