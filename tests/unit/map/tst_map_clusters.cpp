#include "core/map/cluster_terms.h"
#include "core/map/map_clusters.h"
#include "core/map/map_layout.h"
#include "tests/unit/map/map_test_data.h"

#include <QtTest>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

using namespace quiver::map;
using namespace quiver::map::test;

// Clusters of the map and the words that label them: planted structure is found again, and the
// answers are deterministic and defined for degenerate input.
class TstMapClusters : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void clustersRecoverTheBlobs();
    void plantedWordLabelsEachBlob();
    void clustersAreDeterministic();
    void clusterEdgeCases();
    void termTiesAreAlphabetical();
    void termsNeedSupport();
    void termEdgeCases();

private:
    Blobs blobs_;
    std::vector<MapPoint> points_;
};

namespace {

constexpr std::size_t kBlobs = 5;

// Purity: the share of points whose cluster's majority blob is their own.
double purity(const MapClusters& c, const std::vector<std::uint32_t>& truth) {
    std::vector<std::map<std::uint32_t, std::size_t>> votes(c.count);
    for (std::size_t i = 0; i < truth.size(); ++i)
        ++votes[c.clusterOf[i]][truth[i]];
    std::size_t agree = 0;
    for (const auto& v : votes) {
        std::size_t best = 0;
        for (const auto& [blob, n] : v)
            best = std::max(best, n);
        agree += best;
    }
    return static_cast<double>(agree) / static_cast<double>(truth.size());
}

} // namespace

void TstMapClusters::initTestCase() {
    blobs_ = makeBlobs(kBlobs, 200, 256, 0.3f, 11);
    MapLayoutOptions o;
    o.threads = 2;
    o.seed = 3;
    points_ = layoutMap(blobs_.vectors.data(), blobs_.count, 256, o);
}

void TstMapClusters::clustersRecoverTheBlobs() {
    const MapClusters c = clusterMap(points_, 12, 1);
    QCOMPARE(c.count, std::uint32_t{kBlobs});
    QCOMPARE(c.clusterOf.size(), blobs_.count);
    QCOMPARE(c.centres.size(), std::size_t{kBlobs});
    QVERIFY(purity(c, blobs_.blobOf) >= 0.95);
    // Largest first; centres inside the map.
    std::vector<std::size_t> size(c.count, 0);
    for (const std::uint32_t k : c.clusterOf)
        ++size[k];
    QVERIFY(std::is_sorted(size.rbegin(), size.rend()));
    for (const MapPoint& p : c.centres)
        QVERIFY(p.x >= 0 && p.x <= 1 && p.y >= 0 && p.y <= 1);
}

void TstMapClusters::plantedWordLabelsEachBlob() {
    // Every point carries common words drawn at random; a blob's own word is on 90% of its
    // points and on 2% of the others.
    std::mt19937 rng(9);
    std::uniform_int_distribution<int> common(0, 59);
    std::uniform_real_distribution<double> chance(0, 1);
    std::vector<std::vector<std::string>> terms(blobs_.count);
    for (std::size_t i = 0; i < blobs_.count; ++i) {
        for (int w = 0; w < 12; ++w)
            terms[i].push_back("common" + std::to_string(common(rng)));
        for (std::uint32_t b = 0; b < kBlobs; ++b)
            if (chance(rng) < (b == blobs_.blobOf[i] ? 0.9 : 0.02))
                terms[i].push_back("planted" + std::to_string(b));
    }
    const MapClusters c = clusterMap(points_, 12, 1);
    const auto labels = distinctiveTerms(terms, c, 3);
    QCOMPARE(labels.size(), std::size_t{c.count});
    for (std::uint32_t k = 0; k < c.count; ++k) {
        std::map<std::uint32_t, std::size_t> votes;
        std::uint32_t majority = 0;
        for (std::size_t i = 0; i < blobs_.count; ++i)
            if (c.clusterOf[i] == k && ++votes[blobs_.blobOf[i]] > votes[majority])
                majority = blobs_.blobOf[i];
        QVERIFY(!labels[k].empty());
        QCOMPARE(labels[k].front(), "planted" + std::to_string(majority));
        QVERIFY(labels[k].size() <= 3);
    }
}

