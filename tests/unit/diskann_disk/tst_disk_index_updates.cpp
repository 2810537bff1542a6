#include "core/diskann/checksum.h"
#include "core/diskann/disk_index.h"
#include "core/diskann/disk_index_error.h"
#include "core/diskann/disk_index_merger.h"
#include "core/diskann/disk_index_updater.h"
#include "core/diskann/disk_index_writer.h"
#include "core/diskann/file_format.h"
#include "core/diskann/vamana_index.h"
#include "core/diskann/write_ahead_log.h"
#include "test_graph.h"
#include "tests/unit/diskann/brute_force_reference.h"

#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>
#include <unordered_set>

using namespace quiver::diskann;

// In-place inserts and deletes on the index file (DiskIndexUpdater), graded against an
// independent brute force, across reopenings and simulated crashes.
class TestDiskIndexUpdates : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void insertThenSearchFindsIt();
    void churnKeepsRecallAndNeverReturnsDeleted();
    void slotsAreReused();
    void filteredSearchSeesInsertedLabels();
    void olderFormatIsRefused();
    void crashAtEveryStep_data();
    void crashAtEveryStep();
    void tornLogIsIgnored();
    void concurrentSearchesDuringUpdates();

private:
    std::string path(const QString& name) const { return dir_.filePath(name).toStdString(); }
    // A copy of a base file over the first kBase points, with room for `capacity` slots.
    std::string baseCopy(const QString& name, std::uint32_t capacity, bool labels = false);
    QTemporaryDir dir_;
};

namespace {

constexpr std::uint32_t kDim = 32;
constexpr std::uint32_t kBase = 1500;
constexpr std::uint32_t kExtra = 1500; // points available for inserts
constexpr std::uint32_t kQueries = 40;
constexpr std::uint32_t kK = 10;
constexpr std::uint32_t kR = 24;

struct Points {
    std::vector<float> vectors;
    std::vector<float> queries;
    std::vector<std::vector<std::uint32_t>> labels;
    std::uint64_t id(std::uint32_t row) const { return 5000 + std::uint64_t{row}; }
    const float* vector(std::uint32_t row) const {
        return vectors.data() + std::size_t{row} * kDim;
    }
};

const Points& points() {
    static const Points made = [] {
        Points p;
        auto all = test::clusteredData(kBase + kExtra + kQueries, kDim, 12, 31);
        p.queries.assign(all.end() - std::ptrdiff_t{kQueries} * kDim, all.end());
        all.resize(std::size_t{kBase + kExtra} * kDim);
        p.vectors = std::move(all);
        p.labels.resize(kBase + kExtra);
        for (std::uint32_t i = 0; i < kBase + kExtra; ++i) {
            if (i % 3 == 0)
                p.labels[i].push_back(1);
            // Records hold as many labels as the base's most: two.
            if (i % 50 == 7)
                p.labels[i].push_back(2);
            if (i >= kBase && i % 4 == 0)
                p.labels[i].push_back(9); // a label only inserted points carry
        }
        return p;
    }();
    return made;
}

void buildFile(const std::string& file, std::uint32_t capacity, bool withLabels) {
    const Points& p = points();
    std::vector<float> v(p.vectors.begin(), p.vectors.begin() + std::ptrdiff_t{kBase} * kDim);
    std::vector<std::uint64_t> ids;
    std::vector<std::vector<std::uint32_t>> labels;
    for (std::uint32_t r = 0; r < kBase; ++r) {
        ids.push_back(p.id(r));
        labels.push_back(withLabels ? p.labels[r] : std::vector<std::uint32_t>{});
    }
    BuildParams params;
    params.maxDegree = kR;
    params.buildListSize = 64;
    params.threads = 2;
    VamanaIndex vamana(Metric::L2, kDim, params);
    QVERIFY(vamana.build(v, ids, labels) == BuildStatus::Completed);
    DiskIndexBuildOptions o;
    o.pqBytes = 16;
    o.rotate = false;
    o.threads = 2;
    o.capacity = capacity;
    writeDiskIndex(file, vamana.graphView(), o);
}

DiskIndexUpdateOptions updateOptions() {
    DiskIndexUpdateOptions o;
    o.L = 64;
    return o;
}

bool found(const DiskIndex& index, std::uint64_t id, const float* v) {
    const auto hits = index.search(v, kK, 50, 4);
    return std::any_of(hits.begin(), hits.end(), [&](const SearchResult& h) { return h.id == id; });
}

std::vector<std::uint32_t> labelsOf(std::uint32_t row) {
    return points().labels[row];
}

} // namespace

