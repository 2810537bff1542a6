#include "core/diskann/file_reader.h"

#include "core/diskann/disk_index_error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#ifndef _WIN32
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace quiver::diskann {

FileReader::FileReader(const std::string& path)
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
#else
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0)
        throw DiskIndexError("cannot open " + path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd_);
        throw DiskIndexError("cannot open " + path + ": not a regular file");
    }
    size_ = static_cast<std::uint64_t>(st.st_size);
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
    while (bytes > 0) {
        const ssize_t got = ::pread(fd_, out, bytes, static_cast<off_t>(offset));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            throw DiskIndexError("read failed in " + path_ + ": " + std::strerror(errno));
        if (got == 0)
            throw DiskIndexError("file truncated while reading " + path_);
        out += got;
        offset += static_cast<std::uint64_t>(got);
        bytes -= static_cast<std::size_t>(got);
    }
#endif
}

} // namespace quiver::diskann
