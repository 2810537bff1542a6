// Pipelined beam search (the idea of PipeANN): instead of reading W nodes, waiting for all of
// them and only then choosing the next W, a read is issued for the best candidate not yet taken
// as soon as a node is expanded, so W reads stay in flight and the disk is never idle while the
// search waits for the slowest read of a round.
#include "core/diskann/disk_index_impl.h"
#include "core/diskann/read_pipeline.h"

#include <deque>
#include <memory>

namespace quiver::diskann {

std::vector<Result> DiskIndex::Impl::pipelinedSearch(const float* q, const float* table,
                                                     std::uint32_t L, std::uint32_t W,
                                                     const SearchFilter& f, const LabelEntry* label,
                                                     ReadQueue& queue, SearchStats& stats,
                                                     std::vector<float>* vectors) const {
    CandidateList list(L);
    seed(list, table, W, label);
    std::vector<Result> results;
    std::vector<float> v(dim());

    // W places, each a node taken for expansion: its buffer span and what its read gave.
    struct Place {
        std::uint32_t slot = 0;
        const std::uint8_t* record = nullptr;
        bool ready = false;
        ReadNode node;
    };
    std::vector<Place> places(W);
    std::vector<std::uint32_t> idle(W);
    for (std::uint32_t i = 0; i < W; ++i)
        idle[i] = W - 1 - i;
    std::deque<std::uint32_t> taken; // places in the order their nodes were taken
    std::vector<std::uint64_t> completed;
    // Declared before the pipeline, so it outlives the reads the pipeline drains on the way out.
    SectorBuffer buffer(std::size_t{W} * spanBytes());
    const std::unique_ptr<ReadPipeline> reads = queue.pipeline(file);

    const auto arrived = [&](std::uint32_t at) {
        Place& p = places[at];
        readNode(q, table, p.slot, p.record, list, p.node, v);
        p.ready = true;
    };
    for (;;) {
        while (!idle.empty())
            if (const std::optional<std::uint32_t> slot = list.takeBest()) {
                const std::uint32_t at = idle.back();
                idle.pop_back();
                Place& p = places[at];
                p.slot = *slot;
                p.ready = false;
                taken.push_back(at);
                if (auto it = cacheIndex.find(*slot); it != cacheIndex.end()) {
                    p.record = cacheRecords.data() + std::size_t{it->second} * layout().nodeBytes;
                    ++stats.cacheHits;
                    arrived(at);
                    continue;
                }
                std::uint8_t* span = buffer.data() + std::size_t{at} * spanBytes();
                p.record = span + layout().offsetInSector(*slot);
                reads->submit({nodesOffset() + layout().sectorOffset(*slot), span, spanBytes()},
                              at);
                stats.sectorsRead += layout().sectorsPerNode;
                ++stats.nodesRead;
            } else {
                break;
            }
        if (taken.empty())
            break;
        // Nodes are expanded one at a time in the order they were taken, whichever read lands
        // first (a record is checked and its distances taken as it lands), and the place each
        // frees is refilled at once: the result then depends only on the index and the query,
        // not on the disk's timing or the read engine, and with W = 1 is the rounds' result.
        const std::uint32_t at = taken.front();
        while (!places[at].ready) {
            ++stats.rounds;
            completed.clear();
            reads->wait(completed);
            for (const std::uint64_t tag : completed)
                arrived(static_cast<std::uint32_t>(tag));
        }
        taken.pop_front();
        const Place& p = places[at];
        keep(p.slot, p.node, f, list, results, vectors);
        list.reorder();
        for (std::uint32_t j = 0; j < p.node.record.degree; ++j)
            list.offer(p.node.record.neighbor(j), p.node.neighborPq[j]);
        idle.push_back(at);
    }
    return results;
}

} // namespace quiver::diskann