void TestDiskIndexUpdates::initTestCase() {
    QVERIFY(dir_.isValid());
}

std::string TestDiskIndexUpdates::baseCopy(const QString& name, std::uint32_t capacity,
                                           bool labels) {
    const std::string base =
        path(QStringLiteral("base_%1_%2.qdx").arg(capacity).arg(labels ? 1 : 0));
    if (!std::filesystem::exists(base))
        buildFile(base, capacity, labels);
    const std::string copy = path(name);
    std::filesystem::copy_file(base, copy, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::remove(WriteAheadLog::pathFor(copy));
    return copy;
}

void TestDiskIndexUpdates::insertThenSearchFindsIt() {
    const Points& p = points();
    const std::string file = baseCopy(QStringLiteral("insert.qdx"), kBase + 400);
    {
        auto u = DiskIndexUpdater::open(file, updateOptions());
        QCOMPARE(u->freeSlots(), 400u);
        for (std::uint32_t r = kBase; r < kBase + 200; ++r) {
            u->insert(p.id(r), p.vector(r));
            QVERIFY2(found(u->index(), p.id(r), p.vector(r)), qPrintable(QString::number(r)));
            // Bounded writes: the new node's span, its neighbours' (at most R), the header, a
            // PQ codes sector and two point-terms sectors.
            QVERIFY(u->lastIo().sectorsWritten >= 2);
            QVERIFY(u->lastIo().sectorsWritten <= 1 + kR + 4);
            QVERIFY(u->lastIo().logBytes > u->lastIo().sectorsWritten * kSectorBytes);
        }
        QCOMPARE(u->liveCount(), kBase + 200);
        QCOMPARE(u->freeSlots(), 200u);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, u->insert(p.id(kBase), p.vector(kBase)));
        QVERIFY(u->index().verify().ok());
    }
    // Persisted: a plain reader sees them.
    const auto index = DiskIndex::open(file);
    QCOMPARE(index->info().count, kBase + 200);
    QCOMPARE(index->info().capacity, kBase + 400);
    QVERIFY(index->verify().ok());
    std::uint32_t missing = 0;
    for (std::uint32_t r = kBase; r < kBase + 200; ++r)
        missing += !found(*index, p.id(r), p.vector(r));
    QCOMPARE(missing, 0u);
}

void TestDiskIndexUpdates::churnKeepsRecallAndNeverReturnsDeleted() {
    const Points& p = points();
    const std::string file = baseCopy(QStringLiteral("churn.qdx"), kBase + 300);
    test::BruteForceReference truth(Metric::L2, kDim);
    for (std::uint32_t r = 0; r < kBase; ++r)
        truth.add(p.id(r), {p.vector(r), kDim});
    std::unordered_set<std::uint64_t> deleted;
    std::uint32_t next = kBase;
    {
        auto u = DiskIndexUpdater::open(file, updateOptions());
        // Five rounds of 15% deletes and 15% inserts: more churn than the spare capacity, so
        // deleted slots are reused.
        for (std::uint32_t round = 0; round < 5; ++round) {
            std::uint32_t removed = 0;
            for (std::uint32_t r = round; r < next && removed < kBase * 15 / 100; r += 5) {
                if (deleted.count(p.id(r)))
                    continue;
                QVERIFY(u->remove(p.id(r)));
                deleted.insert(p.id(r));
                truth.remove(p.id(r));
                ++removed;
            }
            for (std::uint32_t i = 0; i < kBase * 15 / 100; ++i, ++next) {
                u->insert(p.id(next), p.vector(next));
                truth.add(p.id(next), {p.vector(next), kDim});
            }
        }
        QVERIFY(!u->remove(p.id(0))); // deleted in the first round
    }
    const auto index = DiskIndex::open(file);
    QVERIFY(index->verify().ok());
    QCOMPARE(index->info().capacity, kBase + 300); // reused slots, no growth
    double recall = 0;
    for (std::uint32_t q = 0; q < kQueries; ++q) {
        const float* query = p.queries.data() + std::size_t{q} * kDim;
        const auto hits = index->search(query, kK, 60, 4);
        for (const SearchResult& h : hits)
            QVERIFY2(!deleted.count(h.id), "a deleted id was returned");
        recall += truth.recall(hits, {query, kDim}, kK);
    }
    recall /= kQueries;
    qInfo("recall@%u after churn: %.3f", kK, recall);
    QVERIFY2(recall >= 0.9, qPrintable(QString::number(recall)));
    // Every deleted point's own vector: never itself returned.
    for (const std::uint64_t id : deleted)
        QVERIFY(!found(*index, id, p.vector(static_cast<std::uint32_t>(id - 5000))));
}

