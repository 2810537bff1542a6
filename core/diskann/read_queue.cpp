#include "core/diskann/read_queue.h"

#include "core/diskann/file_reader.h"

#ifdef QUIVER_HAVE_LIBURING
#include "core/diskann/uring_read_queue.h"
#endif

namespace quiver::diskann {

namespace {

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
