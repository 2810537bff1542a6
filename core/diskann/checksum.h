#pragma once

#include <cstddef>
#include <cstdint>

namespace quiver::diskann {

// CRC-32C (Castagnoli polynomial), the checksum of every section and node of an index file.
// Pass the previous result as `crc` to checksum data that arrives in pieces.
// Uses the CPU's CRC32 instruction where there is one (x86-64 with SSE4.2).
std::uint32_t crc32c(const void* data, std::size_t size, std::uint32_t crc = 0);

// The table-driven implementation, on every CPU; the reference the tests compare against.
std::uint32_t crc32cPortable(const void* data, std::size_t size, std::uint32_t crc = 0);

} // namespace quiver::diskann
