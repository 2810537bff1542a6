#include "core/diskann/uring_read_queue.h"

#include "core/diskann/disk_index_error.h"
#include "core/diskann/file_reader.h"
#include "core/diskann/uring_read_pipeline.h"

#include <cerrno>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <vector>

namespace quiver::diskann {

namespace {

// Enough for the widest beam; wider batches are fed in as reads complete.
constexpr unsigned kRingEntries = 64;

} // namespace

UringReadQueue* UringReadQueue::forThisThread() {
    thread_local std::unique_ptr<UringReadQueue> queue;
    thread_local bool tried = false;
    if (!tried) {
        tried = true;
        std::unique_ptr<UringReadQueue> fresh(new UringReadQueue());
        if (io_uring_queue_init(kRingEntries, &fresh->ring_, 0) == 0)
            queue = std::move(fresh);
        else
            fresh->ring_.ring_fd = -1;
    }
    return queue.get();
}

UringReadQueue::~UringReadQueue() {
    if (ring_.ring_fd >= 0)
        io_uring_queue_exit(&ring_);
}

std::unique_ptr<ReadPipeline> UringReadQueue::pipeline(const FileReader& file) {
    return std::make_unique<UringReadPipeline>(ring_, kRingEntries, file);
}

void UringReadQueue::read(const FileReader& file, std::span<const ReadRequest> requests,
                          FunctionRef<void()> afterSubmit, FunctionRef<void(std::size_t)> done) {
    // Reads the kernel cannot take as they are (unaligned under direct I/O) go through readAt.
    bool inPlace = true;
    for (const ReadRequest& r : requests)
        inPlace = inPlace && file.readableInPlace(r.offset, r.buffer, r.bytes);
    if (!inPlace) {
        afterSubmit();
        for (std::size_t i = 0; i < requests.size(); ++i) {
            file.readAt(requests[i].offset, requests[i].buffer, requests[i].bytes);
            done(i);
        }
        return;
    }
    if (requests.empty()) {
        afterSubmit();
        return;
    }
    for (const ReadRequest& r : requests)
        if (r.offset > file.size() || r.bytes > file.size() - r.offset)
            throw DiskIndexError("file truncated: expected " + std::to_string(r.offset + r.bytes) +
                                 " bytes, found " + std::to_string(file.size()));

    std::vector<std::size_t> arrived(requests.size(), 0); // bytes so far; short reads go on
    std::size_t next = 0;                                 // first request not yet queued
    std::size_t inFlight = 0;                             // queued, not yet completed
    std::size_t completed = 0;
    std::exception_ptr failure; // once set: no more callbacks or submissions, only draining
    bool calledAfterSubmit = false;
    const auto queue = [&](std::size_t i) {
        io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
        if (!sqe)
            return false;
        const ReadRequest& r = requests[i];
        io_uring_prep_read(sqe, file.descriptor(), r.buffer + arrived[i],
                           static_cast<unsigned>(r.bytes - arrived[i]), r.offset + arrived[i]);
        io_uring_sqe_set_data64(sqe, i);
        ++inFlight;
        return true;
    };
    std::vector<std::size_t> retry; // requests to queue again (short read, EINTR, EAGAIN)
    std::vector<std::size_t> ready;
    ready.reserve(requests.size());
    while (inFlight > 0 || (!failure && (completed < requests.size()))) {
        if (!failure) {
            while (!retry.empty() && queue(retry.back()))
                retry.pop_back();
            while (next < requests.size() && queue(next))
                ++next;
        }
        const int submitted = io_uring_submit_and_wait(&ring_, inFlight > 0 ? 1 : 0);
        if (submitted < 0 && submitted != -EINTR && submitted != -EAGAIN && submitted != -EBUSY) {
            // Nothing more can be learnt from this ring about the reads in flight; it is not
            // reused with them outstanding.
            if (!failure)
                failure = std::make_exception_ptr(DiskIndexError("read failed in " + file.path() +
                                                                 ": " + std::strerror(-submitted)));
            if (inFlight == 0)
                break;
        }
        if (!failure && !calledAfterSubmit) {
            calledAfterSubmit = true;
            try {
                afterSubmit();
            } catch (...) {
                failure = std::current_exception();
            }
        }
        unsigned head = 0;
        unsigned seen = 0;
        io_uring_cqe* cqe = nullptr;
        ready.clear();
        io_uring_for_each_cqe(&ring_, head, cqe) {
            ++seen;
            --inFlight;
            const auto i = static_cast<std::size_t>(io_uring_cqe_get_data64(cqe));
            const int res = cqe->res;
            if (res == -EINTR || res == -EAGAIN) {
                retry.push_back(i);
            } else if (res < 0) {
                if (!failure)
                    failure = std::make_exception_ptr(DiskIndexError(
                        "read failed in " + file.path() + ": " + std::strerror(-res)));
            } else if (res == 0) {
                if (!failure)
                    failure = std::make_exception_ptr(
                        DiskIndexError("file truncated while reading " + file.path()));
            } else {
                arrived[i] += static_cast<std::size_t>(res);
                if (arrived[i] < requests[i].bytes)
                    retry.push_back(i);
                else
                    ready.push_back(i);
            }
        }
        io_uring_cq_advance(&ring_, seen);
        for (const std::size_t i : ready) {
            ++completed;
            if (failure)
                continue;
            try {
                done(i);
            } catch (...) {
                failure = std::current_exception();
            }
        }
    }
    if (failure)
        std::rethrow_exception(failure);
}

} // namespace quiver::diskann
