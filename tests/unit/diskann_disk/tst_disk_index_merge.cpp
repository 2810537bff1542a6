#include "core/diskann/disk_index.h"
#include "core/diskann/disk_index_error.h"
#include "core/diskann/disk_index_merger.h"
#include "core/diskann/disk_index_writer.h"
#include "core/diskann/vamana_index.h"
#include "test_graph.h"
#include "tests/unit/diskann/brute_force_reference.h"

#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <limits>
#include <map>
#include <random>
#include <unordered_map>
#include <unordered_set>

using namespace quiver::diskann;

namespace {
struct Points;
}

// The streaming merge of a deletion set and inserted points into a new index file, graded
// against an independent brute force and against a fresh build of the same final set.
class TestDiskIndexMerge : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void churnMatchesFreshBuild();
    void deletesOnly();
    void insertsOnlyInPlace();
    void cosineInserts();
    void labelsAfterMerge();
    void cancelLeavesBaseUntouched();
    void badInputsThrow();

private:
    std::string path(const QString& name) const { return dir_.filePath(name).toStdString(); }
    // A copy of the base file over the first kBase points, built once per kind of points.
    std::string baseCopy(const Points& p, const QString& name);
    std::map<std::pair<int, bool>, std::string> bases_;
    QTemporaryDir dir_;
};

namespace {

constexpr std::uint32_t kDim = 32;
constexpr std::uint32_t kBase = 2000;
constexpr std::uint32_t kNew = 600; // 30% of the base
constexpr std::uint32_t kQueries = 40;
constexpr std::uint32_t kK = 10;

// Every point the tests use: the base's first, then those inserted later; ids 5000 + row.
struct Points {
    Metric metric = Metric::L2;
    bool withLabels = false;
    std::vector<float> vectors;
    std::vector<std::vector<std::uint32_t>> labels;
    std::vector<float> queries;

