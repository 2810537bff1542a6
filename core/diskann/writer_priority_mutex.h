#pragma once

#include <atomic>
#include <mutex>
#include <shared_mutex>

namespace quiver::diskann {

// A shared mutex under which a waiting writer holds back readers that arrive after it. glibc's
// std::shared_mutex prefers readers, so a steady stream of searches could keep an insert or a
// consolidation waiting forever. Shared locks must not nest on one thread (a writer arriving
// between the two would deadlock them).
class WriterPriorityMutex {
public:
    void lock() {
        writersWaiting_.fetch_add(1, std::memory_order_acq_rel);
        gate_.lock();
        rw_.lock();
        writersWaiting_.fetch_sub(1, std::memory_order_acq_rel);
    }
    void unlock() {
        rw_.unlock();
        gate_.unlock();
    }
    void lock_shared() {
        // Queue behind a writer that is waiting or writing; the common case costs one load.
        if (writersWaiting_.load(std::memory_order_acquire) > 0) {
            gate_.lock();
            gate_.unlock();
        }
        rw_.lock_shared();
    }
    void unlock_shared() { rw_.unlock_shared(); }

private:
    std::atomic<int> writersWaiting_{0};
    std::mutex gate_; // held by the writer from its arrival until it is done
    std::shared_mutex rw_;
};

} // namespace quiver::diskann
