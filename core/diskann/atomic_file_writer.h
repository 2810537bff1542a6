#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

namespace quiver::diskann {

// Writes a file under a temporary name next to its destination; commit() flushes it to stable
// storage and renames it into place, so readers see the old file or the complete new one,
// never a half-written one. Destroyed without commit(), it removes the temporary file.
// Failures throw DiskIndexError.
class AtomicFileWriter {
public:
    explicit AtomicFileWriter(const std::string& path);
    ~AtomicFileWriter();
    AtomicFileWriter(const AtomicFileWriter&) = delete;
    AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

    void append(const void* data, std::size_t bytes);
    void writeAt(std::uint64_t offset, const void* data, std::size_t bytes);
    std::uint64_t position() const { return position_; }
    void commit();

private:
    void closeFile();

    std::string path_;
    std::string tempPath_;
    std::uint64_t position_ = 0;
    bool committed_ = false;
#ifdef _WIN32
    std::FILE* file_ = nullptr;
#else
    int fd_ = -1;
#endif
};

} // namespace quiver::diskann