    std::uint64_t id(std::uint32_t row) const { return 5000 + std::uint64_t{row}; }
    const float* vector(std::uint32_t row) const {
        return vectors.data() + std::size_t{row} * kDim;
    }
};

Points makePoints(Metric metric, bool withLabels) {
    Points p;
    p.metric = metric;
    p.withLabels = withLabels;
    auto all = test::clusteredData(kBase + kNew + kQueries, kDim, 14, 91, metric == Metric::Cosine);
    p.queries.assign(all.end() - std::ptrdiff_t{kQueries} * kDim, all.end());
    all.resize(std::size_t{kBase + kNew} * kDim);
    p.vectors = std::move(all);
    p.labels.resize(kBase + kNew);
    if (withLabels)
        for (std::uint32_t i = 0; i < kBase + kNew; ++i) {
            if (i % 3 == 0)
                p.labels[i].push_back(1);
            if (i % 40 == 7)
                p.labels[i].push_back(2);
            // Inserted points bring a new label, some of them four labels where the base has
            // at most two: the node layout grows.
            if (i >= kBase && i % 5 == 0)
                p.labels[i].push_back(5);
            if (i >= kBase && i % 50 == 0)
                p.labels[i].insert(p.labels[i].end(), {6, 7});
        }
    return p;
}

// A fresh index over the given rows, built in memory and written to `file`.
void buildFile(const Points& p, const std::vector<std::uint32_t>& rows, const std::string& file) {
    std::vector<float> v;
    std::vector<std::uint64_t> ids;
    std::vector<std::vector<std::uint32_t>> labels;
    for (const std::uint32_t r : rows) {
        v.insert(v.end(), p.vector(r), p.vector(r) + kDim);
        ids.push_back(p.id(r));
        labels.push_back(p.labels[r]);
    }
    BuildParams params;
    params.maxDegree = 24;
    params.buildListSize = 64;
    params.threads = 2;
    VamanaIndex vamana(p.metric, kDim, params);
    QVERIFY(vamana.build(v, ids, labels) == BuildStatus::Completed);
    // Codes of 2 dimensions a byte: fine enough that the comparison with a fresh build
    // measures the graphs, not how well each codec happened to train (the merged file keeps
    // the base's).
    DiskIndexBuildOptions o;
    o.pqBytes = 16;
    o.rotate = false; // training a rotation is the slow part, and beside the point here
    o.threads = 2;
    writeDiskIndex(file, vamana.graphView(), o);
}

MergeDelta deltaOf(const Points& p, const std::vector<std::uint32_t>& rows) {
    MergeDelta d;
    d.metric = p.metric;
    d.dimension = kDim;
    d.count = static_cast<std::uint32_t>(rows.size());
    d.vector = [&p, rows](std::uint32_t i) { return p.vector(rows[i]); };
    d.labels = [&p, rows](std::uint32_t i) {
        return std::span<const std::uint32_t>(p.labels[rows[i]]);
    };
    d.externalId = [&p, rows](std::uint32_t i) { return p.id(rows[i]); };
    return d;
}

DiskIndexMergeOptions withThreads(std::uint32_t threads, std::uint32_t L = 100) {
    DiskIndexMergeOptions o;
    o.threads = threads;
    o.L = L;
    return o;
}

std::vector<std::uint32_t> range(std::uint32_t from, std::uint32_t to) {
    std::vector<std::uint32_t> r;
    for (std::uint32_t i = from; i < to; ++i)
        r.push_back(i);
    return r;
}

test::BruteForceReference referenceOf(const Points& p, const std::vector<std::uint32_t>& rows) {
    test::BruteForceReference truth(p.metric, kDim);
    for (const std::uint32_t r : rows)
        truth.add(p.id(r), std::span<const float>(p.vector(r), kDim), p.labels[r]);
    return truth;
}

double meanRecall(const DiskIndex& index, const Points& p, const test::BruteForceReference& truth,
                  std::uint32_t L, std::optional<std::uint32_t> label = {}) {
    double sum = 0;
    SearchFilter f;
    f.label = label;
    for (std::uint32_t q = 0; q < kQueries; ++q) {
        const float* query = p.queries.data() + std::size_t{q} * kDim;
        sum += truth.recall(index.search(query, kK, L, 4, f), {query, kDim}, kK, label);
    }
    return sum / kQueries;
}

// Every row's point is found by a search for its own vector.
std::uint32_t unreachable(const DiskIndex& index, const Points& p,
                          const std::vector<std::uint32_t>& rows) {
    std::uint32_t missing = 0;
    for (const std::uint32_t r : rows) {
        const auto hits = index.search(p.vector(r), kK, 50, 4);
        if (std::none_of(hits.begin(), hits.end(),
                         [&](const SearchResult& h) { return h.id == p.id(r); }))
            ++missing;
    }
    return missing;
}

} // namespace

std::string TestDiskIndexMerge::baseCopy(const Points& p, const QString& name) {
    const std::pair<int, bool> key{static_cast<int>(p.metric), p.withLabels};
    if (!bases_.count(key)) {
        const std::string file =
            path(QStringLiteral("base_%1_%2.qdx").arg(key.first).arg(key.second));
        buildFile(p, range(0, kBase), file);
        bases_[key] = file;
    }
    const std::string copy = path(name);
    std::filesystem::copy_file(bases_.at(key), copy,
                               std::filesystem::copy_options::overwrite_existing);
    return copy;
}

void TestDiskIndexMerge::initTestCase() {
    QVERIFY(dir_.isValid());
}

