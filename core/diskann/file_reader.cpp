#include "core/diskann/file_reader.h"

#include "core/diskann/aligned_buffer.h"
#include "core/diskann/disk_index_error.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#ifndef _WIN32
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace quiver::diskann {

namespace {

constexpr std::uint64_t kAlign = FileReader::kDirectAlignment;

[[maybe_unused]] bool aligned(std::uint64_t v) {
    return v % kAlign == 0;
}

} // namespace

FileReader::FileReader(const std::string& path, const FileReaderOptions& options)
    : path_(path) {
#ifdef _WIN32
    file_ = std::fopen(path.c_str(), "rb");
    if (!file_)
        throw DiskIndexError("cannot open " + path + ": " + std::strerror(errno));
    if (_fseeki64(file_, 0, SEEK_END) != 0) {
        std::fclose(file_);
        throw DiskIndexError("cannot read " + path);
    }
    size_ = static_cast<std::uint64_t>(_ftelli64(file_));
    if (options.directIo)
        fallback_ = "direct I/O is not implemented on this platform; reading through the cache";
#else
    fd_ = openDescriptor(options.directIo && !options.simulateDirectIoRefusal);
    if (fd_ < 0 && options.directIo && errno == EINVAL)
        fd_ = openDescriptor(false); // the file system refuses O_DIRECT at open
    if (fd_ < 0)
        throw DiskIndexError("cannot open " + path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd_);
        throw DiskIndexError("cannot open " + path + ": not a regular file");
    }
    size_ = static_cast<std::uint64_t>(st.st_size);
    if (!options.directIo)
        return;
    if (options.simulateDirectIoRefusal) {
        fallBackToCached("the file system refused direct I/O (simulated)");
        return;
    }
#ifdef __APPLE__
    // macOS has no O_DIRECT: F_NOCACHE asks the kernel not to keep this file's pages.
    if (::fcntl(fd_, F_NOCACHE, 1) == 0)
        direct_ = true;
    else
        fallback_ = std::string("F_NOCACHE refused (") + std::strerror(errno) +
                    "); reading through the cache";
#elif defined(O_DIRECT)
    const int flags = ::fcntl(fd_, F_GETFL);
    if (flags < 0 || (flags & O_DIRECT) == 0) {
        fallback_ = "the file system refused O_DIRECT at open; reading through the cache";
        return;
    }
    direct_ = true;
    if (!probeDirect())
        fallBackToCached("the file system refused an O_DIRECT read; reading through the cache");
#else
    fallback_ = "direct I/O is not available on this platform; reading through the cache";
#endif
#endif
}

FileReader::~FileReader() {
#ifdef _WIN32
    if (file_)
        std::fclose(file_);
#else
    if (fd_ >= 0)
        ::close(fd_);
#endif
}

void FileReader::fallBackToCached(const std::string& why) {
    direct_ = false;
    fallback_ = why;
#ifndef _WIN32
    const int cached = openDescriptor(false);
    if (cached < 0)
        throw DiskIndexError("cannot open " + path_ + ": " + std::strerror(errno));
    ::close(fd_);
    fd_ = cached;
#endif
}

#ifndef _WIN32
int FileReader::openDescriptor(bool direct) const {
    int flags = O_RDONLY | O_CLOEXEC;
#if defined(O_DIRECT) && !defined(__APPLE__)
    if (direct)
        flags |= O_DIRECT;
#else
    (void)direct;
#endif
    return ::open(path_.c_str(), flags);
}

bool FileReader::probeDirect() {
    // Some file systems accept O_DIRECT at open and refuse the first read (EINVAL): find out
    // now, before concurrent readers depend on the mode.
    AlignedBuffer<char, kAlign> sector(kAlign);
    for (;;) {
        if (::pread(fd_, sector.data(), kAlign, 0) >= 0)
            return true;
        if (errno != EINTR)
            return errno != EINVAL;
    }
}

void FileReader::readFully(std::uint64_t offset, char* out, std::size_t bytes,
                           std::size_t needed) const {
    std::size_t got = 0;
    while (got < needed) {
        const ssize_t n = ::pread(fd_, out + got, bytes - got, static_cast<off_t>(offset + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw DiskIndexError("read failed in " + path_ + ": " + std::strerror(errno));
        if (n == 0)
            throw DiskIndexError("file truncated while reading " + path_);
        got += static_cast<std::size_t>(n);
    }
}
#endif

bool FileReader::readableInPlace(std::uint64_t offset, const void* buffer,
                                 std::size_t bytes) const {
#ifdef __APPLE__
    return true; // F_NOCACHE has no alignment rules
#else
    return !direct_ ||
           (aligned(offset) && aligned(bytes) && aligned(reinterpret_cast<std::uintptr_t>(buffer)));
#endif
}

void FileReader::readAt(std::uint64_t offset, void* buffer, std::size_t bytes) const {
    if (offset > size_ || bytes > size_ - offset)
        throw DiskIndexError("file truncated: expected " + std::to_string(offset + bytes) +
                             " bytes, found " + std::to_string(size_));
    auto* out = static_cast<char*>(buffer);
#ifdef _WIN32
    std::lock_guard lock(mutex_);
    if (_fseeki64(file_, static_cast<long long>(offset), SEEK_SET) != 0 ||
        std::fread(out, 1, bytes, file_) != bytes)
        throw DiskIndexError("read failed in " + path_);
#else
    if (readableInPlace(offset, buffer, bytes)) {
        readFully(offset, out, bytes, bytes);
        return;
    }
    // Direct I/O wants whole aligned blocks: read the blocks around the range, copy it out.
    const std::uint64_t begin = offset / kAlign * kAlign;
    const std::uint64_t end = (offset + bytes + kAlign - 1) / kAlign * kAlign;
    AlignedBuffer<char, kAlign> blocks(static_cast<std::size_t>(end - begin));
    readFully(begin, blocks.data(), blocks.size(),
              static_cast<std::size_t>(offset - begin) + bytes);
    std::memcpy(out, blocks.data() + (offset - begin), bytes);
#endif
}

} // namespace quiver::diskann
