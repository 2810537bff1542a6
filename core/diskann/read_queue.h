#pragma once

#include "core/diskann/function_ref.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace quiver::diskann {

class FileReader;
class ReadPipeline;

struct ReadRequest {
    std::uint64_t offset = 0;
    std::uint8_t* buffer = nullptr;
    std::size_t bytes = 0;
};

enum class ReadEngine : std::uint8_t {
    Sequential, // one pread after another
    IoUring,    // all reads of a batch in flight together on the thread's io_uring ring
};
const char* readEngineName(ReadEngine engine);

// Reads a batch of ranges of one file. read() runs afterSubmit() once while the reads are in
// flight (work that needs none of them), then done(i) for each request i as its bytes arrive,
// in completion order. If a callback or a read fails, the reads still in flight are waited for
// (their buffers must outlive them) before the exception propagates.
class ReadQueue {
public:
    virtual ~ReadQueue() = default;
    virtual ReadEngine engine() const = 0;
    virtual void read(const FileReader& file, std::span<const ReadRequest> requests,
                      FunctionRef<void()> afterSubmit, FunctionRef<void(std::size_t)> done) = 0;
    // Reads of `file` submitted and completed one by one (core/diskann/read_pipeline.h).
    // No read() on this queue while it exists.
    virtual std::unique_ptr<ReadPipeline> pipeline(const FileReader& file) = 0;
};

// The queue for the calling thread: its own io_uring ring when `parallel` is set and a ring
// could be set up on this thread (Linux, not refused by the kernel or a seccomp filter), else
// sequential reads. A queue is never used by another thread.
ReadQueue& readQueueForThisThread(bool parallel);

} // namespace quiver::diskann