void TestDiskIndexMerge::churnMatchesFreshBuild() {
    const Points p = makePoints(Metric::L2, false);
    const std::string base = baseCopy(p, QStringLiteral("churn_base.qdx"));
    // 30% of the base deleted (the medoid among them), 30% new points.
    std::mt19937_64 rng(5);
    std::unordered_set<std::uint64_t> deleted;
    std::vector<std::uint32_t> finalRows;
    const std::uint32_t medoid = DiskIndex::open(base)->info().medoid;
    for (std::uint32_t r = 0; r < kBase; ++r) {
        if (rng() % 10 < 3 || r == medoid)
            deleted.insert(p.id(r));
        else
            finalRows.push_back(r);
    }
    deleted.insert(999999); // not in the base: ignored
    const auto inserted = range(kBase, kBase + kNew);
    finalRows.insert(finalRows.end(), inserted.begin(), inserted.end());

    const std::string merged = path("churn_merged.qdx");
    const MergeReport report =
        mergeDiskIndex(base, merged, deltaOf(p, inserted), deleted, withThreads(2, 64));
    qInfo("merge %.2f s, working set %.0f KiB", report.seconds,
          double(report.workingSetBytes) / 1024);
    QCOMPARE(report.baseCount, kBase);
    QCOMPARE(report.deleted + report.kept, kBase);
    QCOMPARE(report.deleted, static_cast<std::uint32_t>(deleted.size() - 1));
    QCOMPARE(report.inserted, kNew);
    QCOMPARE(report.count, static_cast<std::uint32_t>(finalRows.size()));
    QVERIFY(report.repaired > 0);
    // Far below the base's full vectors plus the new ones.
    QVERIFY(report.workingSetBytes > 0);

    const auto index = DiskIndex::open(merged, {.cacheNodes = 0});
    QCOMPARE(index->info().count, report.count);
    const VerifyReport v = index->verify();
    QVERIFY2(v.ok(), v.problems.empty() ? "" : v.problems.front().c_str());
    QCOMPARE(v.nodesChecked, std::uint64_t{report.count});

    // No deleted id, ever: queries at the deleted points themselves, and the exact scan.
    for (std::uint32_t r = 0; r < kBase; r += 7) {
        if (!deleted.count(p.id(r)))
            continue;
        for (const auto& h : index->search(p.vector(r), kK, 40, 4))
            QVERIFY2(!deleted.count(h.id), "a deleted id was returned");
        for (const auto& h : index->exactSearch(p.vector(r), kK))
            QVERIFY2(!deleted.count(h.id), "a deleted id is still in the file");
    }
    QCOMPARE(unreachable(*index, p, inserted), 0u);

    const std::string fresh = path("churn_fresh.qdx");
    buildFile(p, finalRows, fresh);
    const auto freshIndex = DiskIndex::open(fresh, {.cacheNodes = 0});
    const auto truth = referenceOf(p, finalRows);
    for (const std::uint32_t L : {10u, 16u, 40u}) {
        const double m = meanRecall(*index, p, truth, L);
        const double f = meanRecall(*freshIndex, p, truth, L);
        qInfo("L %u: recall@10 merged %.3f, fresh build %.3f", L, m, f);
        QVERIFY2(m >= f - 0.02, qPrintable(QStringLiteral("%1 vs %2").arg(m).arg(f)));
    }
}

void TestDiskIndexMerge::deletesOnly() {
    const Points p = makePoints(Metric::L2, false);
    const std::string base = baseCopy(p, QStringLiteral("del_base.qdx"));
    std::unordered_set<std::uint64_t> deleted;
    std::vector<std::uint32_t> live;
    for (std::uint32_t r = 0; r < kBase; ++r)
        (r % 2 == 0 ? deleted.insert(p.id(r)), void() : live.push_back(r));
    const std::string merged = path("del_merged.qdx");
    const MergeReport report = mergeDiskIndex(base, merged, {}, deleted, withThreads(1));
    QCOMPARE(report.inserted, 0u);
    QCOMPARE(report.count, kBase / 2);
    const auto index = DiskIndex::open(merged);
    QVERIFY(index->verify().ok());
    QCOMPARE(unreachable(*index, p, live), 0u);
    const double m = meanRecall(*index, p, referenceOf(p, live), 40);
    qInfo("half deleted: recall@10 %.3f", m);
    QVERIFY2(m >= 0.95, qPrintable(QString::number(m)));
}

void TestDiskIndexMerge::insertsOnlyInPlace() {
    const Points p = makePoints(Metric::L2, false);
    const std::string base = baseCopy(p, QStringLiteral("ins_base.qdx"));
    const auto inserted = range(kBase, kBase + kNew);
    // Written over the base itself: it is read to the end before the rename.
    // The inserted points find each other through a graph of their own, as large deltas do.
    DiskIndexMergeOptions o;
    o.bruteForceDeltaBelow = 100;
    const MergeReport report = mergeDiskIndex(base, base, deltaOf(p, inserted), {}, o);
    QCOMPARE(report.deleted, 0u);
    QCOMPARE(report.count, kBase + kNew);
    QVERIFY(!test::tempFileLeft(base));
    const auto index = DiskIndex::open(base);
    QCOMPARE(index->info().count, kBase + kNew);
    QVERIFY(index->verify().ok());
    QCOMPARE(unreachable(*index, p, inserted), 0u);
    const double m = meanRecall(*index, p, referenceOf(p, range(0, kBase + kNew)), 40);
    qInfo("inserts only: recall@10 %.3f", m);
    QVERIFY2(m >= 0.95, qPrintable(QString::number(m)));
}

