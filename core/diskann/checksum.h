#pragma once

#include <cstddef>
#include <cstdint>

namespace quiver::diskann {

// CRC-32C (Castagnoli polynomial), the checksum of every section and node of an index file.
// Pass the previous result as `crc` to checksum data that arrives in pieces.
std::uint32_t crc32c(const void* data, std::size_t size, std::uint32_t crc = 0);

} // namespace quiver::diskann
