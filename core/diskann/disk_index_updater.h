#pragma once

#include "core/diskann/disk_index.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

namespace quiver::diskann {

struct DiskIndexUpdateOptions {
    DiskIndexOpenOptions open = {};
    std::uint32_t L = 100;         // list of the searches that place inserts and find in-neighbours
    std::uint32_t W = 4;           // records read per round of those searches
    float alpha = 1.2f;            // pruning slack (1 = strict)
    std::uint32_t repairEdges = 3; // replacement edges per in-neighbour of a deleted node
    // Tests: called before each write step of an update's commit (see WriteAheadLog);
    // throwing simulates a crash there.
    std::function<void(std::uint32_t step)> beforeWriteStep;
};

// I/O of updates: index sectors read and written in place, and the log's bytes.
struct UpdateIo {
    std::uint64_t updates = 0;
    std::uint64_t sectorsRead = 0;    // 4 KiB sectors of the index file read
    std::uint64_t sectorsWritten = 0; // 4 KiB sectors of the index file written
    std::uint64_t logBytes = 0;       // written to the write-ahead log
    UpdateIo& operator+=(const UpdateIo& o) {
        updates += o.updates;
        sectorsRead += o.sectorsRead;
        sectorsWritten += o.sectorsWritten;
        logBytes += o.logBytes;
        return *this;
    }
};

// In-place inserts and deletes on a format-4 index file (FreshDiskANN's insert, IP-DiskANN's
// delete), each a bounded number of sector writes made crash-safe by a write-ahead log:
//  - insert: the new node's neighbours are found by a beam search of the file and a robust
//    prune; each neighbour gets a back-edge (pruned, with PQ reconstructions, when over R).
//    Its PQ code comes from the file's codec. It takes a free slot: a deleted one (never an
//    entry point) or one of the file's spare capacity. Labels go to the label overlay, so
//    filtered searches see them until a compaction rewrites the lists.
//  - remove: the node is flagged deleted (searches walk through it, never return it); its
//    in-neighbours, found by a search near its vector, drop the edge and gain the `repairEdges`
//    of its out-neighbours nearest to them; its slot is free for the next insert.
// The streaming merge (disk_index_merger.h) remains the compaction: it drops deleted nodes,
// folds the overlay into the label lists and resets the spare capacity.
//
// Concurrency: searches through index() hold the index's update lock shared; insert and
// remove hold it exclusively for their whole run (search, prune, logging, writing), so a
// search sees an update entirely or not at all, and updates are serialised. lastIo() and
// totalIo() belong to the updating thread. One updater per file, and while it is open the file
// is searched through index(), not opened again (DiskIndex::open replays the log, which must
// not race a commit). After an update threw (an I/O failure), the updater refuses further updates:
// reopen, which replays or drops the interrupted update.
class DiskIndexUpdater {
public:
    // Opens the index (replaying the write-ahead log first) and reads its node records once,
    // for the external id -> slot map and the free slots.
    static std::unique_ptr<DiskIndexUpdater> open(const std::string& path,
                                                  const DiskIndexUpdateOptions& options = {});
    ~DiskIndexUpdater();
    DiskIndexUpdater(const DiskIndexUpdater&) = delete;
    DiskIndexUpdater& operator=(const DiskIndexUpdater&) = delete;

    const DiskIndex& index() const { return *index_; }

    // Throws std::invalid_argument for an id already live, a non-finite component, or more
    // labels than the file's records hold; DiskIndexError when no slot is free ("index full")
    // or on I/O failure.
    void insert(std::uint64_t externalId, const float* vector,
                std::span<const std::uint32_t> labels = {});
    // False when the id is not live.
    bool remove(std::uint64_t externalId);

    bool contains(std::uint64_t externalId) const;
    std::uint32_t liveCount() const;
    std::uint32_t freeSlots() const; // deleted slots to reuse plus spare capacity

    const UpdateIo& lastIo() const { return last_; }
    const UpdateIo& totalIo() const { return total_; }

private:
    struct State;
    DiskIndexUpdater(std::unique_ptr<DiskIndex> index, std::unique_ptr<State> state);

    std::unique_ptr<DiskIndex> index_;
    std::unique_ptr<State> state_;
    UpdateIo last_;
    UpdateIo total_;
};

} // namespace quiver::diskann