void TestDiskIndexMerge::cosineInserts() {
    // Inserted vectors arrive raw and are stored unit length, as a fresh build stores them.
    Points p = makePoints(Metric::Cosine, false);
    const std::string base = baseCopy(p, QStringLiteral("cos_base.qdx"));
    for (std::uint32_t r = kBase; r < kBase + kNew; ++r)
        for (std::uint32_t c = 0; c < kDim; ++c)
            p.vectors[std::size_t{r} * kDim + c] *= 3.0f;
    const auto inserted = range(kBase, kBase + kNew);
    std::unordered_set<std::uint64_t> deleted;
    std::vector<std::uint32_t> finalRows;
    for (std::uint32_t r = 0; r < kBase; ++r)
        (r % 4 == 1 ? deleted.insert(p.id(r)), void() : finalRows.push_back(r));
    finalRows.insert(finalRows.end(), inserted.begin(), inserted.end());
    const std::string merged = path("cos_merged.qdx");
    mergeDiskIndex(base, merged, deltaOf(p, inserted), deleted, withThreads(2));
    const auto index = DiskIndex::open(merged);
    QVERIFY(index->verify().ok());
    const auto hits = index->search(p.vector(kBase), 1, 40, 4);
    QCOMPARE(hits.size(), std::size_t{1});
    QCOMPARE(hits[0].id, p.id(kBase));
    // Stored unit length: its distance to its own (normalised) query is that of a unit vector
    // to itself, not of a vector three times as long.
    std::vector<float> unit(p.vector(kBase), p.vector(kBase) + kDim);
    normalize(unit.data(), kDim);
    const float self = distanceFunction(Metric::Cosine)(unit.data(), unit.data(), kDim);
    QVERIFY2(std::abs(hits[0].distance - self) < 1e-4f,
             qPrintable(QString::number(static_cast<double>(hits[0].distance))));
    QCOMPARE(unreachable(*index, p, inserted), 0u);
    const double m = meanRecall(*index, p, referenceOf(p, finalRows), 40);
    qInfo("cosine: recall@10 %.3f", m);
    QVERIFY2(m >= 0.95, qPrintable(QString::number(m)));
}

void TestDiskIndexMerge::labelsAfterMerge() {
    const Points p = makePoints(Metric::L2, true);
    const std::string base = baseCopy(p, QStringLiteral("lab_base.qdx"));
    QCOMPARE(DiskIndex::open(base)->info().maxLabelsPerNode, 2u);
    std::unordered_set<std::uint64_t> deleted;
    std::vector<std::uint32_t> finalRows;
    for (std::uint32_t r = 0; r < kBase; ++r)
        (r % 10 < 3 ? deleted.insert(p.id(r)), void() : finalRows.push_back(r));
    const auto inserted = range(kBase, kBase + kNew);
    finalRows.insert(finalRows.end(), inserted.begin(), inserted.end());
    const std::string merged = path("lab_merged.qdx");
    mergeDiskIndex(base, merged, deltaOf(p, inserted), deleted, withThreads(2));
    const auto index = DiskIndex::open(merged);
    QVERIFY(index->verify().ok());
    QCOMPARE(index->info().maxLabelsPerNode, 4u);
    QCOMPARE(index->info().labelCount, 5u);
    const auto truth = referenceOf(p, finalRows);
    std::unordered_map<std::uint64_t, const std::vector<std::uint32_t>*> labelsOf;
    for (const std::uint32_t r : finalRows)
        labelsOf[p.id(r)] = &p.labels[r];
    for (const std::uint32_t label : {1u, 2u, 5u, 6u}) {
        for (std::uint32_t q = 0; q < kQueries; ++q) {
            SearchFilter f;
            f.label = label;
            for (const auto& h : index->search(p.queries.data() + q * kDim, kK, 40, 4, f)) {
                QVERIFY2(labelsOf.count(h.id), "a deleted id was returned");
                const auto& l = *labelsOf.at(h.id);
                QVERIFY2(std::find(l.begin(), l.end(), label) != l.end(),
                         "a hit without the label");
            }
        }
        const double m = meanRecall(*index, p, truth, 40, label);
        qInfo("label %u: recall@10 %.3f", label, m);
        QVERIFY2(m >= 0.9, qPrintable(QString::number(m)));
    }
}

