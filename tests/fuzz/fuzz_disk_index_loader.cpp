// Fuzz entry point for the disk index loader: whatever the bytes, opening, searching and
// verifying either works or raises DiskIndexError; it never crashes or reads out of bounds.
#include "core/diskann/checksum.h"
#include "core/diskann/disk_index.h"
#include "core/diskann/disk_index_error.h"
#include "core/diskann/file_format.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#ifndef _WIN32
#include <unistd.h>
#endif

namespace {

std::string scratchPath() {
#ifdef _WIN32
    const long pid = 0;
#else
    const long pid = static_cast<long>(::getpid());
#endif
    return (std::filesystem::temp_directory_path() /
            ("quiver-fuzz-disk-index-" + std::to_string(pid) + ".qdx"))
        .string();
}

const std::string& scratchFile() {
    static const std::string path = [] {
        std::atexit([] {
            std::error_code ignored;
            std::filesystem::remove(scratchPath(), ignored);
        });
        return scratchPath();
    }();
    return path;
}

using namespace quiver::diskann;

// With QUIVER_FUZZ_FIX_CHECKSUMS=1 every checksum the bytes can hold is recomputed before
// loading, so the fuzzer gets past them to the field and structure checks behind them.
void fixChecksums(std::vector<std::uint8_t>& b) {
    if (b.size() < kHeaderBytes)
        return;
    std::uint8_t* p = b.data();
    const std::uint32_t dim = loadLe32(p + 20);
    const std::uint32_t count = loadLe32(p + 24);
    const std::uint32_t degree = loadLe32(p + 28);
    const std::uint32_t maxLabels = loadLe32(p + 36);
    const auto sectionAt = [&](std::size_t i) {
        return SectionRef{loadLe64(p + 80 + 24 * i), loadLe64(p + 80 + 24 * i + 8), 0};
    };
    const SectionRef nodes = sectionAt(0);
    if (dim > 0 && dim <= kMaxDimension && degree > 0 && degree <= kMaxDegree &&
        maxLabels <= kMaxLabelsPerNode && nodes.offset <= b.size()) {
        const NodeLayout layout = NodeLayout::compute(dim, degree, maxLabels);
        for (std::uint32_t slot = 0; slot < count; ++slot) {
            const std::uint64_t at =
                nodes.offset + layout.sectorOffset(slot) + layout.offsetInSector(slot);
            if (at > b.size() || b.size() - at < layout.nodeBytes)
                break;
            std::uint8_t seed[4];
            storeLe32(seed, slot);
            storeLe32(p + at + layout.nodeBytes - 4,
                      crc32c(p + at, layout.nodeBytes - 4, crc32c(seed, sizeof seed)));
        }
    }
    for (std::size_t i = 0; i < kSectionCount; ++i) {
        const SectionRef s = sectionAt(i);
        if (s.offset <= b.size() && s.bytes <= b.size() - s.offset)
            storeLe32(p + 80 + 24 * i + 16, crc32c(p + s.offset, s.bytes));
    }
    storeLe32(p + kHeaderBytes - 4, crc32c(p, kHeaderBytes - 4));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string& path = scratchFile();
    static const bool fix = std::getenv("QUIVER_FUZZ_FIX_CHECKSUMS") != nullptr;
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        if (fix) {
            std::vector<std::uint8_t> bytes(data, data + size);
            fixChecksums(bytes);
            out.write(reinterpret_cast<const char*>(bytes.data()),
                      static_cast<std::streamsize>(bytes.size()));
        } else {
            out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
        }
    }
    try {
        DiskIndexOpenOptions options;
        options.cacheNodes = 8;
        const auto index = DiskIndex::open(path, options);
        const IndexInfo info = index->info();
        std::vector<float> query(info.dimension);
        for (std::size_t i = 0; i < query.size(); ++i)
            query[i] = static_cast<float>(i % 7) - 3.0f;
        index->search(query.data(), 5, 16, 2);
        SearchFilter filter;
        for (std::uint32_t label : {0u, 1u, 10u}) {
            filter.label = label;
            index->search(query.data(), 3, 8, 4, filter);
        }
        index->exactSearch(query.data(), 3);
        index->verify();
    } catch (const DiskIndexError&) {
        // Refusing a damaged file is the expected outcome.
    }
    return 0;
}
