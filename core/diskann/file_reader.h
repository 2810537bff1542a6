#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

namespace quiver::diskann {

struct FileReaderOptions {
    // Bypass the operating system's page cache: O_DIRECT on Linux, F_NOCACHE on macOS. Falls
    // back to cached reads (see FileReader::directIoFallback) where the file system refuses.
    bool directIo = false;
    // Tests: behave as a file system that refuses O_DIRECT, to exercise the fallback where no
    // such file system is at hand.
    bool simulateDirectIoRefusal = false;
};

// A file opened once for positional reads. readAt is safe from many threads at once (pread on
// POSIX; a locked seek+read elsewhere). Failures throw DiskIndexError.
class FileReader {
public:
    // Offsets, lengths and buffers that are multiples of this are read straight into the
    // caller's buffer under direct I/O; anything else goes through an aligned bounce buffer.
    static constexpr std::size_t kDirectAlignment = 4096;

    explicit FileReader(const std::string& path, const FileReaderOptions& options = {});
    ~FileReader();
    FileReader(const FileReader&) = delete;
    FileReader& operator=(const FileReader&) = delete;

    std::uint64_t size() const { return size_; }
    const std::string& path() const { return path_; }
    // Whether reads bypass the page cache.
    bool directIo() const { return direct_; }
    // Why direct I/O was asked for but is not in effect; empty otherwise.
    const std::string& directIoFallback() const { return fallback_; }
    // Reads exactly `bytes` bytes at `offset`; a range past the end of the file throws.
    void readAt(std::uint64_t offset, void* buffer, std::size_t bytes) const;
    // Whether a read of this range into this buffer can be issued as it is (for batched reads
    // that bypass readAt): always true for cached reads.
    bool readableInPlace(std::uint64_t offset, const void* buffer, std::size_t bytes) const;
#ifndef _WIN32
    int descriptor() const {
        return fd_;
    }
#endif

private:
#ifndef _WIN32
    // pread until at least `needed` of `bytes` bytes arrived (fewer only at the end of file).
    void readFully(std::uint64_t offset, char* out, std::size_t bytes, std::size_t needed) const;
    int openDescriptor(bool direct) const;
    bool probeDirect(); // false when the file system refused the first direct read
#endif
    void fallBackToCached(const std::string& why);

    std::string path_;
    std::uint64_t size_ = 0;
    bool direct_ = false;
    std::string fallback_;
#ifdef _WIN32
    std::FILE* file_ = nullptr;
    mutable std::mutex mutex_;
#else
    int fd_ = -1;
#endif
};

} // namespace quiver::diskann
