#include "core/diskann/write_ahead_log.h"

#include "core/diskann/checksum.h"
#include "core/diskann/disk_index_error.h"
#include "core/diskann/file_format.h"

#include <cerrno>
#include <cstring>
#include <utility>

#ifndef _WIN32
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace quiver::diskann {

namespace {

#ifndef _WIN32
constexpr std::uint32_t kLogMagic = 0x4C415751; // "QWAL"
constexpr std::uint32_t kLogVersion = 1;
constexpr std::size_t kRecordHeaderBytes = 32;
constexpr std::size_t kPageHeaderBytes = 12;
// A record never holds more than this: an update writes a bounded number of sectors.
constexpr std::uint64_t kMaxPayloadBytes = std::uint64_t{1} << 30;

[[noreturn]] void ioFailure(const std::string& what, const std::string& path) {
    throw DiskIndexError("cannot " + what + " " + path + ": " + std::strerror(errno));
}

void writeAll(int fd, const std::uint8_t* p, std::size_t bytes, std::uint64_t offset,
              const std::string& path) {
    while (bytes > 0) {
        const ssize_t done = ::pwrite(fd, p, bytes, static_cast<off_t>(offset));
        if (done < 0 && errno == EINTR)
            continue;
        if (done <= 0)
            ioFailure("write", path);
        p += done;
        offset += static_cast<std::uint64_t>(done);
        bytes -= static_cast<std::size_t>(done);
    }
}

// Reads up to `bytes` bytes; fewer only at the end of the file.
std::size_t readAll(int fd, std::uint8_t* p, std::size_t bytes, std::uint64_t offset,
                    const std::string& path) {
    std::size_t got = 0;
    while (got < bytes) {
        const ssize_t done = ::pread(fd, p + got, bytes - got, static_cast<off_t>(offset + got));
        if (done < 0 && errno == EINTR)
            continue;
        if (done < 0)
            ioFailure("read", path);
        if (done == 0)
            break;
        got += static_cast<std::size_t>(done);
    }
    return got;
}

void syncFile(int fd, const std::string& path) {
    if (::fsync(fd) != 0)
        ioFailure("sync", path);
}

std::uint64_t fileSize(int fd, const std::string& path) {
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        ioFailure("stat", path);
    return static_cast<std::uint64_t>(st.st_size);
}

// The pages of a sound record, or nothing for a torn or garbled one. Every field is checked
// against the bytes at hand before it is used.
bool parseRecord(const std::vector<std::uint8_t>& log, std::uint64_t indexBytes,
                 std::vector<PageImage>& pages) {
    if (log.size() < kRecordHeaderBytes)
        return false;
    const std::uint8_t* h = log.data();
    if (loadLe32(h) != kLogMagic || loadLe32(h + 4) != kLogVersion ||
        loadLe32(h + 28) != crc32c(h, 28))
        return false;
    const std::uint32_t count = loadLe32(h + 8);
    const std::uint64_t payloadBytes = loadLe64(h + 16);
    if (payloadBytes > log.size() - kRecordHeaderBytes)
        return false;
    const std::uint8_t* payload = h + kRecordHeaderBytes;
    if (loadLe32(h + 24) != crc32c(payload, static_cast<std::size_t>(payloadBytes)))
        return false;
    std::uint64_t at = 0;
    for (std::uint32_t i = 0; i < count; ++i) {
        if (payloadBytes - at < kPageHeaderBytes)
            return false;
        const std::uint64_t offset = loadLe64(payload + at);
        const std::uint32_t length = loadLe32(payload + at + 8);
        at += kPageHeaderBytes;
        if (length == 0 || length % kSectorBytes != 0 || offset % kSectorBytes != 0 ||
            length > payloadBytes - at || offset > indexBytes || length > indexBytes - offset)
            return false;
        PageImage page;
        page.offset = offset;
        page.bytes.assign(payload + at, payload + at + length);
        pages.push_back(std::move(page));
        at += length;
    }
    return at == payloadBytes;
}
#endif

} // namespace

std::string WriteAheadLog::pathFor(const std::string& indexPath) {
    return indexPath + ".wal";
}

#ifdef _WIN32
bool WriteAheadLog::recover(const std::string&) {
    return false;
}
WriteAheadLog::WriteAheadLog(const std::string& indexPath)
    : indexPath_(indexPath) {
    throw DiskIndexError("in-place index updates are not supported on this platform");
}
WriteAheadLog::~WriteAheadLog() = default;
std::uint64_t WriteAheadLog::commit(const std::vector<PageImage>&) {
    return 0;
}
void WriteAheadLog::step(std::uint32_t&) const {}
#else

bool WriteAheadLog::recover(const std::string& indexPath) {
    const std::string logPath = pathFor(indexPath);
    const int logFd = ::open(logPath.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    if (logFd < 0) {
        if (errno == ENOENT)
            return false;
        ioFailure("open", logPath);
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closeLog{logFd};
    const std::uint64_t logBytes = fileSize(logFd, logPath);
    if (logBytes == 0)
        return false;
    const int indexFd = ::open(indexPath.c_str(), O_RDWR | O_CLOEXEC);
    if (indexFd < 0)
        ioFailure("open", indexPath);
    Closer closeIndex{indexFd};
    std::vector<PageImage> pages;
    const std::uint64_t readable = std::min(logBytes, kMaxPayloadBytes + kRecordHeaderBytes);
    std::vector<std::uint8_t> log(static_cast<std::size_t>(readable));
    log.resize(readAll(logFd, log.data(), log.size(), 0, logPath));
    const bool sound = parseRecord(log, fileSize(indexFd, indexPath), pages);
    if (sound) {
        for (const PageImage& p : pages)
            writeAll(indexFd, p.bytes.data(), p.bytes.size(), p.offset, indexPath);
        syncFile(indexFd, indexPath);
    }
    if (::ftruncate(logFd, 0) != 0)
        ioFailure("truncate", logPath);
    syncFile(logFd, logPath);
    return sound;
}

WriteAheadLog::WriteAheadLog(const std::string& indexPath)
    : indexPath_(indexPath)
    , logPath_(pathFor(indexPath)) {
    indexFd_ = ::open(indexPath_.c_str(), O_RDWR | O_CLOEXEC);
    if (indexFd_ < 0)
        ioFailure("open", indexPath_);
    logFd_ = ::open(logPath_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (logFd_ < 0) {
        ::close(indexFd_);
        ioFailure("open", logPath_);
    }
}

WriteAheadLog::~WriteAheadLog() {
    ::close(logFd_);
    ::close(indexFd_);
}

void WriteAheadLog::step(std::uint32_t& n) const {
    if (beforeStep)
        beforeStep(n);
    ++n;
}

std::uint64_t WriteAheadLog::commit(const std::vector<PageImage>& pages) {
    std::uint64_t payloadBytes = 0;
    for (const PageImage& p : pages)
        payloadBytes += kPageHeaderBytes + p.bytes.size();
    if (payloadBytes > kMaxPayloadBytes)
        throw DiskIndexError("index update too large for the write-ahead log");
    std::vector<std::uint8_t> record(kRecordHeaderBytes + payloadBytes);
    std::uint8_t* payload = record.data() + kRecordHeaderBytes;
    std::uint64_t at = 0;
    for (const PageImage& p : pages) {
        storeLe64(payload + at, p.offset);
        storeLe32(payload + at + 8, static_cast<std::uint32_t>(p.bytes.size()));
        std::memcpy(payload + at + kPageHeaderBytes, p.bytes.data(), p.bytes.size());
        at += kPageHeaderBytes + p.bytes.size();
    }
    std::uint8_t* h = record.data();
    storeLe32(h, kLogMagic);
    storeLe32(h + 4, kLogVersion);
    storeLe32(h + 8, static_cast<std::uint32_t>(pages.size()));
    storeLe32(h + 12, 0);
    storeLe64(h + 16, payloadBytes);
    storeLe32(h + 24, crc32c(payload, static_cast<std::size_t>(payloadBytes)));
    storeLe32(h + 28, crc32c(h, 28));

    std::uint32_t n = 0;
    // The log holds nothing here: the previous update emptied it (or recovery did).
    const std::size_t half = record.size() / 2;
    step(n);
    writeAll(logFd_, record.data(), half, 0, logPath_);
    step(n);
    writeAll(logFd_, record.data() + half, record.size() - half, half, logPath_);
    step(n);
    syncFile(logFd_, logPath_);
    for (const PageImage& p : pages) {
        step(n);
        writeAll(indexFd_, p.bytes.data(), p.bytes.size(), p.offset, indexPath_);
    }
    step(n);
    syncFile(indexFd_, indexPath_);
    step(n);
    // Not synced: should the emptying be lost, recovery redoes this record's pages, which are
    // in place already; the next update's record overwrites it from offset 0 and is synced,
    // size included, before anything else is written.
    if (::ftruncate(logFd_, 0) != 0)
        ioFailure("truncate", logPath_);
    return record.size();
}
#endif

} // namespace quiver::diskann
