#include "core/diskann/disk_index.h"
#include "core/diskann/disk_index_writer.h"
#include "test_graph.h"
#include "tests/unit/diskann/brute_force_reference.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QTest>

#include <unordered_map>
#include <unordered_set>

using namespace quiver::diskann;

// Label filters and deletions together on a file: a search returns k results while k live
// matches exist, however many of the nearest matches were deleted. Every case runs under both
// search strategies: rounds of reads and pipelined reads.
class TestDiskIndexFilters : public QObject {
    Q_OBJECT

public:
    explicit TestDiskIndexFilters(bool pipelined)
        : pipelined_(pipelined) {}

private slots:
    void initTestCase();
    void rareLabelWithNearestCarriersDeleted();
    void rareLabelWithFewerLiveCarriersThanK();
    void commonLabelWithNearestCarriersDeleted();
    void unfilteredSearchWithMostPointsDeleted();
    void labelGroups_data();
    void labelGroups();

private:
    bool pipelined_ = false;
    QTemporaryDir dir_;
    test::TestGraph graph_;
    std::unique_ptr<DiskIndex> index_;
    std::vector<float> queries_;
};

namespace {

constexpr std::uint32_t kDim = 24;
constexpr std::uint32_t kCount = 2000;
constexpr std::uint32_t kQueries = 12;
constexpr std::uint32_t kRare = 7;   // on 60 points
constexpr std::uint32_t kCommon = 8; // on every other point
constexpr std::uint32_t kFifth = 9;  // on every fifth point

struct Reference {
    test::BruteForceReference truth{Metric::L2, kDim};
    std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> labelsOf;
};

// The live points of the graph in an independent brute force.
Reference referenceWithout(const test::TestGraph& g,
                           const std::unordered_set<std::uint64_t>& gone) {
    Reference r;
    for (std::uint32_t i = 0; i < g.count; ++i) {
        r.labelsOf[g.ids[i]] = g.labels[i];
        if (!gone.count(g.ids[i]))
            r.truth.add(g.ids[i], std::span<const float>(g.vector(i), kDim), g.labels[i]);
    }
    return r;
}

bool carries(const Reference& r, std::uint64_t id, std::uint32_t label) {
    const auto& l = r.labelsOf.at(id);
    return std::find(l.begin(), l.end(), label) != l.end();
}

} // namespace

void TestDiskIndexFilters::initTestCase() {
    QVERIFY(dir_.isValid());
    auto all = test::clusteredData(kCount + kQueries, kDim, 12, 33);
    queries_.assign(all.end() - std::ptrdiff_t{kQueries} * kDim, all.end());
    all.resize(std::size_t{kCount} * kDim);
    graph_ = test::buildTestGraph(std::move(all), kDim, Metric::L2, 20);
    graph_.labels.resize(kCount);
    for (std::uint32_t i = 0; i < kCount; ++i) {
        if (i % 33 == 4 && i / 33 < 60)
            graph_.labels[i].push_back(kRare);
        if (i % 2 == 1)
            graph_.labels[i].push_back(kCommon);
        if (i % 5 == 2)
            graph_.labels[i].push_back(kFifth);
    }
    const std::string file = dir_.filePath(QStringLiteral("filters.qdx")).toStdString();
    DiskIndexBuildOptions o;
    o.pqBytes = 6;
    writeDiskIndex(file, graph_.view(), o);
    index_ = DiskIndex::open(file, {.cacheNodes = 0, .pipelinedReads = pipelined_});
    qInfo("search strategy: %s", pipelined_ ? "pipelined reads" : "rounds of reads");
}

