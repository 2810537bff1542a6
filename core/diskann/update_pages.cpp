#include "core/diskann/update_pages.h"

namespace quiver::diskann {

UpdatePages::Span& UpdatePages::span(std::uint32_t slot) {
    const std::uint64_t offset = d_.layout().sectorOffset(slot);
    auto [it, added] = spans_.try_emplace(offset);
    if (added) {
        it->second.bytes.resize(d_.spanBytes());
        d_.file.readAt(d_.nodesOffset() + offset, it->second.bytes.data(), d_.spanBytes());
        sectorsRead_ += d_.layout().sectorsPerNode;
    }
    return it->second;
}

const std::uint8_t* UpdatePages::record(std::uint32_t slot) {
    const std::uint8_t* r = nullptr;
    if (auto it = d_.cacheIndex.find(slot); it != d_.cacheIndex.end())
        r = d_.cacheRecords.data() + std::size_t{it->second} * d_.layout().nodeBytes;
    else
        r = span(slot).bytes.data() + d_.layout().offsetInSector(slot);
    d_.parse(slot, r); // throws for a damaged record
    return r;
}

std::uint8_t* UpdatePages::writable(std::uint32_t slot) {
    Span& s = span(slot);
    s.dirty = true;
    return s.bytes.data() + d_.layout().offsetInSector(slot);
}

void UpdatePages::seal(std::uint32_t slot) {
    std::uint8_t* r = writable(slot);
    const std::uint32_t bytes = d_.layout().nodeBytes;
    std::uint8_t seed[4];
    storeLe32(seed, slot);
    storeLe32(r + bytes - 4, crc32c(r, bytes - 4, crc32c(seed, sizeof seed)));
    if (auto it = d_.cacheIndex.find(slot); it != d_.cacheIndex.end())
        std::memcpy(d_.cacheRecords.data() + std::size_t{it->second} * bytes, r, bytes);
}

void UpdatePages::collect(std::vector<PageImage>& out) const {
    for (const auto& [offset, s] : spans_)
        if (s.dirty)
            out.push_back({d_.nodesOffset() + offset, s.bytes});
}

} // namespace quiver::diskann