void TstMapClusters::clustersAreDeterministic() {
    const MapClusters a = clusterMap(points_, 8, 5);
    const MapClusters b = clusterMap(points_, 8, 5);
    QCOMPARE(a.count, b.count);
    QVERIFY(a.clusterOf == b.clusterOf);
}

void TstMapClusters::clusterEdgeCases() {
    QCOMPARE(clusterMap({}, 10, 1).count, 0u);
    const MapClusters one = clusterMap({MapPoint{0.2f, 0.3f}}, 10, 1);
    QCOMPARE(one.count, 1u);
    QCOMPARE(one.clusterOf, std::vector<std::uint32_t>{0});
    QCOMPARE(one.centres.front().x, 0.2f);
    const std::vector<MapPoint> same(20, MapPoint{0.5f, 0.5f});
    QCOMPARE(clusterMap(same, 10, 1).count, 1u);
    const std::vector<MapPoint> two = {{0, 0}, {0, 0.01f}, {1, 1}, {1, 0.99f}};
    const MapClusters c = clusterMap(two, 10, 1);
    QVERIFY(c.count >= 2 && c.count <= 3);
    QCOMPARE(c.clusterOf[0], c.clusterOf[1]);
    QVERIFY(c.clusterOf[0] != c.clusterOf[2]);
    // maxClusters below 2: everything in one cluster.
    QCOMPARE(clusterMap(two, 1, 1).count, 1u);
    QCOMPARE(clusterMap(two, 0, 1).count, 1u);
    QCOMPARE(clusterMap(points_, 2, 1).count, 2u);
}

void TstMapClusters::termTiesAreAlphabetical() {
    MapClusters c;
    c.count = 2;
    c.clusterOf = {0, 0, 0, 1, 1, 1};
    c.centres.resize(2);
    const std::vector<std::vector<std::string>> terms = {
        {"zeta", "alpha", "shared"}, {"zeta", "alpha", "shared"}, {"zeta", "alpha", "shared"},
        {"beta", "shared"},          {"beta", "shared"},          {"beta", "shared"}};
    const auto labels = distinctiveTerms(terms, c, 5);
    QCOMPARE(labels.size(), std::size_t{2});
    QCOMPARE(labels[0], (std::vector<std::string>{"alpha", "zeta"}));
    // "shared" is on every point, so relatively more of the smaller cluster 1's terms.
    QCOMPARE(labels[1], (std::vector<std::string>{"beta", "shared"}));
}

void TstMapClusters::termsNeedSupport() {
    // A word on a single point of a large cluster is not a label, however rare elsewhere.
    MapClusters c;
    c.count = 2;
    c.clusterOf.assign(20, 0);
    std::fill(c.clusterOf.begin() + 10, c.clusterOf.end(), 1);
    std::vector<std::vector<std::string>> terms(20, std::vector<std::string>{"common"});
    terms[0].push_back("once");
    for (std::size_t i = 0; i < 10; ++i)
        terms[i].push_back("mine");
    terms[0].push_back("mine"); // a repeat on one point counts once
    const auto labels = distinctiveTerms(terms, c, 5);
    QCOMPARE(labels[0], std::vector<std::string>{"mine"});
}

void TstMapClusters::termEdgeCases() {
    MapClusters none;
    QVERIFY(distinctiveTerms({}, none, 3).empty());
    MapClusters c;
    c.count = 2;
    c.clusterOf = {0, 1};
    c.centres.resize(2);
    QCOMPARE(distinctiveTerms({}, c, 3).size(), std::size_t{2});
    const auto labels = distinctiveTerms({{"a"}, {"b"}}, c, 0);
    QCOMPARE(labels.size(), std::size_t{2});
    QVERIFY(labels[0].empty());
    // More points than cluster assignments: the extra points are ignored.
    const auto more = distinctiveTerms({{"a"}, {"b"}, {"c"}}, c, 3);
    QCOMPARE(more[0], std::vector<std::string>{"a"});
    QCOMPARE(more[1], std::vector<std::string>{"b"});
}

QTEST_GUILESS_MAIN(TstMapClusters)
#include "tst_map_clusters.moc"
