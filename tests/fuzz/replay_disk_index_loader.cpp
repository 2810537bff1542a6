// Deterministic driver for the loader's fuzz entry point, run by ctest in every build (and under
// ASan/UBSan in CI): a small valid index is damaged in thousands of seeded ways — truncations,
// bit flips, overwritten bytes, header fields set to extreme values, sections rewritten with
// their checksums fixed up so the parsers behind the checksums are exercised too.
//
// Usage: replay_disk_index_loader [--write-seed DIR]   (DIR receives the valid file, as a
// corpus for the libFuzzer build).
#include "core/diskann/checksum.h"
#include "core/diskann/disk_index_writer.h"
#include "core/diskann/file_format.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using namespace quiver::diskann;
using Bytes = std::vector<std::uint8_t>;

Bytes makeSeedIndex(const std::string& path) {
    constexpr std::uint32_t kDim = 8;
    constexpr std::uint32_t kCount = 300;
    constexpr std::uint32_t kDegree = 8;
    std::mt19937 rng(5);
    std::normal_distribution<float> gauss;
    std::vector<float> vectors(kCount * kDim);
    for (float& v : vectors)
        v = gauss(rng);
    std::vector<std::vector<std::uint32_t>> adjacency(kCount), labels(kCount);
    for (std::uint32_t i = 0; i < kCount; ++i) {
        for (std::uint32_t j = 1; j <= kDegree - (i % 3); ++j)
            adjacency[i].push_back((i + j * j * 13) % kCount);
        if (i % 4 == 0)
            labels[i].push_back(0);
        if (i % 7 == 0)
            labels[i].push_back(10);
    }
    GraphView g;
    g.dimension = kDim;
    g.count = kCount;
    g.maxDegree = kDegree;
    g.medoid = 17;
    g.vector = [&](std::uint32_t s) { return vectors.data() + std::size_t{s} * kDim; };
    g.neighbors = [&](std::uint32_t s) { return std::span<const std::uint32_t>(adjacency[s]); };
    g.labels = [&](std::uint32_t s) { return std::span<const std::uint32_t>(labels[s]); };
    g.externalId = [](std::uint32_t s) { return std::uint64_t{s} * 3 + 1; };
    DiskIndexBuildOptions options;
    options.pqBytes = 4;
    options.cacheNodes = 4;
    writeDiskIndex(path, g, options);
    Bytes bytes(std::filesystem::file_size(path));
    std::ifstream in(path, std::ios::binary);
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return bytes;
}

void fixHeaderCrc(Bytes& b) {
    if (b.size() >= kHeaderBytes)
        storeLe32(b.data() + kHeaderBytes - 4, crc32c(b.data(), kHeaderBytes - 4));
}

// Recomputes a section's checksum in the header (then the header's own).
void fixSectionCrc(Bytes& b, const SectionRef& s, std::size_t index) {
    if (s.offset + s.bytes <= b.size())
        storeLe32(b.data() + 80 + 24 * index + 16, crc32c(b.data() + s.offset, s.bytes));
    fixHeaderCrc(b);
}

struct Runner {
    std::size_t cases = 0;
    void run(const Bytes& b) {
        LLVMFuzzerTestOneInput(b.data(), b.size());
        ++cases;
    }
};

} // namespace