void TestDiskIndexFilters::rareLabelWithNearestCarriersDeleted() {
    // Per query: the 40 carriers nearest to it deleted, 20 left. With L = k the best L carriers
    // by PQ are nearly all deleted, so the scan must read on.
    double recall = 0;
    for (std::uint32_t q = 0; q < kQueries; ++q) {
        const float* query = queries_.data() + std::size_t{q} * kDim;
        const auto all = referenceWithout(graph_, {});
        std::unordered_set<std::uint64_t> deleted;
        for (const auto& [d, id] : all.truth.nearest({query, kDim}, 40, kRare))
            deleted.insert(id);
        QCOMPARE(deleted.size(), std::size_t{40});
        const auto live = referenceWithout(graph_, deleted);
        SearchFilter f;
        f.label = kRare;
        f.deleted = &deleted;
        const auto hits = index_->search(query, 10, 10, 4, f);
        QCOMPARE(hits.size(), std::size_t{10});
        for (const auto& h : hits) {
            QVERIFY2(!deleted.count(h.id), "a deleted id was returned");
            QVERIFY2(carries(live, h.id, kRare), "a hit without the label");
        }
        recall += live.truth.recall(hits, {query, kDim}, 10, kRare);
    }
    recall /= kQueries;
    qInfo("rare label, nearest carriers deleted: recall@10 %.3f", recall);
    QVERIFY2(recall >= 0.9, qPrintable(QString::number(recall)));
}

void TestDiskIndexFilters::rareLabelWithFewerLiveCarriersThanK() {
    // All but 6 carriers deleted: exactly those 6 come back.
    const float* query = queries_.data();
    const auto all = referenceWithout(graph_, {});
    const auto carriers = all.truth.nearest({query, kDim}, 1000, kRare);
    QCOMPARE(carriers.size(), std::size_t{60});
    std::unordered_set<std::uint64_t> deleted;
    std::unordered_set<std::uint64_t> kept;
    for (std::size_t i = 0; i < carriers.size(); ++i)
        (i % 10 == 3 ? kept : deleted).insert(carriers[i].second);
    QCOMPARE(kept.size(), std::size_t{6});
    SearchFilter f;
    f.label = kRare;
    f.deleted = &deleted;
    for (const std::uint32_t L : {10u, 30u, 200u}) {
        const auto hits = index_->search(query, 10, L, 4, f);
        QCOMPARE(hits.size(), std::size_t{6});
        std::unordered_set<std::uint64_t> got;
        for (const auto& h : hits)
            got.insert(h.id);
        QVERIFY(got == kept);
    }
}

void TestDiskIndexFilters::commonLabelWithNearestCarriersDeleted() {
    // The graph walk for a common label meets only deleted carriers near the query; the answer
    // still holds k live ones.
    for (std::uint32_t q = 0; q < 4; ++q) {
        const float* query = queries_.data() + std::size_t{q} * kDim;
        const auto all = referenceWithout(graph_, {});
        std::unordered_set<std::uint64_t> deleted;
        for (const auto& [d, id] : all.truth.nearest({query, kDim}, 600, kCommon))
            deleted.insert(id);
        const auto live = referenceWithout(graph_, deleted);
        SearchFilter f;
        f.label = kCommon;
        f.deleted = &deleted;
        const auto hits = index_->search(query, 10, 10, 4, f);
        QCOMPARE(hits.size(), std::size_t{10});
        for (const auto& h : hits) {
            QVERIFY2(!deleted.count(h.id), "a deleted id was returned");
            QVERIFY2(carries(live, h.id, kCommon), "a hit without the label");
        }
    }
}

void TestDiskIndexFilters::unfilteredSearchWithMostPointsDeleted() {
    // 90% of the points deleted, the nearest ones to every query among them.
    std::unordered_set<std::uint64_t> deleted;
    for (std::uint32_t i = 0; i < kCount; ++i)
        if (i % 10 != 0)
            deleted.insert(graph_.ids[i]);
    const auto all = referenceWithout(graph_, {});
    for (std::uint32_t q = 0; q < kQueries; ++q)
        for (const auto& [d, id] : all.truth.nearest({queries_.data() + q * kDim, kDim}, 30))
            deleted.insert(id);
    const auto live = referenceWithout(graph_, deleted);
    QVERIFY(live.truth.size() >= 150);
    SearchFilter f;
    f.deleted = &deleted;
    double recall = 0;
    for (std::uint32_t q = 0; q < kQueries; ++q) {
        const float* query = queries_.data() + std::size_t{q} * kDim;
        const auto hits = index_->search(query, 10, 10, 4, f);
        QCOMPARE(hits.size(), std::size_t{10});
        for (const auto& h : hits)
            QVERIFY2(!deleted.count(h.id), "a deleted id was returned");
        recall += live.truth.recall(hits, {query, kDim}, 10);
    }
    recall /= kQueries;
    qInfo("90%% deleted: recall@10 %.3f", recall);
    QVERIFY2(recall >= 0.8, qPrintable(QString::number(recall)));
}

