#include "core/diskann/uring_read_pipeline.h"

#include "core/diskann/disk_index_error.h"
#include "core/diskann/file_reader.h"

#include <cerrno>
#include <cstring>
#include <exception>

namespace quiver::diskann {

namespace {

bool transient(int error) {
    return error == -EINTR || error == -EAGAIN || error == -EBUSY;
}

} // namespace

UringReadPipeline::UringReadPipeline(io_uring& ring, unsigned ringEntries, const FileReader& file)
    : ring_(ring)
    , ringEntries_(ringEntries)
    , file_(file) {}

UringReadPipeline::~UringReadPipeline() {
    // The kernel may still write into the buffers of reads in the ring: wait for each (reads
    // not yet handed over are handed over first, the ring being left clean for the next user).
    while (inRing_ > 0) {
        const int rc = io_uring_submit_and_wait(&ring_, 1);
        if (rc < 0 && !transient(rc))
            // Nothing more can be learnt from this ring about the reads outstanding. They go
            // to buffers the caller frees next, so stop the process rather than risk them.
            std::terminate();
        unsigned head = 0;
        unsigned seen = 0;
        io_uring_cqe* cqe = nullptr;
        io_uring_for_each_cqe(&ring_, head, cqe) {
            ++seen;
        }
        io_uring_cq_advance(&ring_, seen);
        inRing_ -= seen;
    }
}

void UringReadPipeline::submit(const ReadRequest& r, std::uint64_t tag) {
    if (!file_.readableInPlace(r.offset, r.buffer, r.bytes)) {
        file_.readAt(r.offset, r.buffer, r.bytes);
        doneAtOnce_.push_back(tag);
        ++pending_;
        return;
    }
    if (r.offset > file_.size() || r.bytes > file_.size() - r.offset)
        throw DiskIndexError("file truncated: expected " + std::to_string(r.offset + r.bytes) +
                             " bytes, found " + std::to_string(file_.size()));
    std::size_t index = reads_.size();
    if (free_.empty()) {
        reads_.push_back({});
    } else {
        index = free_.back();
        free_.pop_back();
    }
    reads_[index] = {r, 0, tag};
    waiting_.push_back(index);
    ++pending_;
    // Into the ring, not yet to the kernel: wait() hands it over with whatever else was
    // submitted meanwhile, in the same system call that waits (one call per read, not two).
    feed();
}

void UringReadPipeline::feed() {
    while (!waiting_.empty() && inRing_ < ringEntries_) {
        io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
        if (!sqe)
            return;
        const std::size_t index = waiting_.front();
        waiting_.pop_front();
        const Read& read = reads_[index];
        io_uring_prep_read(sqe, file_.descriptor(), read.request.buffer + read.arrived,
                           static_cast<unsigned>(read.request.bytes - read.arrived),
                           read.request.offset + read.arrived);
        io_uring_sqe_set_data64(sqe, index);
        ++inRing_;
    }
}

void UringReadPipeline::reap(std::vector<std::uint64_t>& completed, std::string& failure) {
    unsigned head = 0;
    unsigned seen = 0;
    io_uring_cqe* cqe = nullptr;
    io_uring_for_each_cqe(&ring_, head, cqe) {
        ++seen;
        --inRing_;
        const auto index = static_cast<std::size_t>(io_uring_cqe_get_data64(cqe));
        Read& read = reads_[index];
        const int res = cqe->res;
        if (res == -EINTR || res == -EAGAIN) {
            waiting_.push_back(index);
            continue;
        }
        if (res > 0) {
            read.arrived += static_cast<std::size_t>(res);
            if (read.arrived < read.request.bytes) {
                waiting_.push_back(index);
                continue;
            }
            completed.push_back(read.tag);
        } else if (failure.empty()) {
            failure = res == 0 ? "file truncated while reading " + file_.path()
                               : "read failed in " + file_.path() + ": " + std::strerror(-res);
        }
        free_.push_back(index);
        --pending_;
    }
    io_uring_cq_advance(&ring_, seen);
}

void UringReadPipeline::wait(std::vector<std::uint64_t>& completed) {
    if (!doneAtOnce_.empty()) {
        completed.insert(completed.end(), doneAtOnce_.begin(), doneAtOnce_.end());
        pending_ -= doneAtOnce_.size();
        doneAtOnce_.clear();
        return;
    }
    const std::size_t before = completed.size();
    std::string failure;
    while (completed.size() == before && failure.empty() && pending_ > 0) {
        feed();
        // Completions already posted (reads the page cache served at submission) are taken
        // without entering the kernel, unless there are new reads to hand over.
        if (io_uring_sq_ready(&ring_) > 0 || io_uring_cq_ready(&ring_) == 0) {
            const int rc = io_uring_submit_and_wait(
                &ring_, inRing_ > 0 && io_uring_cq_ready(&ring_) == 0 ? 1 : 0);
            if (rc < 0 && !transient(rc))
                throw DiskIndexError("read failed in " + file_.path() + ": " + std::strerror(-rc));
        }
        reap(completed, failure);
    }
    if (!failure.empty())
        throw DiskIndexError(failure);
}

} // namespace quiver::diskann
