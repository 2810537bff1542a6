#include "core/diskann/atomic_file_writer.h"
#include "core/diskann/checksum.h"
#include "core/diskann/disk_index.h"
#include "core/diskann/disk_index_error.h"
#include "core/diskann/disk_index_writer.h"
#include "core/diskann/file_format.h"
#include "core/diskann/kmeans.h"
#include "core/diskann/rotation.h"
#include "test_graph.h"

#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>

using namespace quiver::diskann;

class TestDiskIndexFormat : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void crc32cKnownValues();
    void soundFileOpens();
    void notAQuiverIndex();
    void unsupportedVersion();
    void truncated();
    void trailingBytes();
    void headerChecksum();
    void sectionChecksums_data();
    void sectionChecksums();
    void nodeChecksum();
    void entryPointsSection();
    void codecSections();
    void absurdHeaderFields_data();
    void absurdHeaderFields();
    void everyCoveredBitFlipIsDetected();
    void atomicReplaceKeepsOldFileOnFailure();
    void writersShareNoTempFileAndFollowNoLink();

private:
    using Bytes = std::vector<std::uint8_t>;
    std::string write(const Bytes& bytes);
    // The message DiskIndex::open gives for these bytes, empty if it opened.
    QString openError(const Bytes& bytes, std::uint32_t cacheNodes = 0);

    QTemporaryDir dir_;
    std::string path_;
    Bytes good_;
    FileHeader header_;
    test::TestGraph graph_;
};

namespace {

// Header field offsets of format version 4.
constexpr std::size_t kVersionAt = 8;
constexpr std::size_t kCountAt = 24;
constexpr std::size_t kSectionsAt = 80;

void fixHeaderCrc(std::vector<std::uint8_t>& b) {
    storeLe32(b.data() + kHeaderBytes - 4, crc32c(b.data(), kHeaderBytes - 4));
}

} // namespace

std::string TestDiskIndexFormat::write(const Bytes& bytes) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    out.close();
    return path_;
}