int main(int argc, char** argv) {
    const auto started = std::chrono::steady_clock::now();
    const std::string seedPath =
        (std::filesystem::temp_directory_path() / "quiver-replay-seed.qdx").string();
    const Bytes good = makeSeedIndex(seedPath);
    std::filesystem::remove(seedPath);
    if (argc == 3 && std::strcmp(argv[1], "--write-seed") == 0) {
        std::filesystem::create_directories(argv[2]);
        std::ofstream out(std::filesystem::path(argv[2]) / "seed.qdx", std::ios::binary);
        out.write(reinterpret_cast<const char*>(good.data()),
                  static_cast<std::streamsize>(good.size()));
        return 0;
    }
    const FileHeader header = decodeHeader(good.data(), good.size(), good.size());
    std::mt19937_64 rng(20240611);
    Runner r;
    r.run(good);
    r.run({});

    // Truncations: at and around every section boundary, then at random lengths.
    std::vector<std::uint64_t> cuts = {1, 7, 8, 11, 12, 179, 180, 181, kSectorBytes - 1};
    for (const SectionRef& s : header.sections)
        for (std::uint64_t c : {s.offset - 1, s.offset, s.offset + 1, s.offset + s.bytes - 1,
                                s.offset + s.bytes, s.offset + s.bytes + 1})
            cuts.push_back(c);
    for (int i = 0; i < 300; ++i)
        cuts.push_back(rng() % good.size());
    for (std::uint64_t c : cuts)
        if (c < good.size())
            r.run(Bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(c)));

    // Single bit flips anywhere, and with the header checksum fixed when in the header.
    for (int i = 0; i < 1500; ++i) {
        Bytes b = good;
        const std::size_t at = rng() % b.size();
        b[at] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
        r.run(b);
        if (at < kHeaderBytes - 4) {
            fixHeaderCrc(b);
            r.run(b);
        }
    }

    // Header fields set to extreme values, checksum fixed so validation itself is exercised.
    const std::uint32_t values32[] = {
        0,    1,     2,     3,     7,           255,         256,         4095,       4096,
        4097, 65535, 65536, 65537, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFEu, 0xFFFFFFFFu};
    for (std::size_t off = 8; off < 72; off += 4)
        for (std::uint32_t v : values32) {
            Bytes b = good;
            storeLe32(b.data() + off, v);
            fixHeaderCrc(b);
            r.run(b);
        }
    const std::uint64_t values64[] = {0,
                                      1,
                                      kSectorBytes,
                                      good.size() - 1,
                                      good.size(),
                                      good.size() + 1,
                                      std::uint64_t{1} << 32,
                                      std::uint64_t{1} << 40,
                                      std::uint64_t{1} << 63,
                                      ~std::uint64_t{0},
                                      ~std::uint64_t{0} - kSectorBytes + 1};
    for (std::size_t off = 72; off < kHeaderBytes - 4; off += 8)
        for (std::uint64_t v : values64) {
            Bytes b = good;
            storeLe64(b.data() + off, v);
            fixHeaderCrc(b);
            r.run(b);
        }

    // Random bytes overwritten inside each section, its checksum fixed up: the parsers behind
    // the checksums see garbage.
    for (std::size_t s = 1; s < kSectionCount; ++s) {
        const SectionRef& ref = header.sections[s];
        for (int i = 0; i < 250; ++i) {
            Bytes b = good;
            const int n = 1 + static_cast<int>(rng() % 8);
            for (int j = 0; j < n; ++j) {
                const std::size_t at = ref.offset + rng() % ref.bytes;
                b[at] = (rng() % 3 == 0) ? 0xFF : static_cast<std::uint8_t>(rng());
            }
            fixSectionCrc(b, ref, s);
            r.run(b);
        }
        // Small integers in the section's leading words (counts, offsets, starts).
        for (std::size_t word = 0; word < 16 && word * 4 + 4 <= ref.bytes; ++word)
            for (std::uint32_t v : values32) {
                Bytes b = good;
                storeLe32(b.data() + ref.offset + word * 4, v);
                fixSectionCrc(b, ref, s);
                r.run(b);
            }
    }

    // Node records with fields damaged and the record checksum fixed up: degree, label count,
    // neighbour ids and labels out of range must be caught when the node is read.
    const NodeLayout& layout = header.layout;
    for (int i = 0; i < 600; ++i) {
        Bytes b = good;
        const auto slot =
            static_cast<std::uint32_t>(i % 3 == 0 ? header.medoid : rng() % header.count);
        const std::size_t rec =
            header.sections[0].offset + layout.sectorOffset(slot) + layout.offsetInSector(slot);
        const std::size_t field = 8 + 4 * (rng() % ((layout.nodeBytes - 12) / 4));
        storeLe32(b.data() + rec + field, values32[rng() % std::size(values32)]);
        std::uint8_t seed[4];
        storeLe32(seed, slot);
        storeLe32(b.data() + rec + layout.nodeBytes - 4,
                  crc32c(b.data() + rec, layout.nodeBytes - 4, crc32c(seed, 4)));
        r.run(b);
    }

    // Extra bytes appended; a file of another kind.
    for (std::size_t extra : {1u, 4095u, 4096u}) {
        Bytes b = good;
        b.resize(b.size() + extra, 0xAB);
        r.run(b);
    }
    Bytes text(5000);
    for (auto& c : text)
        c = static_cast<std::uint8_t>('a' + rng() % 26);
    r.run(text);

    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("replayed %zu damaged index files through the loader in %.2f s, no crash\n",
                r.cases, seconds);
    return 0;
}
