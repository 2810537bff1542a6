#pragma once

#include "core/diskann/read_queue.h"

#include <liburing.h>

namespace quiver::diskann {

// A ReadQueue on an io_uring ring owned by one thread (Linux, liburing). A batch larger than
// the ring is fed in as earlier reads complete.
class UringReadQueue final : public ReadQueue {
public:
    // This thread's queue, set up on first use; nullptr when the kernel refuses a ring
    // (old kernel, io_uring disabled, a seccomp filter), in which case callers read
    // sequentially.
    static UringReadQueue* forThisThread();

    ~UringReadQueue() override;
    UringReadQueue(const UringReadQueue&) = delete;
    UringReadQueue& operator=(const UringReadQueue&) = delete;

    ReadEngine engine() const override { return ReadEngine::IoUring; }
    void read(const FileReader& file, std::span<const ReadRequest> requests,
              FunctionRef<void()> afterSubmit, FunctionRef<void(std::size_t)> done) override;
    std::unique_ptr<ReadPipeline> pipeline(const FileReader& file) override;

private:
    UringReadQueue() = default;

    io_uring ring_{};
};

} // namespace quiver::diskann