QString TestDiskIndexFormat::openError(const Bytes& bytes, std::uint32_t cacheNodes) {
    try {
        DiskIndex::open(write(bytes), {.cacheNodes = cacheNodes});
    } catch (const DiskIndexError& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

void TestDiskIndexFormat::initTestCase() {
    QVERIFY(dir_.isValid());
    path_ = dir_.filePath(QStringLiteral("index.qdx")).toStdString();
    auto data = test::clusteredData(600, 16, 6, 3);
    graph_ = test::buildTestGraph(std::move(data), 16, Metric::L2, 12);
    graph_.labels.resize(graph_.count);
    for (std::uint32_t i = 0; i < graph_.count; i += 3)
        graph_.labels[i] = {i % 2, 10};
    DiskIndexBuildOptions o;
    o.pqBytes = 4;
    writeDiskIndex(path_, graph_.view(), o);
    good_ = test::readFileBytes(path_);
    header_ = decodeHeader(good_.data(), good_.size(), good_.size());
    QCOMPARE(header_.count, 600u);
}

void TestDiskIndexFormat::crc32cKnownValues() {
    // The check value of CRC-32C and an iSCSI test vector (RFC 3720, 32 zero bytes).
    QCOMPARE(crc32c("123456789", 9), 0xE3069283u);
    const std::uint8_t zeros[32] = {};
    QCOMPARE(crc32c(zeros, 32), 0x8A9136AAu);
    QCOMPARE(crc32c("6789", 4, crc32c("12345", 5)), 0xE3069283u);
    // The hardware path (where present) agrees with the table-driven one at every length and
    // alignment.
    std::vector<std::uint8_t> bytes(300);
    for (std::size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = static_cast<std::uint8_t>(i * 37 + 11);
    for (std::size_t start = 0; start < 9; ++start)
        for (std::size_t n = 0; start + n <= bytes.size(); n += 7)
            QCOMPARE(crc32c(bytes.data() + start, n, 0x1234u),
                     crc32cPortable(bytes.data() + start, n, 0x1234u));
    QCOMPARE(crc32cPortable("123456789", 9), 0xE3069283u);
}

void TestDiskIndexFormat::soundFileOpens() {
    QCOMPARE(openError(good_, 50), QString());
    const auto index = DiskIndex::open(write(good_));
    QVERIFY(index->verify().ok());
    QCOMPARE(index->info().formatVersion, kFormatVersion);
    // Absurd search parameters are clamped to the index, not used to size anything.
    QCOMPARE(index->search(graph_.vector(3), 1000000, 4000000000u, 1000000).size(),
             std::size_t{600});
    QVERIFY(index->search(graph_.vector(3), 0, 10, 4).empty());
}

void TestDiskIndexFormat::notAQuiverIndex() {
    const QString expected = QStringLiteral("not a Quiver index");
    QCOMPARE(openError({}), expected);
    QCOMPARE(openError({'Q', 'V', 'D'}), expected);
    Bytes text(10000, 'x');
    QCOMPARE(openError(text), expected);
    Bytes b = good_;
    b[0] = 'X';
    QCOMPARE(openError(b), expected);
    try {
        DiskIndex::open(dir_.filePath(QStringLiteral("missing.qdx")).toStdString());
        QFAIL("opened a missing file");
    } catch (const DiskIndexError& e) {
        QVERIFY(QString::fromUtf8(e.what()).startsWith(QStringLiteral("cannot open ")));
    }
}

void TestDiskIndexFormat::unsupportedVersion() {
    Bytes b = good_;
    // Version 1 files (before entry points), version 2 (plain PQ codes, before the rotation
    // and coarse sections) and version 3 (no spare capacity for in-place updates) are refused,
    // not misread: the caller rebuilds them.
    storeLe32(b.data() + kVersionAt, 1);
    QCOMPARE(openError(b), QStringLiteral("unsupported format version 1"));
    storeLe32(b.data() + kVersionAt, 2);
    QCOMPARE(openError(b), QStringLiteral("unsupported format version 2"));
    storeLe32(b.data() + kVersionAt, 3);
    QCOMPARE(openError(b), QStringLiteral("unsupported format version 3"));
    storeLe32(b.data() + kVersionAt, 5);
    QCOMPARE(openError(b), QStringLiteral("unsupported format version 5"));
    storeLe32(b.data() + kVersionAt, 0xFFFFFFFFu);
    QCOMPARE(openError(b), QStringLiteral("unsupported format version 4294967295"));
}

void TestDiskIndexFormat::truncated() {
    const std::uint64_t size = good_.size();
    std::vector<std::uint64_t> cuts = {8, 12, 100, 179, 180, 4095, 4096, 4097, size - 1};
    for (const SectionRef& s : header_.sections) {
        cuts.push_back(s.offset);
        cuts.push_back(s.offset + 1);
        cuts.push_back(s.offset + s.bytes - 1);
    }
    for (std::uint64_t cut : cuts) {
        const Bytes b(good_.begin(), good_.begin() + static_cast<std::ptrdiff_t>(cut));
        const QString e = openError(b);
        QVERIFY2(e.startsWith(QStringLiteral("file truncated: expected ")),
                 qPrintable(QStringLiteral("cut at %1: %2").arg(cut).arg(e)));
    }
    const Bytes b(good_.begin(), good_.begin() + 5000);
    QCOMPARE(openError(b),
             QStringLiteral("file truncated: expected %1 bytes, found 5000").arg(size));
}

void TestDiskIndexFormat::trailingBytes() {
    Bytes b = good_;
    b.resize(b.size() + 4096);
    QCOMPARE(openError(b), QStringLiteral("file size mismatch: expected %1 bytes, found %2")
                               .arg(good_.size())
                               .arg(b.size()));
}

void TestDiskIndexFormat::headerChecksum() {
    Bytes b = good_;
    b[kCountAt] ^= 0x01;
    QCOMPARE(openError(b), QStringLiteral("checksum mismatch in section header"));
    b = good_;
    b[kSectionsAt + 3 * 24 + 16] ^= 0x80; // the labels section's CRC
    QCOMPARE(openError(b), QStringLiteral("checksum mismatch in section header"));
}

void TestDiskIndexFormat::sectionChecksums_data() {
    QTest::addColumn<int>("section");
    QTest::newRow("pq_codebook") << int(Section::PqCodebook);
    QTest::newRow("pq_codes") << int(Section::PqCodes);
    QTest::newRow("labels") << int(Section::Labels);
    QTest::newRow("entry_points") << int(Section::EntryPoints);
    QTest::newRow("rotation") << int(Section::Rotation);
    QTest::newRow("coarse") << int(Section::Coarse);
    QTest::newRow("point_terms") << int(Section::PointTerms);
}

void TestDiskIndexFormat::sectionChecksums() {
    QFETCH(int, section);
    const SectionRef& s = header_.sections[static_cast<std::size_t>(section)];
    for (std::uint64_t at : {s.offset, s.offset + s.bytes / 2, s.offset + s.bytes - 1}) {
        Bytes b = good_;
        b[at] ^= 0x10;
        QCOMPARE(openError(b), QStringLiteral("checksum mismatch in section %1")
                                   .arg(QLatin1String(QTest::currentDataTag())));
    }
}

void TestDiskIndexFormat::nodeChecksum() {
    const NodeLayout& l = header_.layout;
    const std::uint32_t medoid = header_.medoid;
    Bytes b = good_;
    b[kSectorBytes + l.sectorOffset(medoid) + l.offsetInSector(medoid) + 20] ^= 0x04;
    const QString expected =
        QStringLiteral("checksum mismatch in section nodes (node %1)").arg(medoid);
    // Without a cache the node is only read by a search; with one, already when opening.
    QCOMPARE(openError(b, 10), expected);
    QCOMPARE(openError(b, 0), QString());
    const auto index = DiskIndex::open(write(b), {.cacheNodes = 0});
    try {
        index->search(graph_.vector(0), 5, 20, 2);
        QFAIL("a search read a corrupted node without noticing");
    } catch (const DiskIndexError& e) {
        QCOMPARE(QString::fromUtf8(e.what()), expected);
    }
    QVERIFY_THROWS_EXCEPTION(DiskIndexError, index->exactSearch(graph_.vector(0), 5));
    const VerifyReport r = index->verify();
    QVERIFY(!r.ok());
    QVERIFY(std::find(r.problems.begin(), r.problems.end(), expected.toStdString()) !=
            r.problems.end());

    // Padding between records and spare slots carry no checksum: verify requires them zero.
    Bytes padded = good_;
    padded[kSectorBytes + kSectorBytes - 1] ^= 0x01;
    QVERIFY(!DiskIndex::open(write(padded))->verify().ok());
}

void TestDiskIndexFormat::entryPointsSection() {
    // The view's entry points are stored once each, after the medoid.
    GraphView view = graph_.view();
    view.entryPoints = {5, 17, 5, header_.medoid};
    DiskIndexBuildOptions o;
    o.pqBytes = 4;
    writeDiskIndex(path_, view, o);
    const Bytes good = test::readFileBytes(path_);
    const FileHeader h = decodeHeader(good.data(), good.size(), good.size());
    const SectionRef s = h.section(Section::EntryPoints);
    QCOMPARE(s.bytes, std::uint64_t{16});
    QCOMPARE(loadLe32(good.data() + s.offset), 3u);
    QCOMPARE(loadLe32(good.data() + s.offset + 4), header_.medoid);
    QCOMPARE(loadLe32(good.data() + s.offset + 8), 5u);
    QCOMPARE(loadLe32(good.data() + s.offset + 12), 17u);
    QCOMPARE(DiskIndex::open(write(good))->info().entryPoints, 3u);
    QVERIFY(DiskIndex::open(write(good))->verify().ok());

    // Damaged contents under a valid checksum are refused by name.
    const auto withEntry = [&](std::size_t i, std::uint32_t value) {
        Bytes b = good;
        storeLe32(b.data() + s.offset + 4 * i, value);
        storeLe32(b.data() + kSectionsAt + 4 * 24 + 16, crc32c(b.data() + s.offset, s.bytes));
        fixHeaderCrc(b);
        return openError(b);
    };
    const QString prefix = QStringLiteral("invalid section entry_points: ");
    QCOMPARE(withEntry(0, 2), prefix + QStringLiteral("size does not match 2 entries"));
    QCOMPARE(withEntry(0, 0), prefix + QStringLiteral("size does not match 0 entries"));
    QCOMPARE(withEntry(2, 600), prefix + QStringLiteral("entry 600 out of range or repeated"));
    QCOMPARE(withEntry(3, 5), prefix + QStringLiteral("entry 5 out of range or repeated"));
    QCOMPARE(withEntry(1, 4 == header_.medoid ? 3 : 4),
             prefix + QStringLiteral("the medoid is not first"));

    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, [&] {
        view.entryPoints = {600};
        writeDiskIndex(path_, view);
    }());
}

void TestDiskIndexFormat::codecSections() {
    // The rotation, the coarse centroids and the per-point terms come back as written, and
    // damaged contents under a valid checksum are refused by name.
    const SectionRef rot = header_.section(Section::Rotation);
    QCOMPARE(rot.bytes, std::uint64_t{8 + 4 * 16 * 16});
    QCOMPARE(loadLe32(good_.data() + rot.offset), 2u); // dense
    QCOMPARE(header_.coarseCount, 6u);                 // 600 points: one per 100
    QCOMPARE(header_.section(Section::Coarse).bytes, std::uint64_t{4 + 6 * 16 * 4});
    QCOMPARE(header_.section(Section::PointTerms).bytes, std::uint64_t{600 * 2 + 600 * 4});
    const auto index = DiskIndex::open(write(good_));
    QCOMPARE(index->info().rotation, std::string("dense"));
    QCOMPARE(index->info().coarseCentroids, 6u);
    QVERIFY(index->verify().ok());
    // Every point's coarse id is its nearest centroid in the rotated space.
    const SectionRef coarse = header_.section(Section::Coarse);
    const SectionRef terms = header_.section(Section::PointTerms);
    std::vector<float> matrix(16 * 16), centroids(6 * 16), y(16);
    std::memcpy(matrix.data(), good_.data() + rot.offset + 8, matrix.size() * 4);
    std::memcpy(centroids.data(), good_.data() + coarse.offset + 4, centroids.size() * 4);
    const Rotation r = Rotation::dense(16, matrix);
    for (std::uint32_t i = 0; i < 600; i += 25) {
        r.apply(graph_.vector(i), y.data());
        const std::uint32_t id = good_[terms.offset + 2 * i] | good_[terms.offset + 2 * i + 1] << 8;
        QCOMPARE(id, nearestCentroid(y.data(), centroids.data(), 6, 16));
    }

    const auto damaged = [&](Section section, std::uint64_t at, std::uint32_t value) {
        Bytes b = good_;
        const SectionRef s = header_.section(section);
        storeLe32(b.data() + s.offset + at, value);
        storeLe32(b.data() + kSectionsAt + static_cast<std::size_t>(section) * 24 + 16,
                  crc32c(b.data() + s.offset, s.bytes));
        fixHeaderCrc(b);
        return openError(b);
    };
    QCOMPARE(damaged(Section::Rotation, 0, 7),
             QStringLiteral("invalid section rotation: kind 7 of 1032 bytes"));
    QCOMPARE(damaged(Section::Rotation, 8, 0x7FC00000u), // NaN
             QStringLiteral("invalid section rotation: rotation: the matrix has a non-finite "
                            "entry"));
    QCOMPARE(damaged(Section::Coarse, 0, 5),
             QStringLiteral("invalid section coarse: 5 centroids, header says 6"));
    QCOMPARE(damaged(Section::PointTerms, 0, 0x00060006u),
             QStringLiteral("invalid section point_terms: coarse id 6 out of range"));
}

void TestDiskIndexFormat::absurdHeaderFields_data() {
    QTest::addColumn<int>("offset");
    QTest::addColumn<quint64>("value");
    QTest::addColumn<QString>("message");
    QTest::newRow("metric") << 16 << quint64(7)
                            << QStringLiteral("invalid header: unknown metric 7");
    QTest::newRow("dimension 0") << 20 << quint64(0)
                                 << QStringLiteral("invalid header: dimension 0");
    QTest::newRow("dimension huge")
        << 20 << quint64(0xFFFFFFFF) << QStringLiteral("invalid header: dimension");
    QTest::newRow("count 0") << 24 << quint64(0)
                             << QStringLiteral("invalid header: the index holds no points");
    QTest::newRow("count huge") << 24 << quint64(0xFFFFFFFF)
                                << QStringLiteral("invalid header: capacity 600 below count");
    QTest::newRow("capacity below count")
        << 296 << quint64(1) << QStringLiteral("invalid header: capacity 1 below count 600");
    QTest::newRow("degree huge") << 28 << quint64(0x7FFFFFFF)
                                 << QStringLiteral("invalid header: maximum degree");
    QTest::newRow("medoid") << 32 << quint64(600)
                            << QStringLiteral("invalid header: medoid 600 out of range");
    QTest::newRow("labels per node")
        << 36 << quint64(1u << 30) << QStringLiteral("invalid header:");
    QTest::newRow("node bytes") << 40 << quint64(1)
                                << QStringLiteral("invalid header: node layout");
    QTest::newRow("pq subspaces") << 52 << quint64(17)
                                  << QStringLiteral("invalid header: 17 PQ sub-spaces");
    QTest::newRow("pq centroids") << 56 << quint64(65536)
                                  << QStringLiteral("invalid header: 65536 PQ centroids");
    QTest::newRow("file bytes") << 72 << quint64(~0ull)
                                << QStringLiteral("invalid header: file size");
    QTest::newRow("nodes offset") << 80 << quint64(~0ull)
                                  << QStringLiteral("invalid header: section nodes at offset");
    QTest::newRow("codes bytes") << 136 << quint64(1ull << 62)
                                 << QStringLiteral("invalid header: section pq_codes of");
    QTest::newRow("labels bytes") << 160 << quint64(~0ull)
                                  << QStringLiteral("invalid header: section labels of");
    QTest::newRow("entry points bytes")
        << 184 << quint64(1ull << 40) << QStringLiteral("invalid header: section entry_points of");
}

void TestDiskIndexFormat::absurdHeaderFields() {
    QFETCH(int, offset);
    QFETCH(quint64, value);
    QFETCH(QString, message);
    Bytes b = good_;
    if (offset >= 72)
        storeLe64(b.data() + offset, value);
    else
        storeLe32(b.data() + offset, static_cast<std::uint32_t>(value));
    fixHeaderCrc(b); // get past the checksum: the field checks themselves are under test
    const QString e = openError(b);
    QVERIFY2(e.startsWith(message), qPrintable(e));
}

void TestDiskIndexFormat::everyCoveredBitFlipIsDetected() {
    // Bytes under a checksum: the header fields and each section's content.
    std::vector<std::pair<std::uint64_t, std::uint64_t>> covered = {{0, kHeaderBytes}};
    for (const SectionRef& s : header_.sections)
        covered.emplace_back(s.offset, s.offset + s.bytes);
    int cases = 0;
    for (const auto& [begin, end] : covered) {
        const std::uint64_t step = std::max<std::uint64_t>(1, (end - begin) / 97);
        for (std::uint64_t at = begin; at < end; at += step) {
            Bytes b = good_;
            b[at] ^= static_cast<std::uint8_t>(1u << (at % 8));
            bool detected = false;
            try {
                const auto index = DiskIndex::open(write(b), {.cacheNodes = 0});
                detected = !index->verify().ok();
            } catch (const DiskIndexError&) {
                detected = true;
            }
            QVERIFY2(detected,
                     qPrintable(QStringLiteral("flip at byte %1 went unnoticed").arg(at)));
            ++cases;
        }
    }
    QVERIFY(cases > 400);
}

void TestDiskIndexFormat::atomicReplaceKeepsOldFileOnFailure() {
    // A failing write (invalid graph, found before anything is written) or a cancelled one
    // leaves the previous index untouched.
    write(good_);
    DiskIndexBuildOptions o;
    o.progress = [](double f) { return f < 0.9; };
    QVERIFY_THROWS_EXCEPTION(DiskIndexError, writeDiskIndex(path_, graph_.view(), o));
    QVERIFY(test::readFileBytes(path_) == good_);
    QVERIFY(!test::tempFileLeft(path_));
}

void TestDiskIndexFormat::writersShareNoTempFileAndFollowNoLink() {
    QTemporaryDir dir;
    const std::string target = dir.filePath(QStringLiteral("shared.qdx")).toStdString();
    const std::string victim = dir.filePath(QStringLiteral("victim")).toStdString();
    { std::ofstream(victim) << "keep me"; }
    // The name an older writer used: a link planted there is not written through.
    std::filesystem::create_symlink(victim, target + ".tmp");
    // Two writers of one destination at once (two processes building one index): each writes
    // its own temporary file, and both commit complete files.
    AtomicFileWriter first(target);
    AtomicFileWriter second(target);
    const std::string a(1000, 'a'), b(2000, 'b');
    first.append(a.data(), a.size());
    second.append(b.data(), b.size());
    first.commit();
    QCOMPARE(std::filesystem::file_size(target), std::uintmax_t{1000});
    second.commit();
    QCOMPARE(std::filesystem::file_size(target), std::uintmax_t{2000});
    std::ifstream in(victim);
    std::string kept;
    std::getline(in, kept);
    QCOMPARE(kept, std::string("keep me"));
#ifndef _WIN32
    const auto perms = std::filesystem::status(target).permissions();
    QCOMPARE(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
             std::filesystem::perms::none);
#endif
    std::filesystem::remove(target + ".tmp");
    QVERIFY(!test::tempFileLeft(target));
}

QTEST_GUILESS_MAIN(TestDiskIndexFormat)
#include "tst_disk_index_format.moc"