void TestDiskIndexUpdates::slotsAreReused() {
    const Points& p = points();
    const std::string file = baseCopy(QStringLiteral("full.qdx"), 0); // no spare capacity
    auto u = DiskIndexUpdater::open(file, updateOptions());
    QCOMPARE(u->freeSlots(), 0u);
    try {
        u->insert(p.id(kBase), p.vector(kBase));
        QFAIL("inserted into a full index");
    } catch (const DiskIndexError& e) {
        QVERIFY(QString::fromUtf8(e.what()).startsWith(QStringLiteral("index full")));
    }
    // A failed precondition is not a failed update: the updater goes on.
    std::uint32_t r = 1;
    while (u->index().info().medoid == r)
        ++r;
    QVERIFY(u->remove(p.id(r)));
    QCOMPARE(u->freeSlots(), 1u);
    u->insert(p.id(kBase), p.vector(kBase));
    QCOMPARE(u->freeSlots(), 0u);
    QCOMPARE(u->index().info().count, kBase);
    QVERIFY(found(u->index(), p.id(kBase), p.vector(kBase)));
    QVERIFY(!found(u->index(), p.id(r), p.vector(r)));
    QVERIFY(u->index().verify().ok());
}

void TestDiskIndexUpdates::filteredSearchSeesInsertedLabels() {
    const Points& p = points();
    const std::string file = baseCopy(QStringLiteral("labels.qdx"), kBase + 200, true);
    test::BruteForceReference truth(Metric::L2, kDim);
    for (std::uint32_t r = 0; r < kBase; ++r)
        truth.add(p.id(r), {p.vector(r), kDim}, labelsOf(r));
    {
        auto u = DiskIndexUpdater::open(file, updateOptions());
        for (std::uint32_t r = kBase; r < kBase + 200; ++r) {
            u->insert(p.id(r), p.vector(r), labelsOf(r));
            truth.add(p.id(r), {p.vector(r), kDim}, labelsOf(r));
        }
        for (std::uint32_t r = 0; r < 300; r += 3) { // label 1 carriers
            QVERIFY(u->remove(p.id(r)));
            truth.remove(p.id(r));
        }
        // Unlabelled points in their slots: the lists still name the slots, the records do not
        // carry the label any more.
        // (Deleted entry points are kept for searches to start from, not reused.)
        QVERIFY(u->freeSlots() >= 90u && u->freeSlots() <= 100u);
        for (std::uint32_t r = kBase + 201; r < kBase + 251; r += 2) {
            u->insert(p.id(r), p.vector(r));
            truth.add(p.id(r), {p.vector(r), kDim});
        }
        QCOMPARE(u->index().info().count, kBase + 200);
    }
    const auto check = [&](const DiskIndex& index) {
        QVERIFY(index.verify().ok());
        for (const std::uint32_t label : {1u, 9u}) {
            SearchFilter f;
            f.label = label;
            double recall = 0;
            for (std::uint32_t q = 0; q < kQueries; ++q) {
                const float* query = p.queries.data() + std::size_t{q} * kDim;
                const auto hits = index.search(query, kK, 60, 4, f);
                QCOMPARE(hits.size(), std::size_t{kK});
                recall += truth.recall(hits, {query, kDim}, kK, label);
            }
            recall /= kQueries;
            QVERIFY2(recall >= 0.9,
                     qPrintable(QStringLiteral("label %1: %2").arg(label).arg(recall)));
        }
    };
    check(*DiskIndex::open(file));
    // The streaming merge compacts the file: the overlay folds into the lists, deleted nodes go.
    const std::string merged = path(QStringLiteral("labels_merged.qdx"));
    MergeDelta none;
    none.metric = Metric::L2;
    none.dimension = kDim;
    const MergeReport report = mergeDiskIndex(file, merged, none, {});
    QCOMPARE(report.count, kBase + 200 - 100 + 25);
    check(*DiskIndex::open(merged));
}

