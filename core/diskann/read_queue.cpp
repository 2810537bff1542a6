#include "core/diskann/read_queue.h"

#include "core/diskann/file_reader.h"
#include "core/diskann/read_pipeline.h"

#ifdef QUIVER_HAVE_LIBURING
#include "core/diskann/uring_read_queue.h"
#endif

#include <deque>

namespace quiver::diskann {

namespace {

// Reads in submission order, each when wait() asks for the next: the same reads, in the same
// order, as the ring completes them when the disk keeps order.
class SequentialReadPipeline final : public ReadPipeline {
public:
    explicit SequentialReadPipeline(const FileReader& file)
        : file_(file) {}
    void submit(const ReadRequest& r, std::uint64_t tag) override { queued_.push_back({r, tag}); }
    void wait(std::vector<std::uint64_t>& completed) override {
        if (queued_.empty())
            return;
        const Queued next = queued_.front();
        queued_.pop_front();
        file_.readAt(next.request.offset, next.request.buffer, next.request.bytes);
        completed.push_back(next.tag);
    }
    std::size_t pending() const override { return queued_.size(); }

private:
    struct Queued {
        ReadRequest request;
        std::uint64_t tag;
    };
    const FileReader& file_;
    std::deque<Queued> queued_;
};

// The portable path: each read completes before the next is issued. Stateless, so one
// instance serves every thread.
class SequentialReadQueue final : public ReadQueue {
public:
    ReadEngine engine() const override { return ReadEngine::Sequential; }
    void read(const FileReader& file, std::span<const ReadRequest> requests,
              FunctionRef<void()> afterSubmit, FunctionRef<void(std::size_t)> done) override {
        afterSubmit();
        for (std::size_t i = 0; i < requests.size(); ++i) {
            file.readAt(requests[i].offset, requests[i].buffer, requests[i].bytes);
            done(i);
        }
    }
    std::unique_ptr<ReadPipeline> pipeline(const FileReader& file) override {
        return std::make_unique<SequentialReadPipeline>(file);
    }
};

} // namespace

const char* readEngineName(ReadEngine engine) {
    switch (engine) {
    case ReadEngine::Sequential:
        return "pread";
    case ReadEngine::IoUring:
        return "io_uring";
    }
    return "pread";
}

ReadQueue& readQueueForThisThread(bool parallel) {
    static SequentialReadQueue sequential;
#ifdef QUIVER_HAVE_LIBURING
    if (parallel)
        if (ReadQueue* ring = UringReadQueue::forThisThread())
            return *ring;
#else
    (void)parallel;
#endif
    return sequential;
}

} // namespace quiver::diskann