void TestDiskIndexFilters::labelGroups_data() {
    QTest::addColumn<std::vector<std::vector<std::uint32_t>>>("groups");
    QTest::addColumn<double>("floor");
    QTest::newRow("common or fifth (60%, widened walk)")
        << std::vector<std::vector<std::uint32_t>>{{kCommon, kFifth}} << 0.9;
    QTest::newRow("rare or fifth (23%, widened walk)")
        << std::vector<std::vector<std::uint32_t>>{{kRare, kFifth}} << 0.9;
    QTest::newRow("common and fifth (10%, scanned)")
        << std::vector<std::vector<std::uint32_t>>{{kCommon}, {kFifth}} << 0.9;
    QTest::newRow("common and (rare or fifth) (11%, scanned)")
        << std::vector<std::vector<std::uint32_t>>{{kCommon}, {kRare, kFifth}} << 0.9;
    QTest::newRow("unknown labels add nothing")
        << std::vector<std::vector<std::uint32_t>>{{kCommon, 4242}, {kFifth}} << 0.9;
    QTest::newRow("an empty group passes nothing")
        << std::vector<std::vector<std::uint32_t>>{{kCommon}, {}} << 1.0;
}

// Groups of labels against the independent brute force, with the nearest matches of each query
// deleted: every hit passes, and k come back while k live matches exist.
void TestDiskIndexFilters::labelGroups() {
    QFETCH(std::vector<std::vector<std::uint32_t>>, groups);
    QFETCH(double, floor);
    LabelFilter filter;
    for (const auto& g : groups)
        filter.anyOf(g);
    const test::BruteForceReference::Keep keep = [&groups](const std::vector<std::uint32_t>& l) {
        for (const auto& g : groups)
            if (std::none_of(g.begin(), g.end(), [&l](std::uint32_t x) {
                    return std::find(l.begin(), l.end(), x) != l.end();
                }))
                return false;
        return true;
    };
    const auto all = referenceWithout(graph_, {});
    double recall = 0.0;
    for (std::uint32_t q = 0; q < kQueries; ++q) {
        const float* query = queries_.data() + std::size_t{q} * kDim;
        std::unordered_set<std::uint64_t> deleted;
        for (const auto& [d, id] : all.truth.nearestIf({query, kDim}, 5, keep))
            deleted.insert(id);
        const auto live = referenceWithout(graph_, deleted);
        const std::size_t matching = live.truth.nearestIf({query, kDim}, kCount, keep).size();
        SearchFilter f;
        f.labels = filter;
        f.deleted = &deleted;
        const auto hits = index_->search(query, 10, 40, 4, f);
        QCOMPARE(hits.size(), std::min<std::size_t>(10, matching));
        for (const auto& h : hits) {
            QVERIFY2(!deleted.count(h.id), "a deleted id was returned");
            QVERIFY2(keep(live.labelsOf.at(h.id)), "a hit that does not pass the filter");
        }
        recall += live.truth.recallIf(hits, {query, kDim}, 10, keep);
    }
    recall /= kQueries;
    qInfo("label groups: recall@10 %.3f", recall);
    QVERIFY2(recall >= floor, qPrintable(QString::number(recall)));
}

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    int failed = 0;
    for (const bool pipelined : {false, true}) {
        TestDiskIndexFilters test(pipelined);
        failed += QTest::qExec(&test, argc, argv);
    }
    return failed;
}

#include "tst_disk_index_filters.moc"