void TestDiskIndexUpdates::olderFormatIsRefused() {
    const std::string file = baseCopy(QStringLiteral("v3.qdx"), 0);
    std::vector<std::uint8_t> header(kSectorBytes);
    {
        std::ifstream in(file, std::ios::binary);
        in.read(reinterpret_cast<char*>(header.data()), kSectorBytes);
    }
    storeLe32(header.data() + 8, 3);
    storeLe32(header.data() + kHeaderBytes - 4, crc32c(header.data(), kHeaderBytes - 4));
    {
        std::fstream out(file, std::ios::binary | std::ios::in | std::ios::out);
        out.write(reinterpret_cast<const char*>(header.data()), kSectorBytes);
    }
    for (int which = 0; which < 2; ++which) {
        try {
            if (which == 0)
                DiskIndex::open(file);
            else
                DiskIndexUpdater::open(file);
            QFAIL("a version 3 file was opened");
        } catch (const DiskIndexError& e) {
            QCOMPARE(QString::fromUtf8(e.what()), QStringLiteral("unsupported format version 3"));
        }
    }
}

void TestDiskIndexUpdates::crashAtEveryStep_data() {
    QTest::addColumn<bool>("insert");
    QTest::newRow("insert") << true;
    QTest::newRow("delete") << false;
}

void TestDiskIndexUpdates::crashAtEveryStep() {
    QFETCH(bool, insert);
    const Points& p = points();
    struct Crash {};
    // Update under test: an insert with labels (node, neighbours, codes, terms, overlay and
    // header sectors) or a delete (node and in-neighbours). Two acknowledged updates first.
    const std::uint32_t acknowledgedRow = kBase + 1;
    const std::uint32_t deletedRow = 10;
    const std::uint32_t targetRow = insert ? kBase + 4 : 20; // carries label 9 when inserted
    bool completed = false;
    std::uint32_t present = 0;
    std::uint32_t absent = 0;
    std::uint32_t k = 0;
    for (; !completed; ++k) {
        QVERIFY2(k < 1000, "an update never completed");
        const std::string file = baseCopy(QStringLiteral("crash.qdx"), kBase + 50, true);
        std::optional<std::uint32_t> crashAt;
        DiskIndexUpdateOptions o = updateOptions();
        o.beforeWriteStep = [&crashAt](std::uint32_t step) {
            if (crashAt && step == *crashAt)
                throw Crash{};
        };
        {
            auto u = DiskIndexUpdater::open(file, o);
            u->insert(p.id(acknowledgedRow), p.vector(acknowledgedRow), labelsOf(acknowledgedRow));
            QVERIFY(u->remove(p.id(deletedRow)));
            crashAt = k;
            try {
                if (insert)
                    u->insert(p.id(targetRow), p.vector(targetRow), labelsOf(targetRow));
                else
                    QVERIFY(u->remove(p.id(targetRow)));
                completed = true;
            } catch (const Crash&) {
                // The updater refuses to go on after a failed update.
                QVERIFY_THROWS_EXCEPTION(DiskIndexError, u->remove(p.id(30)));
            }
        }
        auto u = DiskIndexUpdater::open(file, updateOptions());
        const DiskIndex& index = u->index();
        const VerifyReport report = index.verify();
        QVERIFY2(report.ok(),
                 qPrintable(QStringLiteral("step %1: %2")
                                .arg(k)
                                .arg(QString::fromStdString(
                                    report.problems.empty() ? "" : report.problems[0]))));
        QVERIFY(u->contains(p.id(acknowledgedRow)));
        QVERIFY(found(index, p.id(acknowledgedRow), p.vector(acknowledgedRow)));
        QVERIFY(!u->contains(p.id(deletedRow)));
        QVERIFY(!found(index, p.id(deletedRow), p.vector(deletedRow)));
        // The interrupted update: wholly there or wholly absent.
        const bool there = insert ? u->contains(p.id(targetRow)) : !u->contains(p.id(targetRow));
        if (completed)
            QVERIFY(there);
        const bool searchable = found(index, p.id(targetRow), p.vector(targetRow));
        QCOMPARE(searchable, insert == there);
        (there ? present : absent) += 1;
        if (insert) {
            SearchFilter f;
            f.label = 9;
            const auto hits = index.search(p.vector(targetRow), 1, 20, 4, f);
            QCOMPARE(!hits.empty() && hits[0].id == p.id(targetRow), there);
        }
        // And the index takes further updates.
        u->insert(p.id(kBase + 2), p.vector(kBase + 2));
        QVERIFY(found(index, p.id(kBase + 2), p.vector(kBase + 2)));
        QVERIFY(index.verify().ok());
    }
    // Steps: the log's two halves and its sync, then a page per written span or sector, the
    // index sync and the log's emptying. A crash before the record is whole loses the update;
    // from then on it is redone (before the sync the record is whole in the page cache here;
    // after a power loss it might be torn instead, which drops it: either is consistent).
    qInfo("%u write steps", k - 1);
    QCOMPARE(absent, 2u);
    QVERIFY(present >= 4);
    QVERIFY(k - 1 >= 6);
}