void TestDiskIndexMerge::cancelLeavesBaseUntouched() {
    const Points p = makePoints(Metric::L2, false);
    const std::string base = baseCopy(p, QStringLiteral("cancel_base.qdx"));
    const auto before = test::readFileBytes(base);
    std::unordered_set<std::uint64_t> deleted{p.id(1), p.id(2)};
    for (const double stopAt : {0.05, 0.5, 0.94}) {
        for (const std::string& out : {path("cancel_out.qdx"), base}) {
            double last = -1;
            bool monotone = true;
            DiskIndexMergeOptions o;
            o.threads = 2;
            o.progress = [&](double f) {
                monotone = monotone && f >= last;
                last = f;
                return f < stopAt;
            };
            try {
                mergeDiskIndex(base, out, deltaOf(p, range(kBase, kBase + 200)), deleted, o);
                QFAIL(qPrintable(QStringLiteral("the merge was not cancelled at %1 (last %2)")
                                     .arg(stopAt)
                                     .arg(last)));
            } catch (const DiskIndexError& e) {
                QCOMPARE(QString::fromUtf8(e.what()), QStringLiteral("index merge cancelled"));
            }
            QVERIFY(monotone);
            QVERIFY(last >= stopAt);
            QVERIFY(test::readFileBytes(base) == before);
            QVERIFY(!test::tempFileLeft(out));
            if (out != base)
                QVERIFY(!std::filesystem::exists(out));
        }
    }
}

void TestDiskIndexMerge::badInputsThrow() {
    Points p = makePoints(Metric::L2, false);
    const std::string base = baseCopy(p, QStringLiteral("bad_base.qdx"));
    const std::string out = path("bad_out.qdx");
    const auto expectThrow = [&](const MergeDelta& delta,
                                 const std::unordered_set<std::uint64_t>& deleted,
                                 const char* needle) {
        try {
            mergeDiskIndex(base, out, delta, deleted);
            QFAIL(qPrintable(QStringLiteral("no error for: %1").arg(QLatin1String(needle))));
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String(needle)), e.what());
        }
        QVERIFY(!std::filesystem::exists(out));
        QVERIFY(!test::tempFileLeft(out));
    };
    const auto inserted = range(kBase, kBase + 20);
    {
        MergeDelta d = deltaOf(p, inserted);
        d.dimension = kDim + 1;
        expectThrow(d, {}, "dimension");
    }
    {
        MergeDelta d = deltaOf(p, inserted);
        d.metric = Metric::Cosine;
        expectThrow(d, {}, "metric");
    }
    {
        auto rows = inserted;
        rows.push_back(kBase + 3);
        expectThrow(deltaOf(p, rows), {}, "inserted twice");
    }
    // An id already live in the base; once deleted, the same id may be inserted (an update).
    const std::vector<std::uint32_t> again{5, kBase + 1};
    expectThrow(deltaOf(p, again), {}, "already in the index");
    QCOMPARE(mergeDiskIndex(base, out, deltaOf(p, again), {p.id(5)}).count, kBase + 1);
    std::filesystem::remove(out);
    {
        p.vectors[std::size_t{kBase + 4} * kDim + 3] = std::numeric_limits<float>::quiet_NaN();
        expectThrow(deltaOf(p, inserted), {}, "non-finite");
        p.vectors[std::size_t{kBase + 4} * kDim + 3] = std::numeric_limits<float>::infinity();
        expectThrow(deltaOf(p, inserted), {}, "non-finite");
    }
    {
        std::unordered_set<std::uint64_t> everything;
        for (std::uint32_t r = 0; r < kBase; ++r)
            everything.insert(p.id(r));
        expectThrow({}, everything, "empty");
    }
    try {
        mergeDiskIndex(path("missing.qdx"), out, {}, {});
        QFAIL("no error for a missing base");
    } catch (const DiskIndexError&) {
    }
}

QTEST_GUILESS_MAIN(TestDiskIndexMerge)
#include "tst_disk_index_merge.moc"
