#pragma once

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace quiver::bench {

// Rows of a .fvecs or .ivecs file, flattened: each row is an int32 count then that many 4-byte
// values. Reads at most maxRows rows; rows and dim say what was read.
template <typename T>
std::vector<T> readVecs(const std::string& path, std::size_t& rows, std::size_t& dim,
                        std::size_t maxRows = std::numeric_limits<std::size_t>::max()) {
    static_assert(sizeof(T) == 4, ".fvecs and .ivecs hold 4-byte values");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot open " + path);
    std::vector<T> out;
    rows = 0;
    dim = 0;
    std::int32_t d = 0;
    while (rows < maxRows && in.read(reinterpret_cast<char*>(&d), sizeof d)) {
        if (d <= 0 || (dim != 0 && static_cast<std::size_t>(d) != dim))
            throw std::runtime_error("inconsistent row length in " + path);
        dim = static_cast<std::size_t>(d);
        const std::size_t at = out.size();
        out.resize(at + dim);
        if (!in.read(reinterpret_cast<char*>(out.data() + at),
                     static_cast<std::streamsize>(dim * sizeof(T))))
            throw std::runtime_error("truncated " + path);
        ++rows;
    }
    return out;
}

} // namespace quiver::bench
