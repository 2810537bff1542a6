#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace quiver::diskann {

// Whole sectors of the index file as an update leaves them.
struct PageImage {
    std::uint64_t offset = 0;        // in the index file, sector-aligned
    std::vector<std::uint8_t> bytes; // a multiple of kSectorBytes
};

// The redo log of in-place updates, beside the index file (`<index>.wal`). An update's page
// images go to the log as one checksummed record, which is synced before any page is written
// to the index; the index is then synced and the log emptied. The log therefore holds at most
// the last update, complete (replayed on open: the pages are idempotent images) or torn (its
// checksum fails: the index was not touched yet, and the record is dropped).
// Record: magic u32 | version u32 | page count u32 | 0 u32 | payload bytes u64 | payload crc u32 |
//         crc of the preceding 24 bytes u32 | payload: per page offset u64, length u32, bytes.
// POSIX only; elsewhere an updater cannot be opened (recovery has nothing to do).
class WriteAheadLog {
public:
    static std::string pathFor(const std::string& indexPath);

    // Redoes a complete record left by an interrupted update and empties the log; a torn or
    // garbled one is dropped. Nothing is written when there is no log or it is empty. Pages
    // outside the index file's current size make the record invalid (never extend the file).
    // Returns whether a record was replayed. Throws DiskIndexError on I/O failure.
    static bool recover(const std::string& indexPath);

    // Opens the index file for writing and the log (created when missing).
    explicit WriteAheadLog(const std::string& indexPath);
    ~WriteAheadLog();
    WriteAheadLog(const WriteAheadLog&) = delete;
    WriteAheadLog& operator=(const WriteAheadLog&) = delete;

    // Logs, syncs, applies and syncs the pages; returns the bytes written to the log.
    std::uint64_t commit(const std::vector<PageImage>& pages);

    // Tests: called with the number of each write step (0, 1, ...) before it is taken; throwing
    // there leaves the files as a crash at that point would (the log record may be half
    // written). Steps: log first half, log second half, log sync, each page, index sync, log
    // truncation.
    std::function<void(std::uint32_t step)> beforeStep;

private:
    void step(std::uint32_t& n) const;

    std::string indexPath_;
    std::string logPath_;
    int indexFd_ = -1;
    int logFd_ = -1;
};

} // namespace quiver::diskann