void TestDiskIndexUpdates::tornLogIsIgnored() {
    const Points& p = points();
    const std::string file = baseCopy(QStringLiteral("torn.qdx"), kBase + 10);
    const auto before = std::filesystem::file_size(file);
    for (const std::size_t bytes : {std::size_t{3}, std::size_t{40}, std::size_t{9000}}) {
        {
            std::ofstream log(WriteAheadLog::pathFor(file), std::ios::binary | std::ios::trunc);
            std::vector<char> junk(bytes);
            for (std::size_t i = 0; i < bytes; ++i)
                junk[i] = static_cast<char>(i * 131 + 7);
            // A valid-looking magic, then garbage.
            if (bytes >= 4)
                std::memcpy(junk.data(), "QWAL", 4);
            log.write(junk.data(), static_cast<std::streamsize>(bytes));
        }
        auto u = DiskIndexUpdater::open(file, updateOptions());
        QVERIFY(u->index().verify().ok());
        QCOMPARE(std::filesystem::file_size(WriteAheadLog::pathFor(file)), std::uintmax_t{0});
        QCOMPARE(std::filesystem::file_size(file), before);
        QCOMPARE(u->liveCount(), kBase);
    }
    (void)p;
}

void TestDiskIndexUpdates::concurrentSearchesDuringUpdates() {
    const Points& p = points();
    const std::string file = baseCopy(QStringLiteral("concurrent.qdx"), kBase + 200);
    auto u = DiskIndexUpdater::open(file, updateOptions());
    constexpr std::uint32_t kDeletes = 120;
    std::atomic<std::uint32_t> deletedUpTo{0}; // rows [0, n) deleted and acknowledged
    std::atomic<bool> done{false};
    std::atomic<std::uint32_t> violations{0};
    std::atomic<std::uint32_t> searches{0};
    const auto searcher = [&](std::uint32_t seed) {
        std::uint32_t q = seed;
        while (!done.load(std::memory_order_acquire) || searches.load() < 20) {
            const std::uint32_t n = deletedUpTo.load(std::memory_order_acquire);
            const float* query = p.queries.data() + std::size_t{q++ % kQueries} * kDim;
            const auto hits = u->index().search(query, kK, 40, 4);
            if (hits.size() != kK)
                violations.fetch_add(1);
            for (const SearchResult& h : hits)
                if (h.id < 5000 + n)
                    violations.fetch_add(1);
            searches.fetch_add(1);
        }
    };
    std::thread a(searcher, 0), b(searcher, 7);
    for (std::uint32_t r = 0; r < kDeletes; ++r) {
        u->remove(p.id(r));
        deletedUpTo.store(r + 1, std::memory_order_release);
        u->insert(p.id(kBase + r), p.vector(kBase + r));
    }
    done.store(true, std::memory_order_release);
    a.join();
    b.join();
    QCOMPARE(violations.load(), 0u);
    QVERIFY(searches.load() >= 20);
    QVERIFY(u->index().verify().ok());
}

QTEST_GUILESS_MAIN(TestDiskIndexUpdates)
#include "tst_disk_index_updates.moc"
