#include "core/diskann/atomic_file_writer.h"

#include "core/diskann/disk_index_error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#ifndef _WIN32
#include <fcntl.h>
#include <unistd.h>
#endif

namespace quiver::diskann {

namespace {

std::string errnoText() {
    return std::strerror(errno);
}

// A name no other writer of the same destination (another thread or process) will pick.
std::string uniqueTempPath(const std::string& path) {
    static thread_local std::mt19937_64 rng{(std::uint64_t{std::random_device{}()} << 32) ^
                                            std::random_device{}()};
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = path + ".tmp-";
    std::uint64_t bits = rng();
    for (int i = 0; i < 16; ++i, bits >>= 4)
        out.push_back(kHex[bits & 0xf]);
    return out;
}

#ifndef _WIN32
void writeFully(int fd, const void* data, std::size_t bytes, std::uint64_t offset,
                const std::string& path) {
    const auto* p = static_cast<const char*>(data);
    while (bytes > 0) {
        const ssize_t done = ::pwrite(fd, p, bytes, static_cast<off_t>(offset));
        if (done < 0 && errno == EINTR)
            continue;
        if (done <= 0)
            throw DiskIndexError("cannot write " + path + ": " + errnoText());
        p += done;
        offset += static_cast<std::uint64_t>(done);
        bytes -= static_cast<std::size_t>(done);
    }
}
#endif

} // namespace

AtomicFileWriter::AtomicFileWriter(const std::string& path)
    : path_(path) {
    // A fresh name, created exclusively and never through a symbolic link: a file or link
    // planted at a predictable name is not written through, and concurrent writers of one
    // destination do not share (or delete) each other's temporary files. Owner-only, like the
    // indexes' folder.
    for (int attempt = 0;; ++attempt) {
        tempPath_ = uniqueTempPath(path);
#ifdef _WIN32
        file_ = std::fopen(tempPath_.c_str(), "wbx");
        if (file_)
            break;
#else
        fd_ = ::open(tempPath_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd_ >= 0)
            break;
#endif
        if (errno != EEXIST || attempt >= 16)
            throw DiskIndexError("cannot create " + tempPath_ + ": " + errnoText());
    }
}

AtomicFileWriter::~AtomicFileWriter() {
    if (committed_)
        return;
    closeFile();
    std::error_code ignored;
    std::filesystem::remove(tempPath_, ignored);
}

void AtomicFileWriter::closeFile() {
#ifdef _WIN32
    if (file_)
        std::fclose(file_);
    file_ = nullptr;
#else
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = -1;
#endif
}

void AtomicFileWriter::append(const void* data, std::size_t bytes) {
    writeAt(position_, data, bytes);
    position_ += bytes;
}

void AtomicFileWriter::writeAt(std::uint64_t offset, const void* data, std::size_t bytes) {
#ifdef _WIN32
    if (_fseeki64(file_, static_cast<long long>(offset), SEEK_SET) != 0 ||
        std::fwrite(data, 1, bytes, file_) != bytes)
        throw DiskIndexError("cannot write " + tempPath_ + ": " + errnoText());
#else
    writeFully(fd_, data, bytes, offset, tempPath_);
#endif
}

void AtomicFileWriter::commit() {
#ifdef _WIN32
    if (std::fflush(file_) != 0)
        throw DiskIndexError("cannot write " + tempPath_ + ": " + errnoText());
    closeFile();
    std::error_code ec;
    std::filesystem::rename(tempPath_, path_, ec);
    if (ec)
        throw DiskIndexError("cannot replace " + path_ + ": " + ec.message());
#else
    if (::fsync(fd_) != 0)
        throw DiskIndexError("cannot flush " + tempPath_ + ": " + errnoText());
    if (::close(fd_) != 0) {
        fd_ = -1;
        throw DiskIndexError("cannot close " + tempPath_ + ": " + errnoText());
    }
    fd_ = -1;
    if (::rename(tempPath_.c_str(), path_.c_str()) != 0)
        throw DiskIndexError("cannot replace " + path_ + ": " + errnoText());
    // Make the rename itself durable.
    // Built in one expression: assigning "." to a std::string made from parent_path() trips a
    // false -Wrestrict in GCC 12 at -O3.
    const std::filesystem::path parent = std::filesystem::path(path_).parent_path();
    const std::string dir = parent.empty() ? std::string(".") : parent.string();
    const int dirFd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirFd >= 0) {
        ::fsync(dirFd);
        ::close(dirFd);
    }
#endif
    committed_ = true;
}

} // namespace quiver::diskann
