#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>

namespace quiver::diskann {

// A zero-initialised array of trivially copyable T starting on a 64-byte (cache line) boundary,
// so that rows whose size is a multiple of 64 bytes each occupy whole cache lines. Direct I/O
// buffers ask for a 4 KiB boundary instead.
template <typename T, std::size_t Alignment = 64>
class AlignedBuffer {
    static_assert(std::is_trivially_copyable_v<T>);

public:
    static constexpr std::size_t kAlignment = Alignment;

    AlignedBuffer() = default;
    explicit AlignedBuffer(std::size_t n) { resize(n); }
    AlignedBuffer(const AlignedBuffer&) = delete;
    AlignedBuffer& operator=(const AlignedBuffer&) = delete;
    AlignedBuffer(AlignedBuffer&& o) noexcept
        : data_(o.data_)
        , size_(o.size_) {
        o.data_ = nullptr;
        o.size_ = 0;
    }
    AlignedBuffer& operator=(AlignedBuffer&& o) noexcept {
        if (this != &o) {
            release();
            data_ = o.data_;
            size_ = o.size_;
            o.data_ = nullptr;
            o.size_ = 0;
        }
        return *this;
    }
    ~AlignedBuffer() { release(); }

    // Keeps the first min(old, n) elements; new elements are zero.
    void resize(std::size_t n) {
        if (n == size_)
            return;
        T* fresh = nullptr;
        if (n > 0) {
            fresh = static_cast<T*>(::operator new (n * sizeof(T), std::align_val_t{kAlignment}));
            std::memset(static_cast<void*>(fresh), 0, n * sizeof(T));
            if (data_ != nullptr)
                std::memcpy(static_cast<void*>(fresh), static_cast<const void*>(data_),
                            std::min(n, size_) * sizeof(T));
        }
        release();
        data_ = fresh;
        size_ = n;
    }

    T* data() { return data_; }
    const T* data() const { return data_; }
    std::size_t size() const { return size_; }
    T& operator[](std::size_t i) { return data_[i]; }
    const T& operator[](std::size_t i) const { return data_[i]; }

private:
    void release() {
        if (data_ != nullptr)
            ::operator delete (static_cast<void*>(data_), std::align_val_t{kAlignment});
        data_ = nullptr;
        size_ = 0;
    }

    T* data_ = nullptr;
    std::size_t size_ = 0;
};

} // namespace quiver::diskann
