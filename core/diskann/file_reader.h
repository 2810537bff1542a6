#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

namespace quiver::diskann {

// A file opened once for positional reads. readAt is safe from many threads at once (pread on
// POSIX; a locked seek+read elsewhere). Failures throw DiskIndexError.
class FileReader {
public:
    explicit FileReader(const std::string& path);
    ~FileReader();
    FileReader(const FileReader&) = delete;
    FileReader& operator=(const FileReader&) = delete;

    std::uint64_t size() const { return size_; }
    const std::string& path() const { return path_; }
    // Reads exactly `bytes` bytes at `offset`; a range past the end of the file throws.
    void readAt(std::uint64_t offset, void* buffer, std::size_t bytes) const;

private:
    std::string path_;
    std::uint64_t size_ = 0;
#ifdef _WIN32
    std::FILE* file_ = nullptr;
    mutable std::mutex mutex_;
#else
    int fd_ = -1;
#endif
};

} // namespace quiver::diskann
